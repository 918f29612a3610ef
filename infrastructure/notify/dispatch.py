"""Queue one notification per recipient for a public change, and deliver one (the Celery task).

Recipients are the reporter (by the channel chosen when reporting) and every follower, minus
those who opted out. The address is read from the request or follower at sending time and goes
only to that channel's backend: it is never stored on the delivery, logged or put in a task."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_tenant_model

from kernel.thaidate import thai_date

from ..models import (
    NotificationDelivery,
    NotifyChannel,
    RequestCategory,
    RequestFollower,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
)
from .base import Notice, NotifyError
from .registry import BackendMissing, backend_for
from .tokens import opt_out_token

logger = logging.getLogger(__name__)
Kind = ServiceRequestEvent.Kind


def reporter_address(service_request: ServiceRequest) -> str:
    return {
        NotifyChannel.EMAIL: service_request.reporter_email,
        NotifyChannel.SMS: service_request.reporter_phone,
        NotifyChannel.LINE: service_request.reporter_line_user_id,
    }.get(service_request.notify_channel, "")


def _absolute(path: str) -> str:
    """A link on the municipality's own host (tasks and schema_context know only the schema)."""
    tenant = get_tenant_model().objects.filter(schema_name=connection.schema_name).first()
    domain = tenant.get_primary_domain() if tenant is not None else None
    host = domain.domain if domain is not None else settings.PLATFORM_DOMAIN
    return f"{getattr(settings, 'NOTIFY_LINK_SCHEME', 'https')}://{host}{path}"


def _subject(service_request: ServiceRequest, event: ServiceRequestEvent) -> str:
    code = service_request.tracking_code
    if event.kind == Kind.STATUS:
        return _("Report %(code)s: %(status)s") % {
            "code": code,
            "status": RequestStatus.display(event.to_value),
        }
    if event.kind == Kind.REOPENED:
        return _("Report %(code)s was reopened") % {"code": code}
    return _("Report %(code)s: an update from the municipality") % {"code": code}


def notice_for(
    service_request: ServiceRequest, event: ServiceRequestEvent, follower_id: int | None
) -> Notice:
    # Thai: the citizens' language here; the report page itself follows each reader's choice.
    with translation.override("th"):
        lines = [
            _("%(category)s reported on %(date)s")
            % {
                "category": RequestCategory.display(service_request.category),
                "date": thai_date(service_request.received_at),
            }
        ]
        if event.public and event.comment:
            lines.append(event.comment)
        if service_request.is_open:
            lines.append(_("Expected to be fixed by %(date)s") % {"date": thai_date(service_request.due_at)})
        status_path = reverse("report:status", kwargs={"code": service_request.tracking_code})
        opt_out_path = reverse(
            "report:opt-out",
            kwargs={"token": opt_out_token(request_id=service_request.pk, follower_id=follower_id)},
        )
        return Notice(
            request_id=service_request.pk,
            tracking_code=service_request.tracking_code,
            subject=_subject(service_request, event),
            body="\n".join(lines),
            status_url=_absolute(status_path),
            opt_out_url=_absolute(opt_out_path),
        )


def notification_queue(
    *, service_request: ServiceRequest, event: ServiceRequestEvent
) -> list[NotificationDelivery]:
    """One delivery per recipient of this public change, sent by Celery once the change is
    committed (a rolled-back change notifies nobody)."""
    deliveries = []
    with translation.override("th"):
        subject = _subject(service_request, event)
    if (
        service_request.notify_channel
        and service_request.notify_opted_out_at is None
        and reporter_address(service_request)
    ):
        deliveries.append(
            NotificationDelivery(
                request=service_request, event=event, channel=service_request.notify_channel, subject=subject
            )
        )
    for follower in RequestFollower.objects.filter(request=service_request, opted_out_at__isnull=True):
        deliveries.append(
            NotificationDelivery(
                request=service_request,
                event=event,
                follower=follower,
                channel=follower.channel,
                subject=subject,
            )
        )
    NotificationDelivery.objects.bulk_create(deliveries)
    if deliveries:
        from ..tasks import notification_deliver_task  # the task module imports services

        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: [notification_deliver_task.delay(pk) for pk in ids])
    return deliveries


def _address(delivery: NotificationDelivery) -> str:
    if delivery.follower_id is not None:
        follower = delivery.follower
        return "" if follower is None or follower.opted_out_at else follower.address
    request = delivery.request
    if request.notify_opted_out_at or request.notify_channel != delivery.channel:
        return ""
    return reporter_address(request)


def notification_deliver(*, delivery_id: int, final_attempt: bool = True) -> str:
    """Send one queued delivery. Raises NotifyError (for the task to retry) unless this is the
    final attempt; every other outcome is written on the delivery for staff to see."""
    delivery = (
        NotificationDelivery.objects.select_related("request", "follower", "event")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.state == NotificationDelivery.State.SENT:
        return "gone"
    delivery.attempts += 1
    address = _address(delivery)
    if not address:
        delivery.state, delivery.last_error = (
            NotificationDelivery.State.FAILED,
            NotificationDelivery.NO_ADDRESS,
        )
        delivery.save(update_fields=["attempts", "state", "last_error"])
        return delivery.state
    event = delivery.event or ServiceRequestEvent(request=delivery.request, kind=Kind.COMMENT)
    notice = notice_for(delivery.request, event, delivery.follower_id)
    try:
        backend_for(delivery.channel).send(notice=notice, address=address)
    except NotifyError as error:
        delivery.last_error = str(error)[:500]
        delivery.state = (
            NotificationDelivery.State.FAILED if final_attempt else NotificationDelivery.State.QUEUED
        )
        delivery.save(update_fields=["attempts", "state", "last_error"])
        if not final_attempt:
            raise
        return delivery.state
    except BackendMissing as error:
        delivery.state, delivery.last_error = NotificationDelivery.State.FAILED, str(error)[:500]
        delivery.save(update_fields=["attempts", "state", "last_error"])
        return delivery.state
    except Exception as error:  # a refusal or a bug in a backend: recorded, not retried
        logger.exception("notification %s failed", delivery.pk)
        delivery.state = NotificationDelivery.State.FAILED
        delivery.last_error = f"{error.__class__.__name__}: {error}"[:500]
        delivery.save(update_fields=["attempts", "state", "last_error"])
        return delivery.state
    delivery.state, delivery.sent_at, delivery.last_error = (
        NotificationDelivery.State.SENT,
        timezone.now(),
        "",
    )
    delivery.save(update_fields=["attempts", "state", "sent_at", "last_error"])
    return delivery.state
