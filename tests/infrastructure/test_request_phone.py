"""Request work on a phone (issue 16): "take this one", the status control that keeps the current
status, the action bar's next step, a photo from the site, the unassigned queue, "open in maps",
and the engineer's home widgets."""

import re

import pytest
from django_tenants.utils import schema_context

from infrastructure.models import AssetPhoto
from infrastructure.selectors import assets_poor_near_open_requests, service_requests_for
from infrastructure.services import (
    asset_create,
    service_request_assign,
    service_request_photo_add,
    service_request_take,
    service_request_transition,
)

from .helpers import png_upload, point
from .test_request_pages import client_for, events, make_request, reload, staff, url


def move(obj, status):
    with schema_context("kantang"):
        service_request_transition(service_request=reload(obj), user=staff("engineer"), to_status=status,
                                   comment="ซ่อมแล้ว" if status == "resolved" else "")


def take(obj, username="engineer"):
    return client_for(username).post(url("request-take", obj.pk))


# --- Take this one ----------------------------------------------------------------------------


def test_taking_an_unassigned_request_assigns_it_and_writes_the_timeline(kantang):
    obj = make_request()

    response = take(obj)

    assert response.status_code == 302 and response["Location"] == url("request-detail", obj.pk)
    obj = reload(obj)
    assert obj.assignee.username == "engineer" and obj.status == "assigned"
    assert events(obj)[-2:] == [("assigned", "", "engineer"), ("status", "received", "assigned")]


def test_taking_a_colleagues_request_is_refused_and_changes_nothing(kantang):
    obj = make_request()
    with schema_context("kantang"):
        service_request_assign(service_request=obj, user=staff("admin"), assignee=staff("admin"))
    before = events(obj)

    response = client_for("engineer").post(url("request-take", obj.pk), follow=True)

    assert reload(obj).assignee.username == "admin" and events(obj) == before
    assert "Assign" in response.text or "มอบหมาย" in response.text  # the message says how to hand over


def test_taking_ones_own_request_again_changes_nothing(kantang):
    obj = make_request()
    take(obj)
    before = events(obj)

    with schema_context("kantang"):
        service_request_take(service_request=reload(obj), user=staff("engineer"))

    assert events(obj) == before


@pytest.mark.parametrize("username, status", [("executive", 403), ("nurse", 403)])
def test_only_those_who_work_on_requests_take_one(kantang, username, status):
    obj = make_request()

    assert take(obj, username).status_code == status
    assert reload(obj).assignee is None


def test_a_closed_request_cannot_be_taken(kantang):
    obj = make_request()
    with schema_context("kantang"):
        service_request_transition(service_request=obj, user=staff("engineer"), to_status="rejected",
                                   comment="ไม่ใช่พื้นที่")

    take(obj)

    assert reload(obj).assignee is None


# --- The unassigned queue ---------------------------------------------------------------------


def test_the_unassigned_queue_holds_open_requests_nobody_has(kantang):
    nobodys = make_request(description="ยังไม่มีใครรับ")
    taken = make_request(description="รับแล้ว")
    take(taken)
    engineer = staff("engineer")

    with schema_context("kantang"):
        unassigned = set(service_requests_for(engineer, queue="unassigned"))
    page = client_for("engineer").get(url("request-list"), {"queue": "unassigned"}).text

    assert nobodys in unassigned and taken not in unassigned
    assert nobodys.tracking_code in page and taken.tracking_code not in page
    assert f'action="{url("request-take", nobodys.pk)}"' in page


# --- The status control and the action bar ----------------------------------------------------


def test_the_status_control_opens_on_keeping_the_current_status(kantang):
    obj = make_request()
    for step in ("in_progress", "resolved"):
        move(obj, step)

    page = client_for("engineer").get(url("request-detail", obj.pk)).text
    select = page.split('name="to_status"', 1)[1].split("</select>", 1)[0]

    options = re.findall(r'<option value="([^"]*)"( selected)?', select)
    assert options[0][0] == "" and not any(selected for _value, selected in options[1:])
    assert "ตามเดิม" in select or "Keep the current status" in select
    assert [value for value, _sel in options] == ["", "in_progress", "closed"]


def test_sending_the_status_form_untouched_never_reopens_a_resolved_request(kantang):
    obj = make_request()
    for step in ("in_progress", "resolved"):
        move(obj, step)
    before = events(obj)

    nothing = client_for("engineer").post(url("request-transition", obj.pk), {"to_status": "", "comment": ""})
    comment = client_for("engineer").post(url("request-transition", obj.pk),
                                          {"to_status": "", "comment": "ตรวจแล้ว ไฟติดดี"})

    assert nothing.status_code == 400 and reload(obj).status == "resolved"
    assert comment.status_code == 302 and reload(obj).status == "resolved"
    assert events(obj) == [*before, ("comment", "", "")]


@pytest.mark.parametrize("steps, take_shown, next_status", [
    ((), True, None),
    (("take",), False, "in_progress"),
    (("take", "in_progress"), False, "resolved"),
    (("take", "in_progress", "resolved"), False, "closed"),
    (("take", "in_progress", "resolved", "closed"), False, None),
])
def test_the_action_bar_offers_the_next_step(kantang, steps, take_shown, next_status):
    obj = make_request()
    for step in steps:
        if step == "take":
            take(obj)
        else:
            move(obj, step)

    page = client_for("engineer").get(url("request-detail", obj.pk)).text
    bar = page.split("data-action-bar>", 1)[1].split("</nav>", 1)[0]

    assert ('data-bar="take"' in bar) is take_shown
    shown = re.search(r'name="to_status" value="([a-z_]+)"', bar)
    # Resolving needs a note for the citizen: the bar opens the status form on it instead.
    resolving = 'href="?resolve=1#action-status"' in bar
    assert (shown.group(1) if shown else "resolved" if resolving else None) == next_status
    assert 'href="#action-comment"' in bar


def test_readers_get_no_action_bar(kantang):
    obj = make_request()

    page = client_for("executive").get(url("request-detail", obj.pk)).text

    assert "data-action-bar" not in page


def test_the_request_opens_in_the_phones_maps(kantang):
    obj = make_request()

    page = client_for("engineer").get(url("request-detail", obj.pk)).text

    lat, lon = f"{obj.location.y:.6f}", f"{obj.location.x:.6f}"
    assert f"https://www.google.com/maps/search/?api=1&amp;query={lat}%2C{lon}" in page
    assert f"https://www.google.com/maps/dir/?api=1&amp;destination={lat}%2C{lon}" in page


# --- A photo from the site --------------------------------------------------------------------


def test_a_photo_from_the_site_becomes_the_photo_of_a_request_without_one(kantang, media_root):
    obj = make_request()

    response = client_for("engineer").post(url("request-photo-add", obj.pk),
                                           {"photo": png_upload(), "comment": "ก่อนซ่อม"})

    assert response.status_code == 302
    assert reload(obj).photo
    kind, _from, _to = events(obj)[-1]
    assert kind == "comment"


def test_a_second_photo_goes_to_the_linked_asset(kantang, media_root):
    with schema_context("kantang"):
        light = asset_create(user=staff("engineer"), data={
            "code": "TEST-SL-0900", "asset_type": "streetlight", "name": "เสาไฟหน้างาน",
            "geometry": point(5, 0)})
    obj = make_request(photo=png_upload(), category="lighting")
    assert reload(obj).asset_id == light.pk

    with schema_context("kantang"):
        service_request_photo_add(service_request=reload(obj), user=staff("engineer"), image=png_upload())
        assert AssetPhoto.objects.filter(asset=light).count() == 1


def test_a_request_with_a_photo_and_no_asset_is_offered_no_photo_form(kantang, media_root):
    obj = make_request(photo=png_upload())

    page = client_for("engineer").get(url("request-detail", obj.pk)).text

    assert 'id="action-photo"' not in page and 'data-bar="photo"' not in page


# --- The engineer's home ----------------------------------------------------------------------


def test_poor_assets_near_open_requests_nearest_first(kantang):
    engineer = staff("engineer")
    obj = make_request(description="ถนนยุบ")
    with schema_context("kantang"):
        def asset(code, east, **extra):
            return asset_create(user=engineer, data={
                "code": code, "asset_type": "streetlight", "name": code, "geometry": point(east, 0), **extra})

        near = asset("TEST-SL-0901", 30, condition="poor")
        nearer = asset("TEST-SL-0902", 12, condition="out_of_service")
        asset("TEST-SL-0903", 400, condition="poor")  # too far
        asset("TEST-SL-0904", 8, condition="good")
        asset("TEST-SL-0905", 8, condition="poor", status="retired")

        found = list(assets_poor_near_open_requests(engineer).filter(code__startswith="TEST-SL-09"))

    assert [a.pk for a in found] == [nearer.pk, near.pk]
    assert found[0].near_request_code == obj.tracking_code and 10 < found[0].near_metres < 14


def test_a_closed_request_draws_no_poor_asset_onto_the_list(kantang):
    engineer = staff("engineer")
    obj = make_request()
    with schema_context("kantang"):
        asset_create(user=engineer, data={"code": "TEST-SL-0910", "asset_type": "streetlight",
                                          "name": "x", "geometry": point(20, 0), "condition": "poor"})
        service_request_transition(service_request=obj, user=engineer, to_status="rejected", comment="ซ้ำ")

        found = assets_poor_near_open_requests(engineer).filter(code="TEST-SL-0910")

        assert not found.exists()


def widget(html: str, key: str) -> str:
    return html.split(f'data-widget="{key}"', 1)[1].split("</section>", 1)[0]


def figure(html: str) -> int:
    return int(re.search(r'<span class="figure">(\d+)</span>', html).group(1))


def test_the_engineers_home_counts_mine_and_offers_the_unassigned_to_take(kantang):
    obj = make_request(description="ของฉัน", priority="urgent")
    before = client_for("engineer").get("/").text
    take(obj)

    after = client_for("engineer").get("/").text

    assert figure(widget(after, "requests.mine")) == figure(widget(before, "requests.mine")) + 1
    unassigned = widget(after, "requests.unassigned")
    codes = re.findall(r'data-take="([^"]+)"', unassigned)
    assert codes and obj.tracking_code not in codes
    with schema_context("kantang"):
        queue = service_requests_for(staff("engineer"), queue="unassigned")
        assert set(codes) <= {r.tracking_code for r in queue}
