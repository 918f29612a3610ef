"""The asset map, the open-requests map, their vector tiles and popups: what each user receives."""

import math
import re
from datetime import timedelta

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from infrastructure.models import (
    Asset,
    AssetConditionChange,
    AssetType,
    Condition,
    RequestCategory,
    ServiceRequest,
)
from infrastructure.services import asset_create, service_request_create
from infrastructure.tiles import LINE_DETAIL_ZOOM, POINT_DETAIL_ZOOM

from ..helpers import host_client, login
from .helpers import FAR_AWAY, line, offset, point

DETAIL_Z = 16  # a street-level tile: every asset travels as itself


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def asset_tile_url(z, x, y) -> str:
    return reverse("infrastructure:asset-tiles", args=(z, x, y))


def request_tile_url(z, x, y) -> str:
    return reverse("infrastructure:request-tiles", args=(z, x, y))


def decode(response) -> dict[str, list[dict]]:
    """{layer: [feature properties]} of a tile response."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layers = mapbox_vector_tile.decode(response.content)
    return {name: [f["properties"] for f in layer["features"]] for name, layer in layers.items()}


def codes(layers: dict, schema: str = "kantang") -> set[str]:
    """The codes of the assets in a decoded tile: tiles carry ids only, the popup the rest."""
    ids = {props["id"] for features in layers.values() for props in features if "id" in props}
    with schema_context(schema):
        return set(Asset.objects.filter(pk__in=ids).values_list("code", flat=True))


def light(user, code: str, east: float = 0, north: float = 0, **extra):
    data = {"code": code, "asset_type": "streetlight", "name": f"โคมไฟ {code}",
            "geometry": point(east, north), **extra}
    return asset_create(user=user, data=data)


def road(user, code: str, **extra):
    data = {"code": code, "asset_type": "road", "name": f"ถนน {code}",
            "geometry": line((-50, 5), (50, 5)), **extra}
    return asset_create(user=user, data=data)


@pytest.fixture
def engineer_client(engineer):
    return login(host_client("kantang.localhost"), "kantang", "engineer")


@pytest.fixture
def here():
    return tile_of(*FAR_AWAY, DETAIL_Z)


# --- Asset tiles ------------------------------------------------------------------------------

def test_it_serves_the_assets_inside_a_tile_one_layer_per_type(engineer, engineer_client, here):
    light(engineer, "MAP-L-1", condition="poor")
    road(engineer, "MAP-R-1")

    layers = decode(engineer_client.get(asset_tile_url(*here)))

    assert set(layers) == {"streetlight", "road"}
    (props,) = layers["streetlight"]
    # Only what the map styles by and what a tap needs: names and codes come with the popup.
    assert props == {"id": Asset.objects.get(code="MAP-L-1").pk, "condition": "poor"}
    assert codes(layers) == {"MAP-L-1", "MAP-R-1"}


def test_a_line_not_drawn_yet_is_marked_in_the_tile(engineer, engineer_client, here):
    road(engineer, "MAP-PENDING", geometry=point(), line_pending=True)
    road(engineer, "MAP-DRAWN")

    (pending, drawn) = sorted(decode(engineer_client.get(asset_tile_url(*here)))["road"],
                              key=lambda props: "pending" not in props)

    assert pending["pending"] is True and "pending" not in drawn


def test_a_tile_without_assets_is_empty(engineer_client):
    # Open sea in the Andaman, far from both pilots.
    response = engineer_client.get(asset_tile_url(*tile_of(96.0, 9.0, DETAIL_Z)))

    assert response.status_code == 200
    assert response.content == b""


def test_tiles_are_private_to_the_browser(engineer_client, here):
    response = engineer_client.get(asset_tile_url(*here))

    assert response["Cache-Control"].startswith("private")


def test_another_municipalitys_asset_never_enters_a_tile(engineer, engineer_client, here):
    light(engineer, "MAP-OURS")
    with schema_context("nueaklong"):
        asset_create(user=None, data={
            "code": "MAP-THEIRS", "asset_type": "streetlight", "name": "ของเหนือคลอง",
            "geometry": point(3, 3),
        })

    assert codes(decode(engineer_client.get(asset_tile_url(*here)))) == {"MAP-OURS"}
    nueaklong_client = login(host_client("nueaklong.localhost"), "nueaklong", "engineer")
    assert codes(decode(nueaklong_client.get(asset_tile_url(*here))), "nueaklong") == {"MAP-THEIRS"}


def test_filters_narrow_the_tiles(engineer, engineer_client, here):
    light(engineer, "MAP-GOOD", condition="good", community="ชุมชนบน")
    light(engineer, "MAP-POOR", east=20, condition="poor", community="ชุมชนล่าง")
    road(engineer, "MAP-ROAD", condition="poor", community="ชุมชนล่าง")
    url = asset_tile_url(*here)

    assert codes(decode(engineer_client.get(url, {"condition": "poor"}))) == {"MAP-POOR", "MAP-ROAD"}
    assert codes(decode(engineer_client.get(url, {"community": "ชุมชนบน"}))) == {"MAP-GOOD"}
    assert codes(decode(engineer_client.get(url, {"type": "road"}))) == {"MAP-ROAD"}
    both = {"type": ["road", "streetlight"], "condition": "good"}
    assert codes(decode(engineer_client.get(url, both))) == {"MAP-GOOD"}
    # The filter form says "no layer ticked": nothing at all.
    assert engineer_client.get(url, {"layers": "1"}).content == b""


def test_an_unknown_filter_value_is_refused_in_both_languages(engineer_client, here):
    response = engineer_client.get(asset_tile_url(*here), {"condition": "shiny"})

    assert response.status_code == 400
    text = response.content.decode()
    # Thai first, then " / " and the English (the Thai comes from the catalogue).
    assert text.endswith("Unknown map filter value in: condition")


def test_assets_travel_as_grid_clusters_below_the_detail_zoom(engineer, engineer_client):
    for i in range(5):
        light(engineer, f"MAP-C-{i}", east=i * 15, condition="poor" if i == 3 else "fair")
    road(engineer, "MAP-C-ROAD")
    low = tile_of(*offset(30, 0), LINE_DETAIL_ZOOM - 1)

    layers = decode(engineer_client.get(asset_tile_url(*low)))

    (cluster,) = layers["streetlight"]  # 75 m of lights fall in one cell
    assert cluster == {"count": 5, "condition": "poor"}  # the worst condition, no names or ids
    assert layers["road"] == [{"count": 1, "condition": "good"}]

    # Lines and areas travel one by one a zoom before points (the dense ones) do.
    lines_only = decode(engineer_client.get(asset_tile_url(*tile_of(*offset(30, 0), LINE_DETAIL_ZOOM))))
    assert codes({"road": lines_only["road"]}) == {"MAP-C-ROAD"}
    assert lines_only["streetlight"] == [{"count": 5, "condition": "poor"}]
    detail = decode(engineer_client.get(asset_tile_url(*tile_of(*offset(30, 0), POINT_DETAIL_ZOOM))))
    assert codes(detail) == {f"MAP-C-{i}" for i in range(5)} | {"MAP-C-ROAD"}


def test_a_cluster_counts_each_asset_once_across_tile_edges(engineer, engineer_client):
    z = POINT_DETAIL_ZOOM - 2
    _, x, y = tile_of(*FAR_AWAY, z)
    n = 2**z
    corner = (x * 360 / n - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n)))))
    for i in range(12):  # around the tile's north-west corner, in all four tiles
        east, north = (-1) ** i * (30 + 20 * i), (-1) ** (i // 2) * (25 + 15 * i)
        asset_create(user=engineer, data={
            "code": f"MAP-E-{i}", "asset_type": "streetlight", "name": "โคมไฟ",
            "geometry": Point(*offset(east, north, origin=corner), srid=4326),
        })

    counts = []
    for dx in (-1, 0):
        for dy in (-1, 0):
            layers = decode(engineer_client.get(asset_tile_url(z, x + dx, y + dy)))
            counts.append(sum(props["count"] for props in layers.get("streetlight", [])))
    assert sum(counts) == 12
    assert all(counts), counts  # every one of the four tiles got some


@pytest.mark.parametrize("zxy", [(23, 0, 0), (3, 8, 0), (3, 0, 8), (0, 1, 0)])
def test_a_tile_outside_the_pyramid_is_not_found(engineer_client, zxy):
    assert engineer_client.get(asset_tile_url(*zxy)).status_code == 404
    assert engineer_client.get(request_tile_url(*zxy)).status_code == 404


# --- Who may see the maps ---------------------------------------------------------------------

def _map_urls(here) -> list[str]:
    return [
        reverse("infrastructure:asset-map"), asset_tile_url(*here),
        reverse("infrastructure:asset-map-counts"), reverse("infrastructure:request-map"),
        request_tile_url(*here),
    ]


@pytest.mark.parametrize("username", ["nurse", "volunteer"])
def test_health_staff_are_refused_every_map(kantang, here, username):
    client = login(host_client("kantang.localhost"), "kantang", username)

    for url in _map_urls(here):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_sign_in(kantang_client, here):
    for url in _map_urls(here):
        response = kantang_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("username", ["executive", "engineer", "admin"])
def test_staff_who_read_assets_open_both_maps(kantang, here, username):
    client = login(host_client("kantang.localhost"), "kantang", username)

    for url in _map_urls(here):
        assert client.get(url).status_code == 200, url


def test_the_popup_of_another_municipalitys_asset_is_not_found(engineer, engineer_client):
    foreign_pk = 10**9 + 7  # a number kantang's sequence will not reach in a test
    with schema_context("nueaklong"):
        foreign = asset_create(user=None, data={
            "code": "MAP-FOREIGN", "asset_type": "hydrant", "name": "หัวดับเพลิง", "geometry": point(),
        })
        Asset.objects.filter(pk=foreign.pk).update(id=foreign_pk)
        AssetConditionChange.objects.filter(asset_id=foreign.pk).update(asset_id=foreign_pk)
    url = reverse("infrastructure:asset-popup", args=[foreign_pk])

    assert engineer_client.get(url).status_code == 404
    nueaklong_client = login(host_client("nueaklong.localhost"), "nueaklong", "engineer")
    assert nueaklong_client.get(url).json()["code"] == "MAP-FOREIGN"


def test_health_staff_cannot_read_a_popup(engineer):
    asset = light(engineer, "MAP-POP")
    nurse = login(host_client("kantang.localhost"), "kantang", "nurse")

    assert nurse.get(reverse("infrastructure:asset-popup", args=[asset.pk])).status_code == 403


def test_the_asset_popup_names_the_asset_and_links_to_it(engineer, engineer_client):
    asset = light(engineer, "MAP-POP-1", condition="fair", community="ชุมชนท่าเรือ")

    data = engineer_client.get(reverse("infrastructure:asset-popup", args=[asset.pk])).json()

    assert data["code"] == "MAP-POP-1" and data["name"] == "โคมไฟ MAP-POP-1"
    with translation.override("th"):  # the page's language (Thai first)
        assert data["type_label"] == str(AssetType.STREETLIGHT.label)
        assert data["condition_label"] == str(Condition.FAIR.label)
    assert data["community"] == "ชุมชนท่าเรือ"
    assert data["url"] == reverse("infrastructure:asset-detail", args=[asset.pk])


# --- The map pages ----------------------------------------------------------------------------

def test_the_asset_map_runs_its_scripts_under_the_content_security_policy(engineer_client):
    response = engineer_client.get(reverse("infrastructure:asset-map"))

    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        if "src=" in attributes:
            assert re.search(r'src="/static/', attributes), attributes
        elif 'type="application/json"' not in attributes:
            assert f'nonce="{nonce}"' in attributes, attributes  # django-leaflet's map loader
    assert "onclick=" not in html and "javascript:" not in html
    for path in ("vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.fixed.min.js", "js/map-base.js",
                 "js/infrastructure/map-common.js", "js/infrastructure/map-assets.js"):
        assert f"/static/{path}" in html
    assert 'id="asset-map-config"' in html and 'id="asset-map"' in html


def test_the_asset_map_lists_layers_with_counts_and_keeps_filters(engineer, engineer_client):
    light(engineer, "MAP-PAGE-1", condition="poor", community="ชุมชนหน้าเมือง")

    response = engineer_client.get(reverse("infrastructure:asset-map"),
                                   {"condition": "poor", "community": "ชุมชนหน้าเมือง", "layers": "1",
                                    "type": "streetlight"})

    html = response.content.decode()
    assert re.search(r'value="streetlight" checked', html)
    assert not re.search(r'value="road" checked', html)
    assert '<option value="poor" selected>' in html
    assert re.search(r'data-map-count="streetlight">1<', html)
    config = response.context["map_config"]
    assert config["tiles"].endswith("/map/tiles/{z}/{x}/{y}.mvt")
    assert config["geo"]["centre"] == pytest.approx([7.41, 99.519], abs=0.01)


def test_a_bad_filter_in_the_link_is_reset_with_a_message(engineer_client):
    response = engineer_client.get(reverse("infrastructure:asset-map"), {"condition": "shiny"})

    assert response.status_code == 200
    assert response.context["filter_error"]


def test_the_counts_follow_the_filters(engineer, engineer_client):
    light(engineer, "MAP-N-1", condition="out_of_service", community="ชุมชนนับ")
    light(engineer, "MAP-N-2", condition="good", community="ชุมชนนับ")

    data = engineer_client.get(reverse("infrastructure:asset-map-counts"),
                               {"community": "ชุมชนนับ", "condition": "out_of_service"}).json()

    assert data["counts"]["streetlight"] == 1 and data["counts"]["road"] == 0
    assert data["total"] == 1


# --- The open-requests map --------------------------------------------------------------------

def report(category="drain", east=0.0, received_days_ago=0, priority="normal"):
    return service_request_create(
        data={"category": category, "description": "ท่ออุดตัน น้ำขัง", "location": point(east, 0),
              "reporter_name": "สมศรี ใจดี", "reporter_phone": "0812345678", "priority": priority,
              "received_at": timezone.now() - timedelta(days=received_days_ago)},
        channel="public_web",
    )


def test_the_request_tiles_carry_open_requests_flagged_overdue_without_personal_data(
    in_kantang, engineer_client, here
):
    late = report(received_days_ago=30)
    fresh = report(category="road", east=20)
    closed = report(east=40)
    ServiceRequest.objects.filter(pk=closed.pk).update(status="closed")

    layers = decode(engineer_client.get(request_tile_url(*here)))

    by_code = {props["tracking_code"]: props for props in layers["requests"]}
    assert set(by_code) == {late.tracking_code, fresh.tracking_code}
    assert by_code[late.tracking_code]["overdue"] is True
    assert by_code[fresh.tracking_code]["overdue"] is False
    for props in by_code.values():
        assert set(props) == {"id", "tracking_code", "category", "priority", "status", "overdue"}
        assert "สมศรี" not in str(props) and "0812345678" not in str(props)


def test_the_request_tiles_filter_by_category(in_kantang, engineer_client, here):
    report(category="drain")
    road_request = report(category="road", east=20)

    layers = decode(engineer_client.get(request_tile_url(*here), {"category": "road"}))

    assert [p["tracking_code"] for p in layers["requests"]] == [road_request.tracking_code]
    assert engineer_client.get(request_tile_url(*here), {"category": "nope"}).status_code == 400


def test_the_request_popup_links_to_the_request_and_hides_the_reporter(in_kantang, engineer_client):
    item = report(received_days_ago=30, priority="high")

    data = engineer_client.get(reverse("infrastructure:request-popup", args=[item.pk])).json()

    assert data["tracking_code"] == item.tracking_code and data["overdue"] is True
    with translation.override("th"):
        assert data["category_label"] == str(RequestCategory.DRAIN.label)
    assert data["url"] == reverse("infrastructure:request-detail", args=[item.pk])
    assert "สมศรี" not in str(data) and "0812345678" not in str(data)


def test_the_request_map_page_counts_open_and_overdue(in_kantang, engineer_client):
    base = engineer_client.get(reverse("infrastructure:request-map")).context
    report(received_days_ago=30)
    report(east=20)

    response = engineer_client.get(reverse("infrastructure:request-map"))

    assert response.context["total"] == base["total"] + 2
    assert response.context["overdue"] == base["overdue"] + 1
    html = response.content.decode()
    assert "/static/js/infrastructure/map-requests.js" in html and 'id="request-map-config"' in html
