"""Private file storage: files outside MEDIA_ROOT with no URL.

Every read goes through a view that checks access (and logs or watermarks); the storage refuses
to hand out a URL so no template can leak one.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under the path in `setting` (default `var/private/<subfolder>`), read on every access so
    tests and deployments can move the root with a setting."""

    def __init__(self, *, setting: str, subfolder: str = "", served_by: str) -> None:
        super().__init__()
        self.setting, self.subfolder, self.served_by = setting, subfolder, served_by

    def root(self) -> Path:
        configured = getattr(settings, self.setting, None)
        return Path(configured or (Path(settings.VAR_DIR) / "private" / self.subfolder))

    @property
    def base_location(self):
        return str(self.root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError(f"These files are private: serve them through {self.served_by}.")
