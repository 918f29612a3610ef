"""Staff pages for service requests: the queue, taking a request down, the request page and its
actions, for every role."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django_tenants.utils import schema_context

from accounts.models import User
from infrastructure.models import DEFAULT_SLA_HOURS, RequestStatus, ServiceRequest, ServiceRequestEvent
from infrastructure.services import (
    asset_create,
    service_request_assign,
    service_request_create,
    service_request_transition,
)
from kernel.geo import THAILAND
from kernel.i18n import bilingual

from ..helpers import host_client, login
from .helpers import line, offset, png_upload, point

ROLES_THAT_ACT = ("engineer", "admin")
ALL_ROLES = ("engineer", "admin", "executive", "nurse", "volunteer")


def url(name, *args):
    # The tenant URLconf is the one the municipality hosts use.
    return reverse(f"infrastructure:{name}", args=args, urlconf="cityplatform.urls_tenant")


def client_for(username=None, schema="kantang"):
    client = host_client(f"{schema}.localhost")
    return login(client, schema, username) if username else client


def make_request(user=None, *, schema="kantang", channel="phone", photo=None, **data):
    fields = {"category": "other", "description": "ฝาท่อแตก หน้าบ้านเลขที่ 12", "location": point(0, 0)}
    with schema_context(schema):
        return service_request_create(
            data={**fields, **data}, user=user, channel=channel, photo=photo
        )


def staff(username, schema="kantang"):
    with schema_context(schema):
        return User.objects.get(username=username)


def events(obj):
    with schema_context("kantang"):
        return list(
            ServiceRequestEvent.objects.filter(request=obj).values_list("kind", "from_value", "to_value")
        )


def reload(obj):
    with schema_context("kantang"):
        return ServiceRequest.objects.get(pk=obj.pk)


@pytest.fixture
def sample(kantang, media_root):
    return make_request(
        reporter_name="สมศรี ใจดี", reporter_phone="0812345678", photo=png_upload(),
    )


# --- Who may do what --------------------------------------------------------------------------

READ_PAGES = ("request-list", "request-detail", "request-photo")
ACT_PAGES = ("request-create", "request-asset-suggestion")


@pytest.mark.parametrize("username", ALL_ROLES)
@pytest.mark.parametrize("name", READ_PAGES + ACT_PAGES)
def test_each_role_gets_each_page_or_403(sample, name, username):
    args = (sample.pk,) if name in ("request-detail", "request-photo") else ()
    response = client_for(username).get(url(name, *args))

    if username in ROLES_THAT_ACT or (username == "executive" and name in READ_PAGES):
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("name", READ_PAGES + ACT_PAGES + ("sla-settings",))
def test_anonymous_visitors_are_sent_to_sign_in(sample, name):
    args = (sample.pk,) if name in ("request-detail", "request-photo") else ()
    response = client_for().get(url(name, *args))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


ACTIONS = {
    "request-transition": {"to_status": "in_progress", "comment": ""},
    "request-assign": None,  # filled with the engineer's id
    "request-priority": {"priority": "urgent", "comment": ""},
    "request-comment": {"comment": "โทรแจ้งผู้ร้องแล้ว"},
    "request-duplicate": None,  # filled with another request's code
    "request-link-asset": None,  # filled with a new asset's code
}


def _action_data(name, sample):
    if name == "request-assign":
        return {"assignee": staff("engineer").pk, "comment": ""}
    if name == "request-duplicate":
        return {"original": make_request().tracking_code, "comment": ""}
    if name == "request-link-asset":
        with schema_context("kantang"):
            asset_create(user=staff("engineer"), data={
                "code": "TEST-RD-0001", "asset_type": "road", "name": "ถนนทดสอบ",
                "geometry": "LINESTRING(98.9853 18.7883, 98.9863 18.7883)",
            })
        return {"asset_code": "TEST-RD-0001", "comment": ""}
    return ACTIONS[name]


@pytest.mark.parametrize("username", ALL_ROLES)
@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_only_engineers_and_admins_can_act(sample, name, username):
    before = events(sample)
    response = client_for(username).post(url(name, sample.pk), _action_data(name, sample))

    if username in ROLES_THAT_ACT:
        assert response.status_code == 302
        assert response["Location"] == url("request-detail", sample.pk)
        assert len(events(sample)) > len(before)
    else:
        assert response.status_code == 403
        assert events(sample) == before


@pytest.mark.parametrize("username", ALL_ROLES)
def test_only_engineers_and_admins_can_enter_a_request(kantang, username):
    lon, lat = offset(5, 5)
    response = client_for(username).post(url("request-create"), {
        "channel": "phone", "category": "tree", "priority": "normal", "description": "กิ่งไม้หักขวางถนน",
        "latitude": lat, "longitude": lon,
    })

    with schema_context("kantang"):
        saved = ServiceRequest.objects.filter(description="กิ่งไม้หักขวางถนน").exists()
    assert (response.status_code, saved) == ((302, True) if username in ROLES_THAT_ACT else (403, False))


def test_executives_read_without_action_forms_or_personal_data(sample):
    executive = client_for("executive").get(url("request-detail", sample.pk))
    engineer = client_for("engineer").get(url("request-detail", sample.pk))

    assert executive.status_code == 200 and sample.tracking_code in executive.text
    assert "0812345678" not in executive.text and "สมศรี" not in executive.text
    assert url("request-transition", sample.pk) not in executive.text
    assert "0812345678" in engineer.text and "สมศรี" in engineer.text
    assert url("request-transition", sample.pk) in engineer.text


def test_the_photo_is_served_only_through_the_checked_view(sample):
    response = client_for("engineer").get(url("request-photo", sample.pk))

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    assert "private" in response["Cache-Control"]
    # The file itself has no public address.
    assert client_for().get(f"/media/kantang/{sample.photo.name}").status_code == 404
    assert client_for("nurse").get(url("request-photo", sample.pk)).status_code == 403


# --- The queue --------------------------------------------------------------------------------


def _codes(response, *objs):
    """Which of `objs` are listed as rows (the search box may echo a code: look for the link)."""
    return {o.tracking_code for o in objs if f">{o.tracking_code}</a>" in response.text}


TAB_TEST = "ทดสอบแท็บคิวงาน"


def test_the_mine_and_overdue_tabs_hold_the_right_requests(kantang):
    # The demo data fills the queues too: search for these four so they all fit on page one.
    engineer = staff("engineer")
    mine = make_request(description=TAB_TEST)
    with schema_context("kantang"):
        service_request_assign(service_request=mine, user=engineer, assignee=engineer)
    late = make_request(description=TAB_TEST, received_at=timezone.now() - timedelta(days=30))
    someone_elses = make_request(description=TAB_TEST)
    with schema_context("kantang"):
        service_request_assign(service_request=someone_elses, user=engineer, assignee=staff("admin"))
    done_late = make_request(description=TAB_TEST, received_at=timezone.now() - timedelta(days=30))
    with schema_context("kantang"):
        service_request_transition(service_request=done_late, user=engineer, to_status="in_progress")
        service_request_transition(service_request=done_late, user=engineer, to_status="resolved",
                                   comment="ซ่อมแล้ว")
    client = client_for("engineer")
    everything = (mine, late, someone_elses, done_late)

    mine_tab = client.get(url("request-list"), {"queue": "mine", "q": TAB_TEST})
    overdue_tab = client.get(url("request-list"), {"queue": "overdue", "q": TAB_TEST})
    open_tab = client.get(url("request-list"), {"queue": "open", "q": TAB_TEST})
    all_tab = client.get(url("request-list"), {"queue": "all", "q": TAB_TEST})

    assert _codes(mine_tab, *everything) == {mine.tracking_code}
    assert _codes(overdue_tab, *everything) == {late.tracking_code}
    assert _codes(open_tab, *everything) == {o.tracking_code for o in (mine, late, someone_elses)}
    assert _codes(all_tab, *everything) == {o.tracking_code for o in everything}
    assert "request-row is-overdue" in overdue_tab.text and "request-row is-overdue" not in mine_tab.text


def test_the_tabs_count_and_the_filters_narrow_the_queue(kantang):
    tree = make_request(category="tree", priority="urgent", description="ต้นไม้ล้มทับสายไฟ ซอย 5")
    road = make_request(category="road", priority="low", description="ถนนเป็นหลุม หน้าตลาดทดสอบคิว")
    client = client_for("admin")

    by_category = client.get(url("request-list"), {"queue": "all", "category": "tree"})
    by_priority = client.get(url("request-list"), {"queue": "all", "priority": "low"})
    by_text = client.get(url("request-list"), {"queue": "all", "q": "หน้าตลาดทดสอบคิว"})
    by_code = client.get(url("request-list"), {"queue": "all", "q": tree.tracking_code.lower()})
    nonsense = client.get(url("request-list"), {"queue": "sideways", "status": "lost", "page": "x"})

    assert _codes(by_category, tree, road) == {tree.tracking_code}
    assert _codes(by_priority, tree, road) == {road.tracking_code}
    assert _codes(by_text, tree, road) == {road.tracking_code}
    assert _codes(by_code, tree, road) == {tree.tracking_code}
    assert nonsense.status_code == 200
    counts = {tab["key"]: tab["count"] for tab in by_text.context["tabs"]}
    assert counts == {"mine": 0, "unassigned": 1, "overdue": 0, "open": 1, "all": 1}


def test_htmx_gets_only_the_queue_part(kantang):
    obj = make_request()
    response = client_for("engineer").get(url("request-list"), {"queue": "all"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'id="request-queue"' in response.text and obj.tracking_code in response.text
    assert "<html" not in response.text


def test_the_category_summary_counts_open_and_overdue(kantang):
    with schema_context("kantang"):
        before = ServiceRequest.objects.filter(
            category="flood", status__in=("received", "assigned", "in_progress")
        )
        open_before = before.count()
        overdue_before = before.filter(due_at__lt=timezone.now()).count()
    make_request(category="flood")
    make_request(category="flood", received_at=timezone.now() - timedelta(days=20))

    response = client_for("executive").get(url("request-list"))

    row = next(r for r in response.context["summary"] if r["category"] == "flood")
    assert (row["open"], row["overdue"]) == (open_before + 2, overdue_before + 1)


def test_nueaklong_requests_never_appear_in_kantangs_queue(kantang, nueaklong):
    theirs = make_request(
        schema="nueaklong", location="POINT(98.99 8.086)", description="ไฟดับทดสอบข้ามเขต เหนือคลอง"
    )
    ours = make_request(description="ไฟดับทดสอบข้ามเขต กันตัง")
    client = client_for("admin")

    everything = client.get(url("request-list"), {"queue": "all", "q": "ไฟดับทดสอบข้ามเขต"})
    by_code = client.get(url("request-list"), {"queue": "all", "q": theirs.tracking_code})

    assert _codes(everything, ours, theirs) == {ours.tracking_code}
    assert _codes(by_code, ours, theirs) == set() and by_code.context["page"].paginator.count == 0
    # The same page on nueaklong's host shows theirs, not ours.
    there = client_for("admin", schema="nueaklong").get(
        url("request-list"), {"queue": "all", "q": "ไฟดับทดสอบข้ามเขต"}
    )
    assert _codes(there, ours, theirs) == {theirs.tracking_code}


# --- Taking a request down --------------------------------------------------------------------


def test_staff_enter_a_phone_request_with_a_pin_photo_and_contact(kantang, media_root):
    lon, lat = offset(10, 10)
    response = client_for("engineer").post(url("request-create"), {
        "channel": "line", "category": "drain", "priority": "high",
        "description": "ท่อระบายน้ำอุดตัน น้ำขังหน้าโรงเรียน", "latitude": f"{lat}", "longitude": f"{lon}",
        "address_text": "หน้าโรงเรียนเทศบาล 1", "reporter_name": "นายสมชาย", "reporter_phone": "0899999999",
        "reporter_email": "", "asset_code": "", "photo": png_upload(),
    })

    with schema_context("kantang"):
        obj = ServiceRequest.objects.get(description="ท่อระบายน้ำอุดตัน น้ำขังหน้าโรงเรียน")
    assert response.status_code == 302 and response["Location"] == url("request-detail", obj.pk)
    assert (obj.channel, obj.category, obj.priority, obj.status) == ("line", "drain", "high", "received")
    assert obj.created_by == staff("engineer") and obj.reporter_phone == "0899999999" and obj.photo
    assert obj.due_at == obj.received_at + timedelta(hours=DEFAULT_SLA_HOURS[("drain", "high")])
    assert abs(obj.location.x - lon) < 1e-6 and abs(obj.location.y - lat) < 1e-6
    page = client_for("engineer").get(response["Location"])
    assert obj.tracking_code in page.text and url("request-photo", obj.pk) in page.text


@pytest.mark.parametrize("where, message", [
    ({}, "Say where the problem is: put a pin on the map, or type the address or a landmark."),
    ({"latitude": "7.4"},
     "Say where the problem is: put a pin on the map, or type the address or a landmark."),
    ({"latitude": "99.5", "longitude": "7.4"},
     "The location is outside Thailand: latitude and longitude look swapped."),
    ({"latitude": "51.5", "longitude": "-0.12"},
     "The location is outside Thailand (longitude %(min_lon)s–%(max_lon)s, "
     "latitude %(min_lat)s–%(max_lat)s)."),
])
def test_a_request_without_a_good_location_is_refused_and_not_saved(kantang, where, message):
    response = client_for("engineer").post(url("request-create"), {
        "channel": "phone", "category": "road", "priority": "normal", "description": "หลุมบ่อ จุดทดสอบ", **where,
    })

    assert response.status_code == 400
    with translation.override("th"):
        expected = gettext(message) % THAILAND.params() if "%(" in message else gettext(message)
        assert expected in unescape(response.text)
    with schema_context("kantang"):
        assert not ServiceRequest.objects.filter(description="หลุมบ่อ จุดทดสอบ").exists()


def test_a_non_image_photo_is_refused_and_nothing_is_saved(kantang, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lon, lat = offset(3, 3)
    response = client_for("engineer").post(url("request-create"), {
        "channel": "phone", "category": "road", "priority": "normal", "description": "รูปไม่ใช่รูป",
        "latitude": lat, "longitude": lon,
        "photo": SimpleUploadedFile("fake.jpg", b"not an image at all", content_type="image/jpeg"),
    })

    assert response.status_code == 400 and 'class="error"' in response.text
    with schema_context("kantang"):
        assert not ServiceRequest.objects.filter(description="รูปไม่ใช่รูป").exists()


def test_the_nearest_asset_is_suggested_linked_or_refused(kantang):
    with schema_context("kantang"):
        light = asset_create(user=staff("engineer"), data={
            "code": "TEST-SL-0001", "asset_type": "streetlight", "name": "เสาไฟทดสอบ",
            "geometry": point(20, 0),
        })
    lon, lat = offset(0, 0)
    client = client_for("engineer")

    pin = {"latitude": lat, "longitude": lon}
    suggestion = client.get(url("request-asset-suggestion"), {**pin, "category": "lighting"})
    none_near = client.get(url("request-asset-suggestion"), {**pin, "category": "drain"})
    base = {"channel": "phone", "category": "lighting", "priority": "normal", **pin}
    client.post(url("request-create"), {**base, "description": "ไฟดับ เชื่อมอัตโนมัติ"})
    client.post(url("request-create"), {**base, "description": "ไฟดับ ไม่เชื่อม", "no_asset": "on"})
    unknown = client.post(
        url("request-create"), {**base, "description": "ไฟดับ รหัสผิด", "asset_code": "NOPE-1"}
    )

    assert "TEST-SL-0001" in suggestion.text and "20" in suggestion.text
    assert "TEST-SL-0001" not in none_near.text
    with schema_context("kantang"):
        assert ServiceRequest.objects.get(description="ไฟดับ เชื่อมอัตโนมัติ").asset == light
        unlinked = ServiceRequest.objects.get(description="ไฟดับ ไม่เชื่อม")
        assert unlinked.asset is None
        assert not unlinked.events.filter(kind="asset_linked").exists()
        assert not ServiceRequest.objects.filter(description="ไฟดับ รหัสผิด").exists()
    assert unknown.status_code == 400 and "NOPE-1" in unknown.text


# --- The request page and its actions ---------------------------------------------------------


def test_a_full_status_walk_through_the_pages_leaves_a_timeline(kantang):
    obj = make_request(category="road", description="ถนนทรุด เดินผ่านหน้า")
    engineer = staff("engineer")
    client = client_for("engineer")

    steps = [
        (url("request-assign", obj.pk), {"assignee": engineer.pk, "comment": "รับเรื่อง"}, "assigned"),
        (url("request-transition", obj.pk), {"to_status": "in_progress", "comment": "ออกหน้างาน"},
         "in_progress"),
        (url("request-transition", obj.pk), {"to_status": "resolved", "comment": "ซ่อมเสร็จ"}, "resolved"),
        (url("request-transition", obj.pk), {"to_status": "closed", "comment": ""}, "closed"),
    ]
    for action, data, status in steps:
        response = client.post(action, data)
        assert response.status_code == 302, response.content[:2000]
        assert reload(obj).status == status

    obj = reload(obj)
    assert obj.resolved_at is not None and obj.closed_at is not None
    assert events(obj) == [
        ("created", "", "received"),
        ("assigned", "", "engineer"),
        ("status", "received", "assigned"),
        ("status", "assigned", "in_progress"),
        ("status", "in_progress", "resolved"),
        ("status", "resolved", "closed"),
    ]
    page = client.get(url("request-detail", obj.pk))
    assert page.text.count('class="timeline-item') == 6
    for comment in ("รับเรื่อง", "ออกหน้างาน", "ซ่อมเสร็จ"):
        assert comment in page.text
    # Closed: no more status or assignment forms.
    assert url("request-transition", obj.pk) not in page.text
    assert url("request-assign", obj.pk) not in page.text


def test_only_the_legal_next_statuses_are_offered(kantang):
    obj = make_request()

    form = client_for("engineer").get(url("request-detail", obj.pk)).context["forms"]["status"]

    assert {value for value, _label in form.offered} == {"in_progress", "rejected"}


def test_an_illegal_transition_is_refused_with_a_bilingual_message_and_changes_nothing(kantang):
    obj = make_request()
    before = events(obj)

    response = client_for("engineer").post(url("request-transition", obj.pk), {"to_status": "closed"})

    assert response.status_code == 400
    expected = bilingual(
        gettext_lazy("A request cannot move from “%(from)s” to “%(to)s”."),
        {"from": RequestStatus.RECEIVED.label, "to": RequestStatus.CLOSED.label},
    )
    assert expected in unescape(response.text)
    assert "Received" in expected and "Closed" in expected  # the English half is always there
    assert reload(obj).status == "received" and events(obj) == before


def test_rejecting_needs_a_reason(kantang):
    obj = make_request()

    response = client_for("engineer").post(url("request-transition", obj.pk), {"to_status": "rejected"})

    assert response.status_code == 400 and reload(obj).status == "received"


def test_priority_changes_recompute_the_due_time(kantang):
    obj = make_request(category="flood", priority="normal")

    client_for("admin").post(url("request-priority", obj.pk), {"priority": "urgent", "comment": "น้ำขึ้นเร็ว"})

    obj = reload(obj)
    assert obj.priority == "urgent"
    assert obj.due_at == obj.received_at + timedelta(hours=DEFAULT_SLA_HOURS[("flood", "urgent")])


def test_a_duplicate_is_chosen_by_tracking_code(kantang):
    original = make_request()
    copy = make_request()
    client = client_for("engineer")

    wrong = client.post(url("request-duplicate", copy.pk), {"original": "ZZZZ-ZZZZ"})
    itself = client.post(url("request-duplicate", copy.pk), {"original": copy.tracking_code})
    typed = original.tracking_code.lower().replace("-", " ")  # as someone might type it
    right = client.post(url("request-duplicate", copy.pk), {"original": typed})

    assert wrong.status_code == 400 and itself.status_code == 400 and right.status_code == 302
    copy = reload(copy)
    assert copy.status == "duplicate" and copy.duplicate_of_id == original.pk
    assert copy.tracking_code in client.get(url("request-detail", original.pk)).text


def test_an_asset_is_linked_by_code_and_unlinked(kantang):
    with schema_context("kantang"):
        drain = asset_create(user=staff("engineer"), data={
            "code": "TEST-DR-0001", "asset_type": "drain", "name": "ท่อทดสอบ",
            "geometry": line((900, 900), (950, 900)),
        })
    obj = make_request()
    client = client_for("engineer")

    client.post(url("request-link-asset", obj.pk), {"asset_code": "test-dr-0001"})
    linked = reload(obj).asset
    client.post(url("request-link-asset", obj.pk), {"asset_code": ""})

    assert linked == drain and reload(obj).asset is None
    assert [e[0] for e in events(obj)][-2:] == ["asset_linked", "asset_linked"]


def test_a_comment_needs_text_and_a_non_worker_cannot_be_assigned(kantang):
    obj = make_request()
    client = client_for("engineer")

    empty = client.post(url("request-comment", obj.pk), {"comment": "   "})
    to_nurse = client.post(url("request-assign", obj.pk), {"assignee": staff("nurse").pk})

    assert empty.status_code == 400 and to_nurse.status_code == 400
    assert events(obj) == [("created", "", "received")] and reload(obj).assignee is None
