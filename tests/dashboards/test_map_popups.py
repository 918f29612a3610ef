"""What the dashboard's maps send for the popup a tap opens: words, and links only for those who
may follow them (dashboards/maps.py)."""

from django.urls import reverse

from ..helpers import login
from .conftest import COMMUNITY

PAGE = f"/dashboard/?community={COMMUNITY}&months=12"


def test_the_hotspot_squares_link_to_the_request_map_for_readers_of_requests(refreshed, kantang_client):
    login(kantang_client, "kantang", "executive")

    data = kantang_client.get(PAGE).context["hotspot_data"]

    assert data["cells"] and data["requestMap"] == reverse("infrastructure:request-map")
    assert data["text"]["kind"] == "คำร้องในช่องนี้ (ประมาณ 275 ม.)"  # Thai first
    assert "outline" in data and data["zoom"] == 17


def test_the_disaster_map_says_what_each_feature_is_and_links_to_it(town, kantang_client):
    login(kantang_client, "kantang", "nurse")

    data = kantang_client.get("/dashboard/disaster/?metres=200").context["map_data"]

    near = next(h for h in data["households"] if h["label"].startswith(town.near.house_no))
    assert near["url"] == reverse("smarthealth:household-detail", args=[town.near.pk])
    assert near["kind"]  # the nearest hazard, in words
    assert data["hazards"] and all(h["label"] for h in data["hazards"])
    # The nurse may not open infrastructure pages: hazards carry no link for her.
    assert all(h["url"] is None for h in data["hazards"])
    assert data["text"]["household"] == "ครัวเรือนเสี่ยง"
