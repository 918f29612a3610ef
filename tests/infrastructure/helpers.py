"""Small builders shared by the infrastructure tests."""

import io

from django.contrib.gis.geos import LineString, Point
from django.core.files.uploadedfile import SimpleUploadedFile

# Chiang Mai (lon, lat): far from the pilots, so demo assets never come within reach.
FAR_AWAY = (98.9853, 18.7883)


def offset(metres_east: float = 0, metres_north: float = 0, origin=FAR_AWAY) -> tuple[float, float]:
    """A lon/lat this many metres from `origin` (flat-earth approximation, fine under 1 km)."""
    import math

    lon, lat = origin
    return (
        lon + metres_east / (111_320 * math.cos(math.radians(lat))),
        lat + metres_north / 110_574,
    )


def point(metres_east: float = 0, metres_north: float = 0) -> Point:
    return Point(*offset(metres_east, metres_north), srid=4326)


def line(*offsets_m: tuple[float, float]) -> LineString:
    return LineString([offset(e, n) for e, n in offsets_m], srid=4326)


def png_upload(name: str = "photo.png", size=(4, 4)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
