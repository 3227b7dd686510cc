"""Master PDFs and covers in private storage: every read goes through the library's views, which
check access, log and watermark."""

from terpadu.core.storage import PrivateStorage

private_storage = PrivateStorage(setting="LIBRARY_PRIVATE_ROOT", served_by="the library views")


def get_private_storage():
    return private_storage
