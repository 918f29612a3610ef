"""Uploaded photos (citizens' reports, staff requests, asset photos) as they are stored and served.

A photo is never stored as it came. The upload is checked (validators.validate_photo: a real JPEG,
PNG or WebP of at most 8 MB), then decoded and encoded again with Pillow:
- the EXIF orientation is applied to the pixels first, so the picture stays upright;
- nothing but pixels is written back: no EXIF (GPS position, phone model, time), no XMP, no PNG
  text chunks, no ICC profile (a profile's colours are converted to sRGB first);
- the stored name is random, with the extension of the format the content really is: a PNG
  uploaded as `photo.html` is stored as `<random>.png`, never under a name a browser or a web
  server could take for a page.

Serving (`photo_response`) takes the content type from the stored bytes, not from the name, and
sends `X-Content-Type-Options: nosniff` and `Content-Disposition: inline` with a safe name.
"""

import io
import re
import secrets
import warnings
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from ..validators import validate_photo

# Pillow format → (file extension, content type). Only what validate_photo lets through.
PHOTO_TYPES = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
JPEG_QUALITY = 90
WEBP_QUALITY = 90
# 8 MB of compressed photo can still hold a decompression bomb: refuse past Pillow's own
# warning limit (about 89 megapixels; a 48-megapixel phone photo is well under it).
_PIXELS_ERROR = _("The photo has too many pixels to be read; send a smaller one.")


def _to_srgb(image: Any) -> Any:
    """The pixels converted from the embedded ICC profile to sRGB (then the profile can go
    without the colours changing); unchanged when there is no profile or it cannot be read."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    from PIL import ImageCms

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def photo_reencode(upload: IO[bytes]) -> ContentFile:
    """The photo in `upload` checked and re-encoded, as a ContentFile with a random name ending
    in the real format's extension (`.jpg`, `.png`, `.webp`), ready to assign to an ImageField.
    ValidationError (a message for the user) when it is not a photo that can be read."""
    from PIL import Image, ImageOps

    validate_photo(upload)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as original:
                fmt = original.format or ""
                original.load()
                image = ImageOps.exif_transpose(original)  # a copy, upright
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(_PIXELS_ERROR, code="photo_too_many_pixels") from None
    except Exception:  # Pillow raises many types for a broken file (or broken EXIF)
        raise ValidationError(
            _("The file is not a photo that can be read. Send a JPEG, PNG or WebP image."),
            code="photo_invalid",
        ) from None
    finally:
        upload.seek(0)
    if fmt not in PHOTO_TYPES:  # validate_photo refused it already; a second guard costs nothing
        raise ValidationError(_("Photos must be JPEG, PNG or WebP."), code="photo_format")

    if image.mode == "P" or (image.mode in ("L", "RGB") and "transparency" in image.info):
        image = image.convert("RGBA")  # the palette's transparency lives in `info`, which goes
    elif image.mode not in ("1", "L", "LA", "RGB", "RGBA"):
        image = image.convert("RGB")  # CMYK and the rest: what every browser shows alike
    image = _to_srgb(image)
    # Whatever Pillow read besides the pixels (exif, icc_profile, dpi, text chunks, xmp) stays
    # behind: some encoders copy `info` into the file when it is there.
    image.info = {}
    if fmt == "JPEG" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")

    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    elif fmt == "PNG":
        image.save(out, format="PNG")
    else:
        image.save(out, format="WEBP", quality=WEBP_QUALITY)
    extension = PHOTO_TYPES[fmt][0]
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(16)}.{extension}")


def photo_content_type(head: bytes) -> str | None:
    """The content type of a stored photo from its first bytes (its magic number), or None
    when it is none of the photo formats. Files stored before re-encoding kept the name they
    were uploaded with, so the name says nothing."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


_EXTENSIONS = {content_type: extension for extension, content_type in PHOTO_TYPES.values()}


def photo_response(field_file: Any, *, download_name: str, cache_control: str) -> FileResponse:
    """Serve a stored photo: the content type from its bytes (never from its name), nosniff,
    `inline` with `download_name` + the real extension (ASCII, chosen by us). A stored file that
    is not a photo is refused (404) rather than sent under a type a browser might run."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("photo file missing") from None
    head = handle.read(16)
    handle.seek(0)
    content_type = photo_content_type(head)
    if content_type is None:
        handle.close()
        raise Http404("not a photo")
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{download_name}.{_EXTENSIONS[content_type]}"'
    response["Cache-Control"] = cache_control
    return response


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
