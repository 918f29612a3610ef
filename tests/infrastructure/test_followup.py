"""Closing the loop with the citizen: public notes and the photo after the repair, "fixed" /
"not fixed" and the rating, notifications through the backends (locmem, e-mail, the SMS
stand-in server), the opt-out link, following a nearby report, and what never leaks."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from cityplatform.celery import app as celery_app
from infrastructure.models import (
    Asset,
    NotificationDelivery,
    RequestFollower,
    RequestStatus,
    ServiceRequest,
)
from infrastructure.notify.base import Notice, NotifyError
from infrastructure.notify.console import LocmemBackend
from infrastructure.notify.dispatch import notification_deliver
from infrastructure.services import (
    service_request_create,
    service_request_transition,
)

from ..helpers import host_client, login
from .helpers import offset, png_upload
from .sms_standin import SmsStandIn

CONTACT = {
    "reporter_name": "สมชาย ใจดี",
    "reporter_phone": "081 234 5678",
    "reporter_email": "somchai@example.com",
}
SECRETS = ("สมชาย", "081 234 5678", "0812345678", "somchai@example.com")
# Kantang, near its centre: in the municipality for the report form.
KANTANG = (99.5185, 7.4092)


@pytest.fixture(autouse=True)
def _clean(media_root):
    cache.clear()
    LocmemBackend.outbox.clear()
    yield
    cache.clear()
    LocmemBackend.outbox.clear()


@pytest.fixture
def eager_celery():
    """Tasks run where they are queued (after commit), as a worker would run them."""
    before = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


def english(client):
    client.cookies["django_language"] = "en"
    return client


def report(*, notify="email", east=0.0, category="lighting", **extra):
    data = {
        "category": category,
        "description": "ไฟถนนดับ",
        "location": Point(*offset(east, 0, KANTANG), srid=4326),
        "notify_channel": notify,
        **CONTACT,
        **extra,
    }
    return service_request_create(data=data, user=None, channel="public_web", photo=png_upload())


def staff(username="engineer"):
    from accounts.models import User

    return User.objects.get(username=username)


def resolve(service_request, **kwargs):
    engineer = staff()
    if service_request.status != RequestStatus.IN_PROGRESS:
        service_request_transition(service_request=service_request, user=engineer, to_status="in_progress")
    return service_request_transition(
        service_request=service_request,
        user=engineer,
        to_status="resolved",
        **{"comment": "เปลี่ยนหลอดไฟแล้ว", **kwargs},
    )


# --- Staff side ---------------------------------------------------------------------------------


def test_resolving_needs_a_public_note(in_kantang):
    service_request = report()
    service_request_transition(service_request=service_request, user=staff(), to_status="in_progress")
    with pytest.raises(ValidationError) as error:
        service_request_transition(service_request=service_request, user=staff(), to_status="resolved")
    assert "comment" in error.value.message_dict
    assert ServiceRequest.objects.get(pk=service_request.pk).status == RequestStatus.IN_PROGRESS


def test_resolving_keeps_the_after_photo_and_sets_the_linked_asset_condition(in_kantang):
    asset = Asset.objects.filter(asset_type="streetlight").exclude(condition="good").first()
    service_request = report(asset=asset)
    previous = asset.condition
    resolve(service_request, after_photo=png_upload("after.png"), asset_condition="good")
    service_request.refresh_from_db()
    asset.refresh_from_db()
    assert service_request.after_photo and service_request.after_photo.name != service_request.photo.name
    assert asset.condition == "good"
    [change] = asset.condition_history.filter(note__contains=service_request.tracking_code)
    assert (change.from_condition, change.to_condition) == (previous, "good")


def test_the_staff_page_resolves_with_note_and_photo_and_marks_a_comment_public(kantang):
    with schema_context("kantang"):
        service_request = report()
        service_request_transition(service_request=service_request, user=staff(), to_status="in_progress")
    client = english(login(host_client("kantang.localhost"), "kantang", "engineer"))
    page = f"/infrastructure/requests/{service_request.pk}/"
    assert client.get(page + "?resolve=1").status_code == 200
    refused = client.post(page + "status/", {"to_status": "resolved", "comment": ""})
    assert refused.status_code == 400 and b"the citizen reads this note" in refused.content
    done = client.post(
        page + "status/",
        {"to_status": "resolved", "comment": "Lamp replaced", "after_photo": png_upload("after.png")},
    )
    assert done.status_code == 302
    client.post(page + "comment/", {"comment": "Internal: ladder truck booked"})
    client.post(page + "comment/", {"comment": "We will check it again on Monday", "public": "on"})
    with schema_context("kantang"):
        service_request.refresh_from_db()
        assert service_request.status == "resolved" and service_request.after_photo
        public = list(service_request.events.filter(public=True).values_list("comment", flat=True))
    assert public == ["Lamp replaced", "We will check it again on Monday"]
    status = english(host_client("kantang.localhost")).get(f"/report/status/{service_request.tracking_code}/")
    text = status.content.decode()
    assert "Lamp replaced" in text and "We will check it again on Monday" in text
    assert "ladder truck" not in text
    assert text.index("Lamp replaced") < text.index("We will check it again on Monday")  # in order


# --- The citizen's status page ----------------------------------------------------------------------


def test_the_status_page_shows_due_date_photos_and_answers(kantang):
    with schema_context("kantang"):
        service_request = report()
    client = english(host_client("kantang.localhost"))
    page = f"/report/status/{service_request.tracking_code}/"
    text = client.get(page).content.decode()
    assert "Expected to be fixed by" in text
    thai = host_client("kantang.localhost").get(page).content.decode()
    assert str(service_request.due_at.year + 543) in thai  # Buddhist Era in Thai
    photo = client.get(f"{page}photo/before/")
    assert photo.status_code == 200 and photo["Content-Type"].startswith("image/")
    assert client.get(f"{page}photo/after/").status_code == 404
    assert "Fixed, thank you" not in text

    with schema_context("kantang"):
        resolve(service_request, after_photo=png_upload("after.png"))
    text = client.get(page).content.decode()
    assert "Fixed, thank you" in text and "Not fixed yet" in text and "data-after-photo" in text
    assert client.get(f"{page}photo/after/").status_code == 200

    # Not fixed: needs a reason, goes back to the team with its history, only once.
    assert client.post(f"{page}reopen/", {"reason": ""}).status_code == 400
    assert client.post(f"{page}reopen/", {"reason": "Still dark at night"}).status_code == 302
    with schema_context("kantang"):
        service_request.refresh_from_db()
        assert service_request.status == RequestStatus.IN_PROGRESS and service_request.reopen_count == 1
        assert service_request.events.filter(kind="reopened", comment="Still dark at night").exists()
        resolve(service_request, comment="Cable fixed too")
    text = client.get(page).content.decode()
    assert "Not fixed yet" not in text and "Still dark at night" in text
    assert client.post(f"{page}reopen/", {"reason": "again"}).status_code == 400

    assert client.post(f"{page}confirm/").status_code == 302
    assert client.post(f"{page}rate/", {"score": "9"}).status_code == 400
    assert client.post(f"{page}rate/", {"score": "4"}).status_code == 302
    with schema_context("kantang"):
        service_request.refresh_from_db()
    assert service_request.status == RequestStatus.CLOSED and service_request.citizen_confirmed_at
    assert service_request.satisfaction == 4


def test_reopening_is_refused_after_the_window(in_kantang, settings):
    settings.REQUEST_REOPEN_DAYS = 0
    service_request = report()
    resolve(service_request)
    ServiceRequest.objects.filter(pk=service_request.pk).update(
        resolved_at=service_request.due_at.replace(year=2020)
    )
    from infrastructure.services import service_request_citizen_reopen

    with pytest.raises(ValidationError):
        service_request_citizen_reopen(service_request=service_request, reason="still broken")


# --- Notifications --------------------------------------------------------------------------------


def test_every_public_change_reaches_the_reporter_by_email_after_commit(
    in_kantang, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service_request = report(notify="email")
    assert mail.outbox == []  # a report by itself is no news
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        resolve(service_request)
        assert mail.outbox == []  # nothing before the commit
    assert callbacks
    subjects = [m.subject for m in mail.outbox]
    assert len(mail.outbox) == 2, subjects  # in progress, then resolved with its note
    last = mail.outbox[-1]
    assert last.to == ["somchai@example.com"]
    assert "เปลี่ยนหลอดไฟแล้ว" in last.body and service_request.tracking_code in last.subject
    assert f"/report/status/{service_request.tracking_code}/" in last.body
    assert re.search(r"/report/stop/[^/\s]+/", last.body)
    assert "List-Unsubscribe" in last.extra_headers
    for message in mail.outbox:
        assert "081 234 5678" not in message.body and "สมชาย" not in message.body
    states = set(NotificationDelivery.objects.filter(request=service_request).values_list("state", flat=True))
    assert states == {"sent"}


def test_internal_comments_are_not_sent(in_kantang, eager_celery, django_capture_on_commit_callbacks):
    from infrastructure.services import service_request_comment

    service_request = report(notify="sms")
    with django_capture_on_commit_callbacks(execute=True):
        service_request_comment(service_request=service_request, user=staff(), comment="ภายใน: รอรถกระเช้า")
    assert LocmemBackend.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        service_request_comment(
            service_request=service_request, user=staff(), comment="จะเข้าไปตรวจวันจันทร์", public=True
        )
    [(address, notice)] = LocmemBackend.outbox
    assert address == "081 234 5678" and isinstance(notice, Notice)
    assert "จะเข้าไปตรวจวันจันทร์" in notice.body and "รอรถกระเช้า" not in notice.body


def test_sms_goes_through_the_http_gateway_stand_in(
    in_kantang, settings, eager_celery, django_capture_on_commit_callbacks
):
    with SmsStandIn() as gateway:
        settings.NOTIFY_BACKENDS = {
            **settings.NOTIFY_BACKENDS,
            "sms": "infrastructure.notify.sms.HttpSmsBackend",
        }
        settings.NOTIFY_SMS_URL, settings.NOTIFY_SMS_TOKEN = gateway.url, "gateway-token"
        service_request = report(notify="sms")
        with django_capture_on_commit_callbacks(execute=True):
            resolve(service_request)
        assert len(gateway.received) == 2
        sent = gateway.received[-1]
        assert sent["authorization"] == "Bearer gateway-token"
        assert sent["body"]["to"] == "081 234 5678"
        assert (
            service_request.tracking_code in sent["body"]["text"] and "/report/stop/" in sent["body"]["text"]
        )
        assert "somchai@example.com" not in str(sent)  # only the phone goes to the SMS gateway

        # A gateway that is down: kept for a retry with the reason, then failed for staff to see.
        gateway.status = 503
        with django_capture_on_commit_callbacks(execute=False):
            from infrastructure.services import service_request_comment

            service_request_comment(
                service_request=service_request, user=staff(), comment="ขอบคุณครับ", public=True
            )
        delivery = NotificationDelivery.objects.filter(request=service_request).order_by("-id").first()
        with pytest.raises(NotifyError):
            notification_deliver(delivery_id=delivery.pk, final_attempt=False)
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("queued", 1) and "503" in delivery.last_error
        notification_deliver(delivery_id=delivery.pk, final_attempt=True)
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("failed", 2)
        gateway.status = 400
        with django_capture_on_commit_callbacks(execute=False):
            service_request_comment(
                service_request=service_request, user=staff(), comment="อีกครั้ง", public=True
            )
        refused = NotificationDelivery.objects.filter(request=service_request).order_by("-id").first()
        assert notification_deliver(delivery_id=refused.pk, final_attempt=False) == "failed"  # not retried


def test_a_missing_backend_is_a_failure_staff_can_see(kantang, settings):
    settings.NOTIFY_BACKENDS = {
        **settings.NOTIFY_BACKENDS,
        "line": "infrastructure.notify.not_installed.Backend",
    }
    with schema_context("kantang"):
        service_request = report(notify="line", reporter_line_user_id="U" + "1" * 32)
        resolve(service_request)
        for delivery in NotificationDelivery.objects.filter(request=service_request):
            assert notification_deliver(delivery_id=delivery.pk) == "failed"
        assert (
            "cannot be loaded"
            in NotificationDelivery.objects.filter(request=service_request).first().last_error
        )
    client = english(login(host_client("kantang.localhost"), "kantang", "engineer"))
    text = client.get(f"/infrastructure/requests/{service_request.pk}/").content.decode()
    assert "Messages to the citizen" in text and 'data-delivery-state="failed"' in text
    assert "cannot be loaded" in text


def test_the_opt_out_link_stops_messages(kantang, eager_celery, django_capture_on_commit_callbacks):
    with schema_context("kantang"), django_capture_on_commit_callbacks(execute=True):
        service_request = report(notify="email")
        service_request_transition(service_request=service_request, user=staff(), to_status="in_progress")
    link = re.search(r"https?://[^/\s]+(/report/stop/[^/\s]+/)", mail.outbox[-1].body).group(1)
    client = english(host_client("kantang.localhost"))
    assert client.get(link).status_code == 200  # a link checker opening it changes nothing
    with schema_context("kantang"):
        assert ServiceRequest.objects.get(pk=service_request.pk).notify_opted_out_at is None
    assert client.post(link.replace("/stop/", "/stop/x")).status_code == 400  # forged
    assert client.post(link).status_code == 200
    sent = len(mail.outbox)
    with schema_context("kantang"), django_capture_on_commit_callbacks(execute=True):
        resolve(ServiceRequest.objects.get(pk=service_request.pk))
    assert len(mail.outbox) == sent


# --- Nearby reports and followers ---------------------------------------------------------------


def test_nearby_open_reports_of_the_category_and_following_one(
    kantang, eager_celery, django_capture_on_commit_callbacks
):
    with schema_context("kantang"):
        near = report(notify="", east=40)
        report(notify="", east=400)  # too far
        report(notify="", east=10, category="drain")  # another category
    client = english(host_client("kantang.localhost"))
    lon, lat = offset(0, 0, KANTANG)
    answer = client.get("/report/nearby/", {"category": "lighting", "lat": lat, "lon": lon}).json()
    codes = [item["code"] for item in answer["results"]]
    assert near.tracking_code in codes and len(codes) == len(set(codes))
    for item in answer["results"]:
        assert 0 <= item["distance_m"] <= 100
    body = str(answer)
    for secret in SECRETS:
        assert secret not in body
    assert f"{near.location.y:.6f}" not in body  # no exact point

    follow = client.post(
        f"/report/status/{near.tracking_code}/follow/",
        {"channel": "email", "address": "Neighbour@Example.com"},
        HTTP_ACCEPT="application/json",
    )
    assert follow.status_code == 200
    again = client.post(
        f"/report/status/{near.tracking_code}/follow/",
        {"channel": "email", "address": "neighbour@example.com"},
        HTTP_ACCEPT="application/json",
    )
    assert again.status_code == 200
    bad = client.post(
        f"/report/status/{near.tracking_code}/follow/",
        {"channel": "sms", "address": "12"},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400
    with schema_context("kantang"):
        assert RequestFollower.objects.filter(request=near).count() == 1
        assert ServiceRequest.objects.filter(pk=near.pk).count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            resolve(ServiceRequest.objects.get(pk=near.pk))
    assert [m.to for m in mail.outbox] == [["neighbour@example.com"]] * 2  # the reporter chose no messages
    assert "/report/stop/" in mail.outbox[-1].body


# --- Privacy ----------------------------------------------------------------------------------------


def test_no_reporter_contact_in_any_public_answer(kantang):
    with schema_context("kantang"):
        service_request = report(notify="sms")
        resolve(service_request)
    client = english(host_client("kantang.localhost"))
    page = f"/report/status/{service_request.tracking_code}/"
    for response in (client.get(page), host_client("kantang.localhost").get(page)):
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text
        assert f"{service_request.location.y:.5f}" not in text


def test_the_report_form_keeps_the_channel_and_needs_its_address(kantang):
    client = english(host_client("kantang.localhost"))
    lon, lat = KANTANG
    data = {"category": "lighting", "description": "ไฟดับ", "lat": lat, "lon": lon, "notify_channel": "sms"}
    refused = client.post("/report/", data)
    assert refused.status_code == 200 and b"Give your phone number" in refused.content
    done = client.post("/report/", {**data, "reporter_phone": "0812345678"})
    assert done.status_code == 302
    with schema_context("kantang"):
        stored = ServiceRequest.objects.order_by("-id").first()
    assert (stored.notify_channel, stored.reporter_phone) == ("sms", "0812345678")


def test_a_delivery_with_nobody_to_send_to_reads_in_the_staff_language(kantang):
    with schema_context("kantang"):
        service_request = report(notify="email")
        resolve(service_request)
        ServiceRequest.objects.filter(pk=service_request.pk).update(notify_opted_out_at=service_request.received_at)
        delivery = NotificationDelivery.objects.filter(request=service_request).first()
        assert notification_deliver(delivery_id=delivery.pk) == "failed"
    path = f"/infrastructure/requests/{service_request.pk}/"
    thai = login(host_client("kantang.localhost"), "kantang", "engineer").get(path).content.decode()
    assert "ไม่มีผู้รับ: ผู้แจ้งขอหยุดรับข้อความ" in thai and "opted out or removed" not in thai
    text = english(login(host_client("kantang.localhost"), "kantang", "engineer")).get(path).content.decode()
    assert "Nobody to send to: the person stopped these messages" in text
