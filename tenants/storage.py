"""Files that belong to the platform rather than to one municipality's schema: theme logos and
favicons, change-request attachments.

They are written from a municipality's host (its admin uploads a logo) and read from the console
(the platform team), so they cannot use the per-schema TenantFileSystemStorage, which resolves a
path against whichever schema the connection is in. Nothing here is served from MEDIA_URL: views
serve these files after their own checks.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class _PlatformStorage(LazyObject):
    def _setup(self):
        self._wrapped = FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "platform", base_url=None)


platform_storage = _PlatformStorage()


def get_platform_storage():
    # A callable keeps the storage out of migrations, so MEDIA_ROOT can differ per machine.
    return platform_storage
