"""Lines and areas known only by a point ("line not drawn yet"): the model keeps the mark coherent,
the edit form keeps or clears it, and the list, detail page, map popup and exports say so."""

import html
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from infrastructure.models import Asset
from infrastructure.services import asset_create, asset_update
from infrastructure.views.to_draw import PAGE_SIZE

from ..helpers import host_client, login
from .helpers import line, point

URLCONF = "cityplatform.urls_tenant"
COMMUNITY = "ชุมชนรอวาดเส้น"


def url(name, *args):
    return reverse(f"infrastructure:{name}", args=args, urlconf=URLCONF)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def client_for(username: str):
    return login(host_client("kantang.localhost"), "kantang", username)


def waiting(user, code: str, asset_type: str = "drain", east: float = 0, **extra) -> Asset:
    data = {"code": code, "asset_type": asset_type, "name": f"รอวาด {code}", "geometry": point(east, 0),
            "community": COMMUNITY, "line_pending": True, **extra}
    return asset_create(user=user, data=data)


def thai(message: str) -> str:
    with translation.override("th"):
        return gettext(message)


# --- The model and the services ---------------------------------------------------------------

def test_a_line_type_needs_its_line_unless_it_waits_for_drawing(engineer):
    with pytest.raises(ValidationError) as refused:
        asset_create(user=engineer, data={"code": "TD-ROAD-0", "asset_type": "road", "name": "ถนน",
                                          "geometry": point()})
    assert "geometry" in refused.value.message_dict
    road = waiting(engineer, "TD-ROAD-1", "road")
    assert road.line_pending and road.geometry.geom_type == "Point"


def test_only_a_line_or_area_type_at_a_point_may_wait(engineer):
    with pytest.raises(ValidationError):
        waiting(engineer, "TD-LIGHT-1", "streetlight")
    with pytest.raises(ValidationError):
        asset_create(user=engineer, data={"code": "TD-ROAD-2", "asset_type": "road", "name": "ถนน",
                                          "geometry": line((0, 0), (50, 0)), "line_pending": True})
    assert not Asset.objects.filter(code__in=["TD-LIGHT-1", "TD-ROAD-2"]).exists()


def test_the_database_refuses_an_incoherent_mark(engineer):
    light = asset_create(user=engineer, data={"code": "TD-LIGHT-2", "asset_type": "streetlight",
                                              "name": "เสาไฟ", "geometry": point()})
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.filter(pk=light.pk).update(line_pending=True)


def test_an_edit_that_keeps_the_point_keeps_the_mark_and_a_drawn_line_clears_it(engineer):
    drain = waiting(engineer, "TD-DRAIN-1")
    asset_update(asset=drain, user=engineer, data={"condition": "poor"})
    drain.refresh_from_db()
    assert drain.line_pending and drain.condition == "poor"

    asset_update(asset=drain, user=engineer, data={"geometry": point(5, 5)})  # the point corrected
    drain.refresh_from_db()
    assert drain.line_pending

    asset_update(asset=drain, user=engineer, data={"geometry": line((0, 0), (80, 0))})
    drain.refresh_from_db()
    assert not drain.line_pending and drain.geometry.geom_type == "LineString"
    assert 75 < drain.attributes["length_m"] < 85


def test_a_waiting_asset_that_becomes_a_point_type_stops_waiting(engineer):
    bridge = waiting(engineer, "TD-BRIDGE-1", "bridge")
    asset_update(asset=bridge, user=engineer, data={"asset_type": "hydrant"})
    bridge.refresh_from_db()
    assert not bridge.line_pending and bridge.asset_type == "hydrant"


# --- The edit form ----------------------------------------------------------------------------

def form_data(asset: Asset, geometry: str, **overrides) -> dict:
    data = {"code": asset.code, "asset_type": asset.asset_type, "name": asset.name, "geometry": geometry,
            "condition": asset.condition, "status": asset.status, "installed_on": "",
            "community": asset.community, "notes": ""}
    data.update(overrides)
    return data


def test_a_new_road_drawn_as_a_point_on_the_form_is_still_refused(in_kantang):
    data = {"code": "TD-NEW-1", "asset_type": "road", "name": "ถนนใหม่", "condition": "good",
            "status": "in_use", "geometry": point().geojson, "community": COMMUNITY}
    response = client_for("engineer").post(url("asset-create"), data)
    assert response.status_code == 400
    assert not Asset.objects.filter(code="TD-NEW-1").exists()


def test_the_form_of_a_waiting_building_asks_for_its_outline_and_drawing_it_clears_the_mark(engineer):
    building = waiting(engineer, "TD-BLDG-1", "building")
    client = client_for("engineer")
    text = page_text(client.get(url("asset-update", building.pk)))
    assert thai("Outline not drawn yet: the map shows the register's point. Draw the building's outline "
                "and it replaces the point. Other changes can be saved without drawing.") in text

    kept = client.post(url("asset-update", building.pk),
                       form_data(building, building.geometry.geojson, condition="fair"))
    assert kept.status_code == 302
    building.refresh_from_db()
    assert building.line_pending and building.condition == "fair"

    outline = json.dumps({"type": "Polygon", "coordinates": [[
        list(point(0, 0).coords), list(point(20, 0).coords), list(point(20, 15).coords),
        list(point(0, 0).coords)]]})
    drawn = client.post(url("asset-update", building.pk), form_data(building, outline))
    assert drawn.status_code == 302
    building.refresh_from_db()
    assert not building.line_pending and building.geometry.geom_type == "Polygon"


# --- The "to draw" list -----------------------------------------------------------------------

def test_the_list_shows_only_waiting_assets_with_counts_filters_and_pages(engineer):
    for n in range(PAGE_SIZE + 3):
        waiting(engineer, f"TD-D-{n:03d}", "drain", east=n)
    for n in range(4):
        waiting(engineer, f"TD-R-{n:03d}", "road", east=n, community="ชุมชนอื่นรอวาด")
    asset_create(user=engineer, data={"code": "TD-DRAWN", "asset_type": "drain", "name": "วาดแล้ว",
                                      "geometry": line((0, 0), (40, 0)), "community": COMMUNITY})
    client = client_for("engineer")

    first = client.get(url("asset-to-draw"), {"community": COMMUNITY})
    assert first.status_code == 200
    assert first.context["page"].paginator.count == PAGE_SIZE + 3
    assert {c["value"]: c["count"] for c in first.context["type_counts"]}["drain"] == PAGE_SIZE + 3
    second = client.get(url("asset-to-draw"), {"community": COMMUNITY, "page": 2})
    last = [f"TD-D-{n:03d}" for n in range(PAGE_SIZE, PAGE_SIZE + 3)]
    assert [a.code for a in second.context["page"]] == last
    assert "TD-DRAWN" not in page_text(first) + page_text(second)
    # Each row links to the form where its line is drawn.
    asset = Asset.objects.get(code="TD-D-000")
    assert url("asset-update", asset.pk) in page_text(first)
    assert thai("Draw the line") in page_text(first)

    roads = client.get(url("asset-to-draw"), {"asset_type": "road"})
    assert [a.code for a in roads.context["page"]] == [f"TD-R-{n:03d}" for n in range(4)]
    # A type that is never drawn as a line is not a choice here.
    assert client.get(url("asset-to-draw"), {"asset_type": "streetlight"}).context["filters"] == {}


def test_the_list_is_linked_from_the_asset_list_and_the_map_and_readers_get_no_draw_link(engineer):
    drain = waiting(engineer, "TD-LINKED")
    to_draw = url("asset-to-draw")
    engineer_client = client_for("engineer")
    listing = page_text(engineer_client.get(url("asset-list"), {"community": COMMUNITY}))
    assert to_draw in listing and thai("Line not drawn yet") in listing
    assert to_draw in page_text(engineer_client.get(url("asset-map")))

    executive = client_for("executive")
    text = page_text(executive.get(to_draw))
    assert "TD-LINKED" in text and url("asset-update", drain.pk) not in text
    assert client_for("nurse").get(to_draw).status_code == 403


# --- Detail page, popup and exports -------------------------------------------------------------

def test_the_detail_page_says_the_line_is_not_drawn_and_offers_to_draw_it(engineer):
    drain = waiting(engineer, "TD-DETAIL")
    text = page_text(client_for("engineer").get(url("asset-detail", drain.pk)))
    assert "ยังไม่ได้วาดเส้น" in text
    assert f'href="{url("asset-update", drain.pk)}"' in text and "วาดเส้น" in text
    assert '"line_pending": true' in text  # the small map draws it as a dashed ring

    drawn = asset_create(user=engineer, data={"code": "TD-DETAIL-2", "asset_type": "drain", "name": "วาดแล้ว",
                                              "geometry": line((0, 0), (40, 0))})
    assert "ยังไม่ได้วาดเส้น" not in page_text(client_for("engineer").get(url("asset-detail", drawn.pk)))


def test_the_popup_says_so_and_links_to_drawing_for_those_who_may_edit(engineer):
    drain = waiting(engineer, "TD-POPUP")
    popup = reverse("infrastructure:asset-popup", args=[drain.pk])
    data = client_for("engineer").get(popup).json()
    assert data["line_pending"] is True and data["pending_label"] == "ยังไม่ได้วาดเส้น"
    assert data["draw_url"] == reverse("infrastructure:asset-update", args=[drain.pk])
    assert data["draw_label"] == "วาดเส้น"
    reader = client_for("executive").get(popup).json()
    assert reader["line_pending"] is True and reader["draw_url"] == ""


def test_the_geojson_export_carries_the_mark(engineer):
    waiting(engineer, "TD-EXPORT-1")
    asset_create(user=engineer, data={"code": "TD-EXPORT-2", "asset_type": "road", "name": "ถนน",
                                      "geometry": line((0, 0), (40, 0)), "community": COMMUNITY})
    response = client_for("executive").get(url("asset-export"), {"format": "geojson", "q": "TD-EXPORT"})
    body = json.loads(b"".join(response.streaming_content))
    marks = {f["properties"]["code"]: f["properties"]["line_pending"] for f in body["features"]}
    assert marks == {"TD-EXPORT-1": True, "TD-EXPORT-2": False}
