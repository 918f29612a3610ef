"""Uploaded photos (citizens' reports, staff requests, asset photos) as they are stored and served.

How a photo is checked, re-encoded (no EXIF or GPS, upright, a random name with its real
extension) and served is kernel.photos, shared with the home-visit photos; its names stay
importable from here. What is left here: re-encoding the photos stored before that rule.
"""

import io
import re

from django.core.exceptions import ValidationError

from kernel.photos import (  # noqa: F401
    PHOTO_TYPES,
    photo_content_type,
    photo_reencode,
    photo_response,
)

# The names photo_reencode gives: files under such a name were re-encoded already.
_GENERATED_NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp)")


def stored_photos_reencode() -> dict[str, int]:
    """Photos stored before uploads were re-encoded (in the current municipality's schema): each
    is re-encoded like a new upload, stored under a new name, and its old file deleted, so no
    GPS position or phone model stays on disk. Photos already under a generated name are left
    as they are (running it twice changes nothing). Returns counts: reencoded, skipped,
    unreadable (a missing or broken file: left as it is, and served as 404)."""
    from ..models import AssetPhoto, ServiceRequest

    counts = {"reencoded": 0, "skipped": 0, "unreadable": 0}
    for model, field in ((ServiceRequest, "photo"), (AssetPhoto, "image")):
        rows = model.objects.exclude(**{f"{field}__isnull": True}).exclude(**{field: ""}).order_by("pk")
        for obj in rows.iterator(chunk_size=200):
            stored_file = getattr(obj, field)
            old_name = stored_file.name
            if _GENERATED_NAME.fullmatch(old_name.rsplit("/", 1)[-1]):
                counts["skipped"] += 1
                continue
            try:
                with stored_file.open("rb") as handle:
                    fresh = photo_reencode(io.BytesIO(handle.read()))
            except (OSError, ValidationError):
                counts["unreadable"] += 1
                continue
            stored_file.save(fresh.name, fresh, save=False)
            model.objects.filter(pk=obj.pk).update(**{field: stored_file.name})
            stored_file.storage.delete(old_name)
            counts["reencoded"] += 1
    return counts
