"""The service-request workflow: SLA due times, transitions, assignment, timeline, assets."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from infrastructure.models import (
    DEFAULT_SLA_HOURS,
    TRANSITIONS,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    SlaRule,
)
from infrastructure.selectors import nearest_asset, service_requests_for
from infrastructure.services import (
    asset_create,
    service_request_assign,
    service_request_comment,
    service_request_create,
    service_request_link_asset,
    service_request_set_priority,
    service_request_transition,
    sla_rule_set,
)

from .helpers import line, png_upload, point

LEGAL = sorted((a, b) for a, targets in TRANSITIONS.items() for b in targets)
ILLEGAL = sorted(
    (a, b) for a in RequestStatus.values for b in RequestStatus.values if b not in TRANSITIONS[a]
)


def report(user=None, *, channel="public_web", photo=None, **data) -> ServiceRequest:
    fields = {"category": "other", "description": "มีปัญหา", "location": point(0, 0)}
    return service_request_create(data={**fields, **data}, user=user, channel=channel, photo=photo)


def kinds(service_request) -> list[str]:
    return list(service_request.events.values_list("kind", flat=True))


def test_a_citizen_report_gets_a_code_a_due_time_and_a_created_event(in_kantang):
    service_request = report(reporter_name="สมชาย", reporter_phone="0812345678")

    assert service_request.status == "received" and service_request.priority == "normal"
    sla = timedelta(hours=DEFAULT_SLA_HOURS[("other", "normal")])
    assert service_request.due_at == service_request.received_at + sla
    assert kinds(service_request) == ["created"]
    event = service_request.events.get()
    assert event.actor is None and event.to_value == "received"
    assert "สมชาย" not in str(service_request) and "0812345678" not in str(service_request)


def test_a_stored_sla_rule_sets_the_due_time(in_kantang, municipal_admin):
    sla_rule_set(user=municipal_admin, category="tree", priority="high", hours=3)

    service_request = report(category="tree", priority="high")

    assert service_request.due_at == service_request.received_at + timedelta(hours=3)


def test_only_sla_managers_set_targets(in_kantang, engineer, municipal_admin):
    with pytest.raises(PermissionDenied):
        sla_rule_set(user=engineer, category="tree", priority="high", hours=3)
    with pytest.raises(ValidationError):
        sla_rule_set(user=municipal_admin, category="tree", priority="high", hours=0)

    sla_rule_set(user=municipal_admin, category="tree", priority="high", hours=3)
    sla_rule_set(user=municipal_admin, category="tree", priority="high", hours=6)
    assert SlaRule.objects.get(category="tree", priority="high").hours == 6


def test_changing_priority_recomputes_the_due_time_from_reception(in_kantang, engineer):
    received = timezone.now() - timedelta(hours=10)
    service_request = report(category="flood", received_at=received)

    service_request_set_priority(
        service_request=service_request, user=engineer, priority="urgent", comment="น้ำขึ้นเร็ว"
    )

    service_request.refresh_from_db()
    assert service_request.due_at == received + timedelta(hours=DEFAULT_SLA_HOURS[("flood", "urgent")])
    assert service_request.is_overdue()
    event = service_request.events.get(kind="priority")
    assert (event.from_value, event.to_value, event.actor) == ("normal", "urgent", engineer)


def test_missing_description_and_bad_location_are_refused(in_kantang):
    with pytest.raises(ValidationError) as excinfo:
        report(description="   ")
    assert "description" in excinfo.value.message_dict

    with pytest.raises(ValidationError) as excinfo:
        report(location="POINT (7.41 99.519)")
    with translation.override("en"):
        assert "swapped" in " ".join(excinfo.value.message_dict["location"])
    assert not ServiceRequest.objects.filter(description="มีปัญหา", location__isnull=True).exists()


def test_a_bad_photo_refuses_the_report(in_kantang, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = ServiceRequest.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        report(photo=SimpleUploadedFile("x.jpg", b"text"))

    assert "photo" in excinfo.value.message_dict
    assert ServiceRequest.objects.count() == before
    assert report(photo=png_upload()).photo.name.startswith("requests/")


def _move_to(service_request: ServiceRequest, status: str, user) -> None:
    ServiceRequest.objects.filter(pk=service_request.pk).update(status=status, assignee=user)
    service_request.refresh_from_db()


@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
def test_every_legal_transition_works_and_is_written(in_kantang, engineer, from_status, to_status):
    original = report()
    service_request = report()
    _move_to(service_request, from_status, engineer)

    service_request_transition(
        service_request=service_request, user=engineer, to_status=to_status, comment="เหตุผล",
        duplicate_of=original,
    )

    service_request.refresh_from_db()
    assert service_request.status == to_status
    event = service_request.events.filter(kind="status").last()
    assert (event.from_value, event.to_value, event.actor, event.comment) == (
        from_status, to_status, engineer, "เหตุผล",
    )
    if to_status == "resolved":
        assert service_request.resolved_at is not None
    if to_status == "closed":
        assert service_request.closed_at is not None
    if to_status == "duplicate":
        assert service_request.duplicate_of == original
    if to_status == "received":
        assert service_request.assignee is None


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_every_illegal_transition_is_refused_naming_both_states(in_kantang, engineer, from_status, to_status):
    service_request = report()
    _move_to(service_request, from_status, engineer)

    with pytest.raises(ValidationError) as excinfo:
        service_request_transition(
            service_request=service_request, user=engineer, to_status=to_status, comment="x",
            duplicate_of=report(),
        )

    with translation.override("en"):
        labels = (str(RequestStatus(from_status).label), str(RequestStatus(to_status).label))
    assert f"“{labels[0]}”" in excinfo.value.messages[0]
    assert f"“{labels[1]}”" in excinfo.value.messages[0]
    assert ServiceRequest.objects.get(pk=service_request.pk).status == from_status
    assert not service_request.events.filter(kind="status").exists()


def test_rejecting_needs_a_comment_and_duplicates_need_the_original(in_kantang, engineer):
    service_request = report()

    with pytest.raises(ValidationError) as excinfo:
        service_request_transition(service_request=service_request, user=engineer, to_status="rejected")
    assert "comment" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        service_request_transition(service_request=service_request, user=engineer, to_status="duplicate")
    assert "duplicate_of" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        service_request_transition(
            service_request=service_request, user=engineer, to_status="duplicate",
            duplicate_of=service_request,
        )
    assert ServiceRequest.objects.get(pk=service_request.pk).status == "received"


def test_a_duplicate_points_at_the_first_report(in_kantang, engineer):
    first, second, third = report(), report(), report()
    service_request_transition(
        service_request=second, user=engineer, to_status="duplicate", duplicate_of=first
    )

    service_request_transition(
        service_request=third, user=engineer, to_status="duplicate", duplicate_of=second
    )

    assert third.duplicate_of == first


def test_resolving_then_reopening_clears_resolved_at(in_kantang, engineer):
    service_request = report()
    for status in ("in_progress", "resolved", "in_progress"):
        service_request_transition(service_request=service_request, user=engineer, to_status=status,
                                   comment="เปลี่ยนหลอดไฟแล้ว" if status == "resolved" else "")

    service_request.refresh_from_db()
    assert service_request.resolved_at is None and service_request.is_open


def test_assigning_a_received_request_makes_it_assigned(in_kantang, engineer, municipal_admin, nurse):
    service_request = report()

    service_request_assign(
        service_request=service_request, user=municipal_admin, assignee=engineer, comment="ด่วน"
    )

    service_request.refresh_from_db()
    assert service_request.status == "assigned" and service_request.assignee == engineer
    assert kinds(service_request) == ["created", "assigned", "status"]
    assert service_request.events.get(kind="assigned").to_value == "engineer"
    assert service_request in service_requests_for(engineer, queue="mine")
    with pytest.raises(ValidationError):
        service_request_assign(service_request=service_request, user=municipal_admin, assignee=nurse)


def test_comments_and_asset_links_are_written(in_kantang, engineer):
    service_request = report()
    asset = asset_create(user=engineer, data={
        "code": "BIN-T-1", "asset_type": "waste_bin", "name": "ถัง", "geometry": point(500, 500),
    })

    service_request_comment(service_request=service_request, user=engineer, comment="ออกตรวจแล้ว")
    service_request_link_asset(service_request=service_request, user=engineer, asset=asset)
    with pytest.raises(ValidationError):
        service_request_comment(service_request=service_request, user=engineer, comment="  ")

    assert kinds(service_request) == ["created", "comment", "asset_linked"]
    assert service_request.events.get(kind="asset_linked").to_value == "BIN-T-1"


def test_the_nearest_matching_asset_within_50_m_is_linked(in_kantang, engineer):
    asset_create(user=engineer, data={
        "code": "SL-NEAR", "asset_type": "streetlight", "name": "ใกล้", "geometry": point(40, 0),
    })
    asset_create(user=engineer, data={
        "code": "SL-CLOSER", "asset_type": "streetlight", "name": "ใกล้กว่า", "geometry": point(0, 25),
    })
    asset_create(user=engineer, data={
        "code": "BIN-NEXT", "asset_type": "waste_bin", "name": "ไม่ใช่ไฟ", "geometry": point(1, 1),
    })

    service_request = report(category="lighting")

    assert service_request.asset.code == "SL-CLOSER"
    event = service_request.events.get(kind="asset_linked")
    assert event.actor is None and event.to_value == "SL-CLOSER"


def test_no_asset_is_linked_beyond_50_m(in_kantang, engineer):
    asset_create(user=engineer, data={
        "code": "SL-FAR", "asset_type": "streetlight", "name": "ไกล", "geometry": point(60, 0),
    })

    assert report(category="lighting").asset is None
    assert nearest_asset(point(0, 0), "lighting", within_m=70).code == "SL-FAR"
    assert nearest_asset(point(0, 0), "other", within_m=70) is None


def test_a_line_asset_counts_by_its_nearest_part(in_kantang, engineer):
    asset_create(user=engineer, data={
        "code": "DR-T-1", "asset_type": "drain", "name": "ท่อ", "geometry": line((-500, 30), (500, 30)),
    })

    assert report(category="flood").asset.code == "DR-T-1"


def test_queues(in_kantang, engineer, executive, nurse):
    mine = report()
    service_request_assign(service_request=mine, user=engineer, assignee=engineer)
    late = report(received_at=timezone.now() - timedelta(days=60))
    done = report()
    service_request_transition(service_request=done, user=engineer, to_status="rejected", comment="นอกเขต")

    assert mine in service_requests_for(engineer, queue="mine")
    overdue = service_requests_for(executive, queue="overdue")
    assert late in overdue and mine not in overdue
    open_queue = service_requests_for(engineer, queue="open")
    assert done not in open_queue and late in open_queue
    assert done in service_requests_for(engineer, queue="all", status="rejected")
    assert list(service_requests_for(engineer, q=mine.tracking_code)) == [mine]
    with pytest.raises(PermissionDenied):
        service_requests_for(nurse)


def test_events_are_ordered_by_time(in_kantang, engineer):
    service_request = report()
    service_request_transition(service_request=service_request, user=engineer, to_status="in_progress")
    service_request_transition(service_request=service_request, user=engineer, to_status="resolved",
                               comment="ซ่อมแล้ว")
    service_request_transition(service_request=service_request, user=engineer, to_status="closed")

    events = ServiceRequestEvent.objects.filter(request=service_request)
    assert list(events.values_list("to_value", flat=True)) == [
        "received", "in_progress", "resolved", "closed",
    ]
