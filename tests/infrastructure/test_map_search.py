"""The asset map's search box and its road/drain base layer: what each user gets back."""

import mapbox_vector_tile
import pytest
from django.urls import reverse
from django.utils import translation
from django_tenants.utils import schema_context

from infrastructure.models import Asset, AssetType, Condition
from infrastructure.services import asset_create
from infrastructure.tiles import BASE_MIN_ZOOM

from ..helpers import host_client, login
from .helpers import FAR_AWAY, line, point
from .test_maps import tile_of

SEARCH = "infrastructure:asset-map-search"


def search(client, q: str):
    return client.get(reverse(SEARCH), {"q": q})


def results(client, q: str) -> list[dict]:
    response = search(client, q)
    assert response.status_code == 200
    return response.json()["results"]


def codes(client, q: str) -> list[str]:
    return [result["code"] for result in results(client, q)]


@pytest.fixture
def engineer_client(engineer):
    return login(host_client("kantang.localhost"), "kantang", "engineer")


@pytest.fixture
def street(engineer):
    """A street and what stands along it, named after it as registers do."""
    made = {
        "road": asset_create(user=engineer, data={
            "code": "SRCH-RD-1", "asset_type": "road", "name": "ถนนค้นหาทดสอบ",
            "geometry": line((0, 0), (200, 0)), "condition": "fair"}),
        "light": asset_create(user=engineer, data={
            "code": "SRCH-SL-1", "asset_type": "streetlight", "name": "ไฟส่องสว่าง ถนนค้นหาทดสอบ ต้นที่ 1",
            "geometry": point(50, 5)}),
        "drain": asset_create(user=engineer, data={
            "code": "SRCH-DR-1", "asset_type": "drain", "name": "ท่อระบายน้ำ ถนนค้นหาทดสอบ ฝั่งเหนือ",
            "geometry": line((0, 8), (200, 8)), "condition": "poor"}),
    }
    return made


def test_it_finds_an_asset_by_its_code_with_where_to_fly(engineer_client, street):
    (found,) = results(engineer_client, "srch-sl-1")  # as people type it

    light = street["light"]
    assert found["id"] == light.pk and found["name"] == light.name
    with translation.override("th"):  # labels in the page's language, never the stored codes
        assert found["type_label"] == str(AssetType.STREETLIGHT.label)
        assert found["condition_label"] == str(Condition(light.condition).label)
    assert found["point"] is True
    assert found["at"] == pytest.approx([light.geometry.y, light.geometry.x], abs=1e-6)


def test_a_street_name_finds_the_road_first_then_what_stands_along_it(engineer_client, street):
    assert codes(engineer_client, "ถนนค้นหาทดสอบ") == ["SRCH-RD-1", "SRCH-DR-1", "SRCH-SL-1"]
    # The abbreviation staff type, and spaces anywhere, find the same street.
    assert codes(engineer_client, "ถ.ค้นหา ทดสอบ")[0] == "SRCH-RD-1"
    road = results(engineer_client, "ถนนค้นหาทดสอบ")[0]
    (south, west), (north, east) = road["bounds"]
    assert west < east and south <= north and road["point"] is False
    # A line's result flies to a point on the line itself, inside its bounds.
    assert south <= road["at"][0] <= north and west <= road["at"][1] <= east


def test_an_exact_code_comes_before_codes_that_contain_it(engineer, engineer_client):
    for code in ("SRCH-X-10", "SRCH-X-1", "OLD-SRCH-X-1"):
        asset_create(user=engineer, data={"code": code, "asset_type": "hydrant", "name": "หัวดับเพลิง",
                                          "geometry": point()})

    assert codes(engineer_client, "SRCH-X-1") == ["SRCH-X-1", "SRCH-X-10", "OLD-SRCH-X-1"]


def test_thai_digits_and_one_letter_queries(engineer_client, street):
    assert codes(engineer_client, "SRCH-SL-๑") == ["SRCH-SL-1"]
    assert results(engineer_client, "S") == []  # one character would match half the register


def test_another_municipalitys_assets_are_never_found(engineer_client, street):
    with schema_context("nueaklong"):
        asset_create(user=None, data={"code": "SRCH-THEIRS", "asset_type": "hydrant",
                                      "name": "ถนนค้นหาทดสอบ ของเหนือคลอง", "geometry": point()})

    assert "SRCH-THEIRS" not in codes(engineer_client, "ถนนค้นหาทดสอบ")
    assert codes(engineer_client, "SRCH-THEIRS") == []
    theirs = login(host_client("nueaklong.localhost"), "nueaklong", "engineer")
    assert codes(theirs, "ถนนค้นหาทดสอบ") == ["SRCH-THEIRS"]


def test_anonymous_visitors_are_refused(kantang_client, street):
    response = search(kantang_client, "SRCH")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert b"SRCH" not in response.content


@pytest.mark.parametrize("username", ["nurse", "volunteer"])
def test_staff_who_may_not_see_assets_are_refused(kantang, street, username):
    client = login(host_client("kantang.localhost"), "kantang", username)

    assert search(client, "SRCH").status_code == 403


def test_readers_of_the_map_may_search(kantang, street):
    client = login(host_client("kantang.localhost"), "kantang", "executive")

    assert codes(client, "SRCH-RD-1") == ["SRCH-RD-1"]


# --- The road and drain base layer --------------------------------------------------------------

def base_url(z, x, y) -> str:
    return reverse("infrastructure:asset-base-tiles", args=(z, x, y))


def test_the_base_layer_carries_road_and_drain_shapes_only(engineer_client, street):
    response = engineer_client.get(base_url(*tile_of(*FAR_AWAY, 16)), {"condition": "good"})

    assert response.status_code == 200
    layers = mapbox_vector_tile.decode(response.content)
    assert set(layers) == {"road", "drain"}  # whatever the filters; no street lights
    for layer in layers.values():
        assert [feature["properties"] for feature in layer["features"]] == [{}]  # no id, name, code
    assert response["Cache-Control"].startswith("private")


def test_the_base_layer_is_empty_below_its_zoom(engineer_client, street):
    response = engineer_client.get(base_url(*tile_of(*FAR_AWAY, BASE_MIN_ZOOM - 1)))

    assert response.status_code == 200 and response.content == b""


def test_the_base_layer_is_for_those_who_see_assets(kantang, kantang_client, street):
    url = base_url(*tile_of(*FAR_AWAY, 16))
    nurse = login(host_client("kantang.localhost"), "kantang", "nurse")

    assert nurse.get(url).status_code == 403
    assert kantang_client.get(url).status_code == 302
    with schema_context("nueaklong"):
        assert not Asset.objects.filter(code__startswith="SRCH").exists()
    theirs = login(host_client("nueaklong.localhost"), "nueaklong", "engineer")
    assert theirs.get(url).content == b""  # kantang's streets never reach nueaklong's map
