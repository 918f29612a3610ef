"""Uploaded photos are re-encoded, renamed and served by their real type (issue 22, finding 2):
no EXIF (GPS, phone), upright, `<random>.<real extension>`, content type from the bytes, nosniff,
inline with a safe name. For citizens' reports, staff requests and asset photos alike."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context
from PIL import ExifTags, Image, PngImagePlugin

from accounts.models import User
from infrastructure.models import ServiceRequest
from infrastructure.services import asset_create, asset_photo_add, service_request_create
from tests.helpers import host_client, login

from .helpers import point

NEAR_KANTANG = ("7.4092", "99.5185")
RED, BLUE = (255, 0, 0), (0, 0, 255)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the citizens' page counts reports per address in Redis
    yield
    cache.clear()


def png_bytes(*, text: str | None = None, size=(6, 4)) -> bytes:
    buffer = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
        info.add_text("GPS", "7.4092,99.5185")
    Image.new("RGB", size, RED).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_gps(*, orientation: int = 1) -> bytes:
    """40 × 20 pixels, left half red and right half blue, with a GPS position, a phone model and
    the EXIF orientation given (6: the viewer turns it 90° clockwise)."""
    image = Image.new("RGB", (40, 20), RED)
    image.paste(BLUE, (20, 0, 40, 20))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F], exif[0x0110] = "PhoneMaker", "PhoneModel X"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (7.0, 24.0, 33.0), 3: "E", 4: (99.0, 31.0, 6.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "text/html") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(field_file) -> tuple[bytes, Image.Image]:
    with field_file.open("rb") as handle:
        data = handle.read()
    return data, Image.open(io.BytesIO(data))


def close(colour, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], expected, strict=True))


def staff_client(username="engineer"):
    return login(host_client("kantang.localhost"), "kantang", username)


def citizen_report(kantang, photo) -> ServiceRequest:
    response = host_client("kantang.localhost").post("/report/", {
        "category": "lighting", "description": "ไฟถนนดับ", "lat": NEAR_KANTANG[0], "lon": NEAR_KANTANG[1],
        "address_text": "หน้าตลาด", "reporter_name": "", "reporter_phone": "", "reporter_email": "",
        "photo": photo,
    })
    assert response.status_code == 302, response.content.decode()[:500]
    code = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    with schema_context("kantang"):
        return ServiceRequest.objects.get(tracking_code=code)


def test_a_png_named_photo_html_is_stored_as_png_and_served_as_an_image(kantang, media_root):
    report = citizen_report(kantang, upload("photo.html", png_bytes()))

    name = report.photo.name.rsplit("/", 1)[-1]
    assert re.fullmatch(r"[0-9a-f]{32}\.png", name), name
    response = staff_client().get(reverse("infrastructure:request-photo", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="request-{report.pk}.png"'
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_jpeg_comes_back_without_exif_gps_or_phone_and_upright(kantang, media_root):
    report = citizen_report(kantang, upload("IMG_0001.JPG", jpeg_with_gps(orientation=6), "image/jpeg"))

    data, image = stored(report.photo)
    assert image.format == "JPEG" and report.photo.name.endswith(".jpg")
    assert dict(image.getexif()) == {} and b"Exif" not in data and b"PhoneModel" not in data
    # Orientation 6 applied to the pixels: 20 wide, 40 high, the red half on top.
    assert image.size == (20, 40)
    rgb = image.convert("RGB")
    assert close(rgb.getpixel((10, 5)), RED) and close(rgb.getpixel((10, 35)), BLUE)


def test_png_text_chunks_and_an_icc_profile_are_dropped(in_kantang, media_root, far_point):
    from PIL import ImageCms

    buffer = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "บ้านเลขที่ 12 นายสมชาย")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (5, 5), BLUE).save(buffer, format="PNG", pnginfo=info, icc_profile=srgb)
    engineer = User.objects.get(username="engineer")
    obj = service_request_create(
        data={"category": "lighting", "description": "ไฟดับ", "location": far_point}, user=engineer,
        channel="phone", photo=upload("scan.png", buffer.getvalue(), "image/png"), link_nearest=False)

    data, image = stored(obj.photo)
    assert image.format == "PNG" and image.info.get("icc_profile") is None
    assert "Comment" not in image.info and "สมชาย".encode() not in data and b"iCCP" not in data
    assert close(image.convert("RGB").getpixel((2, 2)), BLUE)


def test_asset_photos_are_cleaned_and_served_by_their_real_type(in_kantang, media_root):
    engineer = User.objects.get(username="engineer")
    asset = asset_create(user=engineer, data={"code": "PH-PRIV-1", "asset_type": "streetlight",
                                              "name": "เสาไฟทดสอบ", "geometry": point(), "condition": "good"})
    photo = asset_photo_add(asset=asset, user=engineer,
                            image=upload("evil.svg", jpeg_with_gps(orientation=3), "image/svg+xml"))

    data, image = stored(photo.image)
    assert re.fullmatch(r"assets/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", photo.image.name), photo.image.name
    assert dict(image.getexif()) == {} and b"PhoneModel" not in data
    rgb = image.convert("RGB")  # orientation 3: turned half a turn, so blue is now on the left
    assert close(rgb.getpixel((5, 10)), BLUE) and close(rgb.getpixel((35, 10)), RED)
    response = staff_client().get(reverse("infrastructure:asset-photo", args=[asset.pk, photo.pk]))
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="asset-{asset.pk}-photo-{photo.pk}.jpg"'


def test_a_photo_stored_before_the_fix_is_served_by_its_content(in_kantang, media_root, far_point):
    """Files uploaded before re-encoding keep the name they came with (`photo.html`)."""
    engineer = User.objects.get(username="engineer")
    obj = service_request_create(data={"category": "lighting", "description": "ไฟดับ", "location": far_point},
                                 user=engineer, channel="phone", link_nearest=False)
    obj.photo.save("photo.html", ContentFile(png_bytes()), save=True)
    not_a_photo = service_request_create(
        data={"category": "lighting", "description": "ไฟดับ", "location": far_point}, user=engineer,
        channel="phone", link_nearest=False)
    not_a_photo.photo.save("page.html", ContentFile(b"<script>alert(1)</script>"), save=True)

    client = staff_client()
    response = client.get(reverse("infrastructure:request-photo", args=[obj.pk]))
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="request-{obj.pk}.png"'
    assert client.get(reverse("infrastructure:request-photo", args=[not_a_photo.pk])).status_code == 404


def test_a_file_that_is_not_a_photo_is_still_refused_whatever_its_name(kantang, media_root):
    response = host_client("kantang.localhost").post("/report/", {
        "category": "lighting", "description": "ไฟถนนดับ", "lat": NEAR_KANTANG[0], "lon": NEAR_KANTANG[1],
        "photo": upload("photo.png", b"<html><script>alert(1)</script></html>", "image/png"),
    })
    assert response.status_code == 200
    with schema_context("kantang"):
        assert not ServiceRequest.objects.filter(description="ไฟถนนดับ").exists()


def test_photos_stored_before_the_fix_are_cleaned_by_the_command(in_kantang, media_root, far_point):
    from io import StringIO

    from django.core.management import call_command

    engineer = User.objects.get(username="engineer")
    obj = service_request_create(data={"category": "lighting", "description": "ไฟดับ", "location": far_point},
                                 user=engineer, channel="phone", link_nearest=False)
    obj.photo.save("IMG_0042.html", ContentFile(jpeg_with_gps(orientation=6)), save=True)
    old_name = obj.photo.name
    storage = obj.photo.storage
    assert storage.exists(old_name)

    out = StringIO()
    call_command("photos_reencode", "--schema", "kantang", stdout=out)
    obj.refresh_from_db()
    data, image = stored(obj.photo)
    assert re.fullmatch(r"requests/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", obj.photo.name), obj.photo.name
    assert dict(image.getexif()) == {} and b"PhoneModel" not in data and image.size == (20, 40)
    assert not storage.exists(old_name)
    assert "kantang: 1 re-encoded" in out.getvalue()
    call_command("photos_reencode", "--schema", "kantang", stdout=out)  # a second run changes nothing
    obj.refresh_from_db()
    assert stored(obj.photo)[0] == data
