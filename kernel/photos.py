"""Uploaded photos (citizens' reports, staff requests, asset photos, home visits) as they are
checked, stored and served. Both domains take photos, so the rules live here once.

A photo is never stored as it came. The upload is checked (validate_photo: a real JPEG, PNG or
WebP of at most 8 MB), then decoded and encoded again with Pillow:
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
import secrets
import warnings
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
# Pillow format → (file extension, content type). Only what validate_photo lets through.
PHOTO_TYPES = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
JPEG_QUALITY = 90
WEBP_QUALITY = 90
# 8 MB of compressed photo can still hold a decompression bomb: refuse past Pillow's own
# warning limit (about 89 megapixels; a 48-megapixel phone photo is well under it).
_PIXELS_ERROR = _("The photo has too many pixels to be read; send a smaller one.")
_UNREADABLE = _("The file is not a photo that can be read. Send a JPEG, PNG or WebP image.")


def _looks_like_heic(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"hevc", b"heif", b"mif1", b"msf1"}


def validate_photo(file: Any) -> None:
    """A real JPEG, PNG or WebP image of at most 8 MB (the file's name and type are not trusted)."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is too large (%(size)s MB); the limit is 8 MB."),
            params={"size": f"{size / 1024 / 1024:.1f}"},
            code="photo_too_large",
        )
    if size == 0:
        raise ValidationError(_("The photo file is empty."), code="photo_empty")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        with Image.open(file) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        if _looks_like_heic(head):
            raise ValidationError(
                _("HEIC photos (iPhone) cannot be read yet. Send the photo as JPEG (on the iPhone: "
                  "Settings → Camera → Formats → Most Compatible)."),
                code="photo_heic",
            ) from None
        raise ValidationError(_UNREADABLE, code="photo_invalid") from None
    finally:
        file.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(
            _("Photos must be JPEG, PNG or WebP (this one is %(format)s)."),
            params={"format": fmt},
            code="photo_format",
        )


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


def photo_reencode(upload: IO[bytes]) -> "ContentFile[bytes]":
    """The photo in `upload` checked and re-encoded, as a ContentFile with a random name ending
    in the real format's extension (`.jpg`, `.png`, `.webp`), ready to assign to an ImageField.
    ValidationError (a message for the user) when it is not a photo that can be read."""
    from PIL import Image, ImageOps

    validate_photo(upload)
    upload.seek(0)
    image: Any
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
        raise ValidationError(_UNREADABLE, code="photo_invalid") from None
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
