"""The asset pages: who may open what, the list's filters and search, and the create / edit form
with every kind of bad input (a clear message, nothing saved)."""

import html
import json
import re
from urllib.parse import parse_qsl

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from infrastructure.models import Asset, AssetConditionChange, AssetPhoto
from infrastructure.services import asset_create, asset_photo_add
from kernel.geo import THAILAND

from ..helpers import host_client, login
from .helpers import line, offset, png_upload, point

URLCONF = "cityplatform.urls_tenant"
COMMUNITY = "ชุมชนทดสอบหน้าทรัพย์สิน"


def url(name, *args):
    return reverse(f"infrastructure:{name}", args=args, urlconf=URLCONF)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def thai(message, **params) -> str:
    """What the (Thai-first) page shows for a message: translated if the catalogue has it."""
    with translation.override("th"):
        text = gettext(message)
    return text % params if params else text


@pytest.fixture
def light(engineer):
    return asset_create(user=engineer, data={
        "code": "PG-LIGHT-1", "asset_type": "streetlight", "name": "เสาไฟหน้าตลาดทดสอบ",
        "geometry": point(), "condition": "good", "community": COMMUNITY,
        "attributes": {"lamp_type": "led", "watts": 90},
    })


def client_for(username: str | None):
    client = host_client("kantang.localhost")
    return login(client, "kantang", username) if username else client


def geojson(geom) -> str:
    return geom.geojson


def form_data(**overrides) -> dict:
    data = {
        "code": "PG-NEW-1", "asset_type": "streetlight", "name": "เสาไฟใหม่",
        "geometry": json.dumps({"type": "Point", "coordinates": list(offset(30, 30))}),
        "condition": "good", "status": "in_use", "installed_on": "15/06/2567", "community": COMMUNITY,
        "notes": "", "attr__streetlight__lamp_type": "led", "attr__streetlight__watts": "120",
    }
    data.update(overrides)
    return data


# --- Who may open what ------------------------------------------------------------------------


def _pages(asset):
    photo = asset.photos.first()
    return {
        "list": ("get", url("asset-list")),
        "detail": ("get", url("asset-detail", asset.pk)),
        "export": ("get", url("asset-export") + "?format=csv&q=PG-LIGHT"),
        "photo": ("get", url("asset-photo", asset.pk, photo.pk)),
        "create": ("get", url("asset-create")),
        "edit": ("get", url("asset-update", asset.pk)),
        "photo-add": ("post", url("asset-photo-add", asset.pk)),
    }


READ = {"list", "detail", "export", "photo"}
EXPECTED = {
    "engineer": {name: 200 for name in ("list", "detail", "export", "photo", "create", "edit")},
    "admin": {name: 200 for name in ("list", "detail", "export", "photo", "create", "edit")},
    "executive": {"list": 200, "detail": 200, "export": 200, "photo": 200,
                  "create": 403, "edit": 403, "photo-add": 403},
    "nurse": {name: 403 for name in ("list", "detail", "export", "photo", "create", "edit", "photo-add")},
    "volunteer": {name: 403 for name in ("list", "detail", "export", "photo", "create", "edit", "photo-add")},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_it_gives_each_role_its_access(username, light, engineer, media_root):
    asset_photo_add(asset=light, user=engineer, image=png_upload())
    client = client_for(username)
    for name, (method, address) in _pages(light).items():
        if name not in EXPECTED[username]:
            continue
        response = getattr(client, method)(address)
        assert response.status_code == EXPECTED[username][name], (username, name)


def test_it_sends_anonymous_visitors_to_the_login_page(light, engineer, media_root):
    asset_photo_add(asset=light, user=engineer, image=png_upload())
    client = client_for(None)
    for name, (method, address) in _pages(light).items():
        response = getattr(client, method)(address)
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"], name


def test_it_hides_the_edit_buttons_from_the_executive(light):
    text = page_text(client_for("executive").get(url("asset-detail", light.pk)))
    assert url("asset-update", light.pk) not in text
    assert url("asset-photo-add", light.pk) not in text
    text = page_text(client_for("engineer").get(url("asset-detail", light.pk)))
    assert url("asset-update", light.pk) in text
    assert url("asset-photo-add", light.pk) in text


# --- The list ---------------------------------------------------------------------------------


@pytest.fixture
def three_assets(engineer, light):
    road = asset_create(user=engineer, data={
        "code": "PG-ROAD-1", "asset_type": "road", "name": "ถนนทดสอบสายหนึ่ง",
        "geometry": line((0, 0), (0, 200)), "condition": "poor", "community": COMMUNITY,
        "attributes": {"surface": "concrete"},
    })
    bin_ = asset_create(user=engineer, data={
        "code": "PG-BIN-1", "asset_type": "waste_bin", "name": "ถังขยะหน้าวัดทดสอบ",
        "geometry": point(50, 0), "condition": "poor", "community": "ชุมชนอื่นทดสอบ",
    })
    return light, road, bin_


def codes_in(response) -> set[str]:
    text = page_text(response)
    return {code for code in ("PG-LIGHT-1", "PG-ROAD-1", "PG-BIN-1") if code in text}


def test_it_filters_the_list_by_type_condition_community_and_status(three_assets):
    client = client_for("executive")
    assert codes_in(client.get(url("asset-list"), {"q": "PG-"})) == {"PG-LIGHT-1", "PG-ROAD-1", "PG-BIN-1"}
    assert codes_in(client.get(url("asset-list"), {"q": "PG-", "asset_type": "road"})) == {"PG-ROAD-1"}
    poor = {"PG-ROAD-1", "PG-BIN-1"}
    assert codes_in(client.get(url("asset-list"), {"q": "PG-", "condition": "poor"})) == poor
    assert codes_in(client.get(url("asset-list"), {"community": COMMUNITY})) == {"PG-LIGHT-1", "PG-ROAD-1"}
    assert codes_in(client.get(url("asset-list"), {"q": "PG-", "status": "retired"})) == set()


def test_it_searches_code_and_name(three_assets):
    client = client_for("engineer")
    assert codes_in(client.get(url("asset-list"), {"q": "pg-bin"})) == {"PG-BIN-1"}
    assert codes_in(client.get(url("asset-list"), {"q": "ถนนทดสอบ"})) == {"PG-ROAD-1"}


def test_it_counts_the_filtered_assets_by_condition(three_assets):
    response = client_for("engineer").get(url("asset-list"), {"q": "PG-"})
    counts = {c["value"]: c["count"] for c in response.context["condition_counts"]}
    assert counts == {"good": 1, "fair": 0, "poor": 2, "out_of_service": 0}
    assert response.context["page"].paginator.count == 3


def test_it_ignores_an_unknown_filter_value(three_assets):
    response = client_for("engineer").get(url("asset-list"), {"q": "PG-", "asset_type": "spaceship"})
    assert response.status_code == 200
    assert codes_in(response) == {"PG-LIGHT-1", "PG-ROAD-1", "PG-BIN-1"}


def test_htmx_gets_only_the_results_with_export_links_for_the_same_filters(three_assets):
    response = client_for("engineer").get(
        url("asset-list"), {"q": "PG-", "condition": "poor"}, HTTP_HX_REQUEST="true"
    )
    text = page_text(response)
    assert "<html" not in text and "<form" not in text
    assert codes_in(response) == {"PG-ROAD-1", "PG-BIN-1"}
    links = re.findall(r'href="' + re.escape(url("asset-export")) + r'\?([^"]+)"', text)
    assert sorted(sorted(parse_qsl(query)) for query in links) == sorted(
        sorted([("condition", "poor"), ("q", "PG-"), ("format", fmt), *extra])
        for fmt, extra in (("csv", []), ("xlsx", []), ("csv", [("variant", "import")]), ("geojson", [])))


def test_the_pages_keep_the_filters(engineer):
    Asset.objects.bulk_create([
        Asset(code=f"PG-MANY-{i:03d}", asset_type="hydrant", name=f"หัวดับเพลิง {i}",
              geometry=point(i * 5, 0), community=COMMUNITY)
        for i in range(60)
    ])
    client = client_for("engineer")
    first = client.get(url("asset-list"), {"community": COMMUNITY, "asset_type": "hydrant"})
    assert first.context["page"].paginator.count == 60
    next_link = re.search(r'<nav class="pagination".*?href="\?([^"]+)"', page_text(first), re.S).group(1)
    assert dict(parse_qsl(next_link)) == {"community": COMMUNITY, "asset_type": "hydrant", "page": "2"}
    second = client.get(url("asset-list"), {"community": COMMUNITY, "asset_type": "hydrant", "page": 2})
    assert len(second.context["page"]) == 10


# --- Detail and photos ------------------------------------------------------------------------


def test_the_detail_shows_thai_facts_attributes_and_history(light, engineer):
    with translation.override("th"):
        lamp = "แอลอีดี"
    text = page_text(client_for("executive").get(url("asset-detail", light.pk)))
    assert "PG-LIGHT-1" in text and "เสาไฟหน้าตลาดทดสอบ" in text
    assert lamp in text and "90" in text
    assert 'id="asset-geometry"' in text and "asset-detail-map" in text
    assert AssetConditionChange.objects.filter(asset=light).count() == 1


def test_the_detail_is_404_for_an_unknown_asset(db, in_kantang):
    assert client_for("engineer").get(url("asset-detail", 999_999_999)).status_code == 404


def test_an_engineer_adds_a_photo_that_only_signed_in_staff_can_fetch(light, engineer, media_root):
    client = client_for("engineer")
    response = client.post(url("asset-photo-add", light.pk), {"image": png_upload(), "caption": "ด้านหน้า"})
    assert response.status_code == 302
    photo = AssetPhoto.objects.get(asset=light)
    assert photo.caption == "ด้านหน้า"
    fetched = client_for("executive").get(url("asset-photo", light.pk, photo.pk))
    assert fetched.status_code == 200 and fetched["Content-Type"] == "image/png"
    assert b"".join(fetched.streaming_content).startswith(b"\x89PNG")
    # The same photo id under another asset is not found.
    other = asset_create(user=engineer, data={
        "code": "PG-OTHER-1", "asset_type": "hydrant", "name": "หัวดับเพลิง", "geometry": point(80, 0),
    })
    assert client.get(url("asset-photo", other.pk, photo.pk)).status_code == 404


def test_it_refuses_a_file_that_is_not_a_photo(light, media_root):
    fake = SimpleUploadedFile("virus.jpg", b"MZ this is not an image at all", content_type="image/jpeg")
    response = client_for("engineer").post(url("asset-photo-add", light.pk), {"image": fake})
    assert response.status_code == 400
    message = thai("The file is not a photo that can be read. Send a JPEG, PNG or WebP image.")
    assert message in page_text(response)
    assert not AssetPhoto.objects.filter(asset=light).exists()


# --- Create and edit --------------------------------------------------------------------------


def test_the_form_starts_at_the_municipality_centre_and_carries_the_csp_nonce(in_kantang, kantang):
    response = client_for("engineer").get(url("asset-create"))
    text = page_text(response)
    nonce = response.wsgi_request.csp_nonce
    assert f'<script nonce="{nonce}">' in text
    assert "None" not in text.split('<script nonce="', 1)[1][:40]
    assert f'"center": [{kantang.centre.y}, {kantang.centre.x}]' in text
    for asset_type in ("road", "streetlight", "building"):
        assert f'data-attributes-for="{asset_type}"' in text


def test_an_engineer_creates_an_asset_from_a_geojson_drawing(in_kantang, engineer, media_root):
    data = form_data(photo=png_upload())
    response = client_for("engineer").post(url("asset-create"), data)
    assert response.status_code == 302, page_text(response)[:3000]
    asset = Asset.objects.get(code="PG-NEW-1")
    assert response["Location"] == url("asset-detail", asset.pk)
    assert asset.geometry.geom_type == "Point"
    assert asset.attributes == {"lamp_type": "led", "watts": 120}
    assert str(asset.installed_on) == "2024-06-15"  # 2567 BE
    assert asset.created_by == engineer
    assert asset.photos.count() == 1
    assert list(asset.condition_history.values_list("from_condition", "to_condition")) == [("", "good")]


def test_it_creates_a_road_drawn_as_a_line_with_its_length(in_kantang):
    data = form_data(code="PG-NEW-ROAD", asset_type="road", geometry=geojson(line((0, 0), (0, 300))),
                     **{"attr__road__surface": "asphalt", "attr__road__width_m": "6"})
    response = client_for("admin").post(url("asset-create"), data)
    assert response.status_code == 302
    road = Asset.objects.get(code="PG-NEW-ROAD")
    assert road.attributes["surface"] == "asphalt" and road.attributes["width_m"] == 6.0
    assert 290 < road.attributes["length_m"] < 310


BOWTIE = {"type": "Polygon", "coordinates": [[
    list(offset(*corner)) for corner in ((0, 0), (100, 100), (100, 0), (0, 100), (0, 0))
]]}
CASES = {
    "self-intersecting polygon": (
        {"asset_type": "building", "geometry": json.dumps(BOWTIE)},
        "The shape is not valid (%(reason)s). Lines of an area must not cross each other.",
    ),
    "outside Thailand": (
        {"geometry": json.dumps({"type": "Point", "coordinates": [2.35, 48.85]})},
        "The location is outside Thailand (longitude %(min_lon)s–%(max_lon)s, "
        "latitude %(min_lat)s–%(max_lat)s).",
    ),
    "swapped lat/lon": (
        {"geometry": json.dumps({"type": "Point", "coordinates": [18.7883, 98.9853]})},
        "The location is outside Thailand: latitude and longitude look swapped.",
    ),
    "unreadable geometry": (
        {"geometry": "somewhere near the market"},
        "The location could not be read. Draw it on the map or give WKT / GeoJSON.",
    ),
    "missing geometry": ({"geometry": ""}, "The location is empty: draw it on the map."),
    "attribute out of range": ({"attr__streetlight__watts": "99999"}, None),
    "bad photo": (
        {"photo": SimpleUploadedFile("p.png", b"not a png", content_type="image/png")},
        "The file is not a photo that can be read. Send a JPEG, PNG or WebP image.",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gets_a_clear_message_and_saves_nothing(case, in_kantang, media_root):
    overrides, message = CASES[case]
    before = (Asset.objects.count(), AssetConditionChange.objects.count(), AssetPhoto.objects.count())
    response = client_for("engineer").post(url("asset-create"), form_data(**overrides))
    assert response.status_code == 400
    text = page_text(response)
    if message is None:  # a range message carries numbers: check the attribute is named instead
        with translation.override("th"):
            assert str(gettext("watts")) in text.split('class="error"', 1)[1][:300]
    elif "%(min_lon)s" in message:  # the bounds of kernel.geo.THAILAND, the same for every check
        assert thai(message) % THAILAND.params() in text
    else:  # the words around a parameter (GEOS's reason for an invalid shape)
        for part in thai(message).split("%(reason)s"):
            assert part in text
    after = (Asset.objects.count(), AssetConditionChange.objects.count(), AssetPhoto.objects.count())
    assert after == before
    assert not Asset.objects.filter(code="PG-NEW-1").exists()


def test_a_geometry_of_the_wrong_kind_is_refused(in_kantang):
    data = form_data(asset_type="road", geometry=json.dumps({"type": "Point", "coordinates": list(offset())}))
    response = client_for("engineer").post(url("asset-create"), data)
    assert response.status_code == 400
    with translation.override("th"):
        expected = gettext("This asset type must be drawn as %(allowed)s, not as %(given)s.") % {
            "allowed": gettext("a line"), "given": gettext("a point"),
        }
    assert expected in page_text(response)
    assert not Asset.objects.filter(code="PG-NEW-1").exists()


def test_a_duplicate_code_is_refused(light):
    response = client_for("engineer").post(url("asset-create"), form_data(code="PG-LIGHT-1"))
    assert response.status_code == 400
    assert thai("An asset with the code “%(code)s” already exists.", code="PG-LIGHT-1") in page_text(response)
    assert Asset.objects.filter(code="PG-LIGHT-1").count() == 1


def test_missing_fields_are_named(in_kantang):
    response = client_for("engineer").post(url("asset-create"), {})
    assert response.status_code == 400
    form = response.context["form"]
    assert {"code", "asset_type", "name", "geometry"} <= set(form.errors)
    assert thai("The location is empty: draw it on the map.") in page_text(response)


def test_a_condition_change_through_the_edit_form_is_recorded(light, engineer):
    data = form_data(code="PG-LIGHT-1", name="เสาไฟหน้าตลาด (ซ่อมแล้ว)", geometry=geojson(light.geometry),
                     condition="out_of_service", condition_note="เสาล้มจากพายุ")
    data.pop("photo", None)
    response = client_for("admin").post(url("asset-update", light.pk), data)
    assert response.status_code == 302, page_text(response)[:3000]
    light.refresh_from_db()
    assert light.condition == "out_of_service" and light.name == "เสาไฟหน้าตลาด (ซ่อมแล้ว)"
    change = light.condition_history.first()
    assert (change.from_condition, change.to_condition) == ("good", "out_of_service")
    assert change.note == "เสาล้มจากพายุ"
    assert change.changed_by.username == "admin"
    text = page_text(client_for("executive").get(url("asset-detail", light.pk)))
    assert "เสาล้มจากพายุ" in text


def test_an_edit_with_bad_input_changes_nothing(light):
    data = form_data(code="PG-LIGHT-1", condition="poor",
                     geometry=json.dumps({"type": "Point", "coordinates": [18.7883, 98.9853]}))
    response = client_for("engineer").post(url("asset-update", light.pk), data)
    assert response.status_code == 400
    light.refresh_from_db()
    assert light.condition == "good" and light.name == "เสาไฟหน้าตลาดทดสอบ"
    assert light.condition_history.count() == 1


def test_the_edit_form_shows_the_current_values(light):
    response = client_for("engineer").get(url("asset-update", light.pk))
    form = response.context["form"]
    assert form["code"].value() == "PG-LIGHT-1"
    assert form["attr__streetlight__lamp_type"].value() == "led"
    assert json.loads(form["geometry"].value())["type"] == "Point"
