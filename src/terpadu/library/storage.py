"""Private file storage: master PDFs and covers live outside MEDIA_ROOT and have no URL.

Every read of a publication's file goes through a view that checks access, logs, and
watermarks; the storage itself refuses to hand out a URL so no template can leak one.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_root() -> Path:
    return Path(getattr(settings, "LIBRARY_PRIVATE_ROOT", None) or (Path(settings.VAR_DIR) / "private"))


class PrivateStorage(FileSystemStorage):
    # Read the root on every access so tests (and deployments) can move it with a setting.
    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Library files are private: serve them through the library views.")

    def deconstruct(self):
        return ("terpadu.library.storage.PrivateStorage", (), {})


private_storage = PrivateStorage()


def get_private_storage():
    return private_storage
