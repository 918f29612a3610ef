"""Geometry, attribute and photo checks, and the Thai labels that imports read."""

import pytest
from django.contrib.gis.geos import LineString, MultiLineString, Point, Polygon
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from infrastructure.models import (
    AssetType,
    Condition,
    RequestCategory,
    clean_attributes,
    tracking_code_normalise,
)
from infrastructure.models.requests import TRACKING_ALPHABET, tracking_code_generate
from infrastructure.validators import (
    MAX_PHOTO_BYTES,
    parse_geometry,
    validate_asset_geometry,
    validate_photo,
)

from .helpers import line, png_upload, point


def message_of(excinfo) -> str:
    with translation.override("en"):
        return " ".join(excinfo.value.messages)


def test_it_accepts_a_road_drawn_as_a_line_in_thailand():
    validate_asset_geometry("road", line((0, 0), (100, 0), (100, 50)))


def test_it_rejects_a_self_intersecting_polygon():
    bow_tie = Polygon(((99.51, 7.41), (99.52, 7.42), (99.52, 7.41), (99.51, 7.42), (99.51, 7.41)), srid=4326)

    with pytest.raises(ValidationError) as excinfo:
        validate_asset_geometry("building", bow_tie)

    assert excinfo.value.code == "geometry_invalid"
    assert "Self-intersection" in message_of(excinfo)


def test_it_rejects_a_location_outside_thailand():
    tokyo = Point(139.69, 35.68, srid=4326)

    with pytest.raises(ValidationError) as excinfo:
        validate_asset_geometry("streetlight", tokyo)

    assert excinfo.value.code == "geometry_outside"
    assert "outside Thailand" in message_of(excinfo)


def test_it_says_when_latitude_and_longitude_look_swapped():
    swapped = Point(7.41, 99.519, srid=4326)

    with pytest.raises(ValidationError) as excinfo:
        validate_asset_geometry("streetlight", swapped)

    assert "latitude and longitude look swapped" in message_of(excinfo)


@pytest.mark.parametrize(
    ("asset_type", "geom"),
    [
        ("road", Point(99.519, 7.41, srid=4326)),
        ("streetlight", LineString((99.519, 7.41), (99.52, 7.41), srid=4326)),
        ("drain", Polygon(((99.51, 7.41), (99.52, 7.41), (99.52, 7.42), (99.51, 7.41)), srid=4326)),
        ("waste_bin", MultiLineString(LineString((99.519, 7.41), (99.52, 7.41)), srid=4326)),
    ],
)
def test_it_rejects_the_wrong_kind_of_shape_for_the_type(asset_type, geom):
    with pytest.raises(ValidationError) as excinfo:
        validate_asset_geometry(asset_type, geom)

    assert excinfo.value.code == "geometry_kind"
    assert "must be drawn as" in message_of(excinfo)


@pytest.mark.parametrize(
    ("asset_type", "geom"),
    [
        ("bridge", Point(99.519, 7.41, srid=4326)),
        ("bridge", LineString((99.519, 7.41), (99.52, 7.41), srid=4326)),
        ("building", Point(99.519, 7.41, srid=4326)),
        ("building", Polygon(((99.51, 7.41), (99.52, 7.41), (99.52, 7.42), (99.51, 7.41)), srid=4326)),
    ],
)
def test_it_accepts_each_kind_that_makes_sense(asset_type, geom):
    validate_asset_geometry(asset_type, geom)


def test_it_rejects_an_empty_geometry():
    with pytest.raises(ValidationError) as excinfo:
        validate_asset_geometry("road", LineString(srid=4326))

    assert excinfo.value.code == "geometry_empty"


def test_it_reads_wkt_and_geojson_and_rejects_rubbish():
    assert parse_geometry("POINT (99.5 7.4)").srid == 4326
    assert parse_geometry('{"type": "Point", "coordinates": [99.5, 7.4]}').geom_type == "Point"
    with pytest.raises(ValidationError):
        parse_geometry("not a shape")


def test_attributes_are_checked_against_the_type_spec():
    cleaned = clean_attributes("road", {"surface": "ลาดยาง", "width_m": "6.5", "length_m": ""})
    assert cleaned == {"surface": "asphalt", "width_m": 6.5}

    assert clean_attributes("streetlight", {"lamp_type": "LED", "watts": "120"}) == {
        "lamp_type": "led", "watts": 120,
    }
    assert clean_attributes("cctv", {"connected": "yes"}) == {"connected": True}


@pytest.mark.parametrize(
    ("asset_type", "attributes", "fragment"),
    [
        ("streetlight", {"watts": 5000}, "between 1 and 2000"),
        ("streetlight", {"watts": "12.5"}, "whole number"),
        ("road", {"surface": "gold"}, "is not one of"),
        ("road", {"watts": 10}, "is not an attribute"),
        ("drain", {"diameter_mm": "wide"}, "is not a number"),
    ],
)
def test_bad_attributes_are_named(asset_type, attributes, fragment):
    with pytest.raises(ValidationError) as excinfo:
        clean_attributes(asset_type, attributes)

    assert fragment in message_of(excinfo)


def test_a_real_png_is_accepted():
    validate_photo(png_upload())


def test_a_text_file_named_jpg_is_rejected():
    fake = SimpleUploadedFile("photo.jpg", b"this is not a photo at all", content_type="image/jpeg")

    with pytest.raises(ValidationError) as excinfo:
        validate_photo(fake)

    assert excinfo.value.code == "photo_invalid"


def test_an_oversized_photo_is_rejected():
    big = png_upload()
    big.size = MAX_PHOTO_BYTES + 1

    with pytest.raises(ValidationError) as excinfo:
        validate_photo(big)

    assert excinfo.value.code == "photo_too_large"
    assert "8 MB" in message_of(excinfo)


def test_a_heic_photo_gets_its_own_message():
    heic = SimpleUploadedFile("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 64)

    with pytest.raises(ValidationError) as excinfo:
        validate_photo(heic)

    assert excinfo.value.code == "photo_heic"


def test_a_gif_is_rejected_by_format():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="GIF")

    with pytest.raises(ValidationError) as excinfo:
        validate_photo(SimpleUploadedFile("a.gif", buffer.getvalue()))

    assert excinfo.value.code == "photo_format"


def test_thai_labels_lead_to_values():
    assert AssetType.from_label("ถนน") == AssetType.ROAD
    assert AssetType.from_label(" Street light ") == AssetType.STREETLIGHT
    assert AssetType.from_label("water_pipe") == AssetType.WATER_PIPE
    assert Condition.from_label("ใช้งานไม่ได้") == Condition.OUT_OF_SERVICE
    assert RequestCategory.from_label("อื่นๆ") == RequestCategory.OTHER
    assert AssetType.from_label("spaceship") is None
    assert AssetType.label_map()["ไฟฟ้าส่องสว่าง"] == "streetlight"


def test_tracking_codes_are_readable_aloud():
    codes = {tracking_code_generate() for _i in range(200)}

    assert len(codes) == 200
    for code in codes:
        assert len(code) == 9 and code[4] == "-"
        assert set(code.replace("-", "")) <= set(TRACKING_ALPHABET)
        assert not set(code) & set("0O1I")
    assert tracking_code_normalise(" abcd efgh ") == "ABCD-EFGH"
    assert tracking_code_normalise("ABCD-EFG0") is None


def test_points_are_offset_in_metres():
    # guards the helpers the other tests rely on
    assert point(0, 0).distance(point(0, 111)) == pytest.approx(0.001, rel=0.01)


def test_a_shape_with_too_many_points_is_refused_before_anything_costly():
    from django.contrib.gis.geos import LineString

    from infrastructure.validators import MAX_VERTICES, validate_geometry

    line = LineString([(99.5 + i * 1e-7, 7.4) for i in range(MAX_VERTICES + 1)], srid=4326)
    with pytest.raises(ValidationError) as raised:
        validate_geometry(line)
    assert raised.value.code == "geometry_too_large"
    validate_geometry(LineString([(99.5 + i * 1e-6, 7.4) for i in range(MAX_VERTICES)], srid=4326))
