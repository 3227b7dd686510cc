"""Private storage for consultation attachments: outside MEDIA_ROOT, with no URL.

Every download goes through a view that checks the person may read the consultation (its user or
staff of its unit); the storage refuses to hand out a URL so no template can leak one.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_root() -> Path:
    configured = getattr(settings, "CONSULTATION_PRIVATE_ROOT", None)
    return Path(configured or (Path(settings.VAR_DIR) / "private" / "consultation"))


class AttachmentStorage(FileSystemStorage):
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
        raise ValueError("Consultation attachments are private: serve them through the consultation views.")

    def deconstruct(self):
        return ("terpadu.consultation.storage.AttachmentStorage", (), {})


attachment_storage = AttachmentStorage()


def get_attachment_storage():
    return attachment_storage
