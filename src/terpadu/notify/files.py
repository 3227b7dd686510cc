"""Files that travel with an outbound message, named so a task's arguments stay JSON.

A file is `{"storage": <dotted path of a Django Storage>, "path": <name in that storage>,
"filename": <name the recipient sees>, "content_type": <MIME type>}`: the sending app decides where
its files live (consultation attachments are in a private storage with no URL); the task reads the
bytes only when it sends.
"""

from __future__ import annotations

from django.utils.module_loading import import_string


def spec(*, storage: str, path: str, filename: str, content_type: str) -> dict:
    return {"storage": storage, "path": path, "filename": filename, "content_type": content_type}


def read(file: dict) -> bytes:
    storage = import_string(file["storage"])
    if callable(storage) and not hasattr(storage, "open"):
        storage = storage()
    with storage.open(file["path"], "rb") as handle:
        return handle.read()
