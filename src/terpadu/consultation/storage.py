"""Consultation attachments in private storage: every download goes through a view that checks the
person may read the consultation (its user or staff of its unit)."""

from terpadu.core.storage import PrivateStorage

attachment_storage = PrivateStorage(
    setting="CONSULTATION_PRIVATE_ROOT", subfolder="consultation", served_by="the consultation views"
)


def private_root():
    return attachment_storage.root()


def get_attachment_storage():
    return attachment_storage
