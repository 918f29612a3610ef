"""What the citizen does after reporting (with the tracking code, no login): confirm the fix,
say it is not fixed, rate the work, follow someone else's report, stop notifications."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    NotifyChannel,
    RequestFollower,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
)
from ..notify.dispatch import notification_queue
from ..notify.tokens import opt_out_read

Kind = ServiceRequestEvent.Kind
# The same phone shape as the report form accepts.
PHONE_DIGITS = (9, 15)


def reopen_window() -> timedelta:
    return timedelta(days=getattr(settings, "REQUEST_REOPEN_DAYS", 14))


def citizen_can_reopen(service_request: ServiceRequest, now=None) -> bool:
    """Once per request, while resolved, within the window after the resolution."""
    return (
        service_request.status == RequestStatus.RESOLVED
        and service_request.reopen_count == 0
        and service_request.resolved_at is not None
        and (now or timezone.now()) <= service_request.resolved_at + reopen_window()
    )


def _locked(service_request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=service_request.pk)


@transaction.atomic
def service_request_citizen_reopen(*, service_request: ServiceRequest, reason: str) -> ServiceRequest:
    """ "Not fixed yet" (ยังไม่ได้แก้): back in progress with the reason, for the same team."""
    service_request = _locked(service_request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the team what is still wrong.")})
    if not citizen_can_reopen(service_request):
        raise ValidationError(
            _("This report can no longer be reopened here; please report it again."), code="reopen_closed"
        )
    from_status = service_request.status
    service_request.status = RequestStatus.IN_PROGRESS
    service_request.resolved_at = None
    service_request.reopen_count += 1
    service_request.save()
    ServiceRequestEvent.objects.create(
        request=service_request, kind=Kind.STATUS, from_value=from_status, to_value=service_request.status
    )
    event = ServiceRequestEvent.objects.create(
        request=service_request, kind=Kind.REOPENED, comment=reason, public=True
    )
    notification_queue(service_request=service_request, event=event)
    return service_request


@transaction.atomic
def service_request_citizen_confirm(*, service_request: ServiceRequest) -> ServiceRequest:
    """ "Fixed, thank you" (แก้ไขแล้ว ขอบคุณ): the citizen closes the resolved request."""
    service_request = _locked(service_request)
    if service_request.status != RequestStatus.RESOLVED:
        raise ValidationError(_("Only a report the team marked fixed can be confirmed."), code="not_resolved")
    now = timezone.now()
    service_request.status = RequestStatus.CLOSED
    service_request.closed_at = now
    service_request.citizen_confirmed_at = now
    service_request.save()
    ServiceRequestEvent.objects.create(request=service_request, kind=Kind.CONFIRMED)
    event = ServiceRequestEvent.objects.create(
        request=service_request,
        kind=Kind.STATUS,
        from_value=RequestStatus.RESOLVED,
        to_value=RequestStatus.CLOSED,
    )
    notification_queue(service_request=service_request, event=event)
    return service_request


@transaction.atomic
def service_request_rate(*, service_request: ServiceRequest, score: int) -> ServiceRequest:
    """A 1–5 satisfaction score once the team says it is fixed; a second one replaces the first."""
    service_request = _locked(service_request)
    if service_request.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED):
        raise ValidationError(
            _("You can rate the work once the team has fixed the problem."), code="not_resolved"
        )
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    previous = service_request.satisfaction
    service_request.satisfaction = score
    service_request.save(update_fields=["satisfaction"])
    ServiceRequestEvent.objects.create(
        request=service_request, kind=Kind.RATED, from_value=previous or "", to_value=score
    )
    return service_request


def _clean_address(channel: str, address: str) -> str:
    address = (address or "").strip()
    if channel == NotifyChannel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {"address": _("Enter a valid e-mail address, e.g. name@example.com.")}
            ) from None
        return address.lower()
    if channel == NotifyChannel.SMS:
        digits = "".join(ch for ch in address if ch.isdigit())
        if not PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
            raise ValidationError({"address": _("Enter a phone number of digits only, e.g. 081 234 5678.")})
        return ("+" if address.startswith("+") else "") + digits
    if channel == NotifyChannel.LINE and address:
        return address
    raise ValidationError({"channel": _("Choose how you want to hear about it.")})


@transaction.atomic
def service_request_follow(*, service_request: ServiceRequest, channel: str, address: str) -> RequestFollower:
    """ "This is my problem too": the citizen hears about this open request instead of filing
    the same problem again. Following twice with the same address changes nothing."""
    service_request = _locked(service_request)
    if not service_request.is_open:
        raise ValidationError(
            _("This report is finished; report the problem again if it is back."), code="not_open"
        )
    address = _clean_address(channel, address)
    existing = RequestFollower.objects.filter(
        request=service_request, channel=channel, address=address
    ).first()
    if existing is not None:
        if existing.opted_out_at is not None:
            existing.opted_out_at = None
            existing.save(update_fields=["opted_out_at"])
        return existing
    try:
        with transaction.atomic():
            follower = RequestFollower.objects.create(
                request=service_request, channel=channel, address=address
            )
    except IntegrityError:
        return RequestFollower.objects.get(request=service_request, channel=channel, address=address)
    ServiceRequestEvent.objects.create(request=service_request, kind=Kind.FOLLOWED)
    return follower


@transaction.atomic
def notification_opt_out(*, token: str) -> ServiceRequest | None:
    """Stop messages to whoever the signed token names; None for a forged or stale token."""
    read = opt_out_read(token)
    if read is None:
        return None
    request_id, follower_id = read
    service_request = ServiceRequest.objects.filter(pk=request_id).first()
    if service_request is None:
        return None
    now = timezone.now()
    if follower_id is None:
        ServiceRequest.objects.filter(pk=request_id, notify_opted_out_at__isnull=True).update(
            notify_opted_out_at=now
        )
    else:
        RequestFollower.objects.filter(
            pk=follower_id, request_id=request_id, opted_out_at__isnull=True
        ).update(opted_out_at=now)
    return service_request
