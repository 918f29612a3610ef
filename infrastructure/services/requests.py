"""The service-request workflow: every change is written to the request's timeline."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual

from ..models import (
    Asset,
    Channel,
    Priority,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    SlaRule,
    sla_due_at,
    tracking_code_generate,
)
from ..selectors import nearest_asset
from ..validators import parse_geometry, validate_photo, validate_point

Kind = ServiceRequestEvent.Kind
REQUEST_FIELDS = frozenset({
    "category", "description", "location", "address_text", "reporter_name", "reporter_phone",
    "reporter_email", "priority", "asset", "received_at",
})


def _event(request: ServiceRequest, user, kind: str, *, from_value="", to_value="", comment="") -> None:
    ServiceRequestEvent.objects.create(
        request=request, actor=user, kind=kind, from_value=str(from_value or ""),
        to_value=str(to_value or ""), comment=comment,
    )


def _lock(request: ServiceRequest) -> None:
    """Reload the request under a row lock, so two clerks cannot both move it."""
    request.refresh_from_db(from_queryset=ServiceRequest.objects.select_for_update())


def _username(user) -> str:
    return user.get_username() if user is not None else ""


def _require_open(request: ServiceRequest) -> None:
    if not request.is_open:
        raise ValidationError(
            _("This request is %(status)s; reopen it first."),
            params={"status": request.get_status_display()}, code="not_open",
        )


@transaction.atomic
def service_request_create(
    *, data: dict, user=None, channel: str, photo=None, link_nearest: bool = True
) -> ServiceRequest:
    """A new request from cleaned `data` (keys: REQUEST_FIELDS; `location` a Point, WKT or
    GeoJSON; `received_at` only for back-dated entries). The due time comes from the SLA; when
    no `asset` is given, the nearest matching asset within 50 m is linked unless staff said
    there is none (`link_nearest=False`)."""
    unknown = set(data) - REQUEST_FIELDS
    if unknown:
        raise TypeError(f"unknown service request fields: {sorted(unknown)}")
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    location = fields.pop("location", None)
    if location is None or location == "":
        raise ValidationError({"location": _("The location is empty: pick it on the map.")})
    try:
        location = parse_geometry(location)
        validate_point(location)
    except ValidationError as error:
        raise ValidationError({"location": error.error_list}) from None
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    request = ServiceRequest(location=location, channel=channel, created_by=user, **fields)
    if not request.received_at:
        request.received_at = timezone.now()
    if not request.priority:
        request.priority = Priority.NORMAL
    if request.category and request.priority:
        try:
            request.due_at = sla_due_at(request.received_at, request.category, request.priority)
        except KeyError:
            pass  # unknown category or priority: full_clean names it
    if photo is not None:
        try:
            validate_photo(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.error_list}) from None
        request.photo = photo
    # Without a due time the category or priority was wrong: let full_clean name that instead.
    request.full_clean(exclude=["photo", "tracking_code"] + ([] if request.due_at else ["due_at"]))
    if request.asset is None and link_nearest:
        request.asset = nearest_asset(location, request.category)
        auto_actor = None  # linked by the system
    else:
        auto_actor = user
    for attempt in range(5):
        try:
            with transaction.atomic():
                request.save()
            break
        except IntegrityError:
            # 40 random bits make a clash very rare; draw again rather than fail the citizen.
            clash = ServiceRequest.objects.filter(tracking_code=request.tracking_code).exists()
            if attempt == 4 or not clash:
                raise
            request.tracking_code = tracking_code_generate()
    _event(request, user, Kind.CREATED, to_value=request.status)
    if request.asset is not None:
        _event(request, auto_actor, Kind.ASSET_LINKED, to_value=request.asset.code)
    return request


@transaction.atomic
def service_request_transition(
    *, request: ServiceRequest, user, to_status: str, comment: str = "",
    duplicate_of: ServiceRequest | None = None,
) -> ServiceRequest:
    """Move the request along TRANSITIONS. Rejecting needs a comment; marking a duplicate needs
    the original request."""
    _lock(request)
    comment = (comment or "").strip()
    from_status = request.status
    if to_status not in RequestStatus.values or not request.can_transition_to(to_status):
        raise ValidationError(bilingual(
            _("A request cannot move from “%(from)s” to “%(to)s”."),
            {
                "from": RequestStatus(from_status).label,
                "to": RequestStatus(to_status).label if to_status in RequestStatus.values else to_status,
            },
        ), code="transition")
    if to_status == RequestStatus.REJECTED and not comment:
        raise ValidationError({"comment": _("Say why the request is rejected: the citizen sees it.")})
    if to_status == RequestStatus.DUPLICATE:
        original = duplicate_of
        while original is not None and original.duplicate_of_id is not None:
            original = original.duplicate_of  # point at the first report, not at another copy
        if original is None:
            raise ValidationError({"duplicate_of": _("Choose the request this one duplicates.")})
        if original.pk == request.pk:
            raise ValidationError({"duplicate_of": _("A request cannot duplicate itself.")})
        request.duplicate_of = original

    now = timezone.now()
    previous_assignee = request.assignee
    if to_status == RequestStatus.RESOLVED:
        request.resolved_at = now
    elif from_status == RequestStatus.RESOLVED and to_status == RequestStatus.IN_PROGRESS:
        request.resolved_at = None  # reopened: it is not resolved any more
    if to_status in (RequestStatus.CLOSED, RequestStatus.REJECTED, RequestStatus.DUPLICATE):
        request.closed_at = now
    elif from_status == RequestStatus.REJECTED:
        request.closed_at = None
    if to_status == RequestStatus.RECEIVED:
        request.assignee = None  # back in the shared queue
    request.status = to_status
    request.save()
    _event(request, user, Kind.STATUS, from_value=from_status, to_value=to_status, comment=comment)
    if previous_assignee is not None and request.assignee is None:
        _event(request, user, Kind.ASSIGNED, from_value=_username(previous_assignee))
    return request


@transaction.atomic
def service_request_assign(*, request: ServiceRequest, user, assignee, comment: str = "") -> ServiceRequest:
    """Give the request to `assignee` (who must be able to work on requests); a received
    request becomes assigned."""
    _lock(request)
    _require_open(request)
    if assignee is None or not assignee.is_active or not assignee.has_perm(
        "infrastructure.change_servicerequest"
    ):
        raise ValidationError({"assignee": _("This person cannot work on service requests.")})
    comment = (comment or "").strip()
    if request.assignee_id == assignee.pk:
        if comment:
            _event(request, user, Kind.COMMENT, comment=comment)
        return request
    previous = request.assignee
    request.assignee = assignee
    from_status = request.status
    if from_status == RequestStatus.RECEIVED:
        request.status = RequestStatus.ASSIGNED
    request.save()
    _event(request, user, Kind.ASSIGNED, from_value=_username(previous), to_value=_username(assignee),
           comment=comment)
    if request.status != from_status:
        _event(request, user, Kind.STATUS, from_value=from_status, to_value=request.status)
    return request


@transaction.atomic
def service_request_set_priority(
    *, request: ServiceRequest, user, priority: str, comment: str = ""
) -> ServiceRequest:
    """Change the priority; the due time is recomputed from when the request was received."""
    _lock(request)
    _require_open(request)
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority from the list.")})
    if priority == request.priority:
        return request
    previous = request.priority
    request.priority = priority
    request.due_at = sla_due_at(request.received_at, request.category, priority)
    request.save()
    _event(request, user, Kind.PRIORITY, from_value=previous, to_value=priority,
           comment=(comment or "").strip())
    return request


@transaction.atomic
def service_request_comment(*, request: ServiceRequest, user, comment: str) -> ServiceRequestEvent:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write a comment.")})
    _event(request, user, Kind.COMMENT, comment=comment)
    ServiceRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now())
    return request.events.order_by("-at", "-id").first()


@transaction.atomic
def service_request_link_asset(
    *, request: ServiceRequest, user, asset: Asset | None, comment: str = ""
) -> ServiceRequest:
    """Link the request to `asset` (None unlinks)."""
    _lock(request)
    previous = request.asset
    if (previous and previous.pk) == (asset and asset.pk):
        return request
    request.asset = asset
    request.save()
    _event(request, user, Kind.ASSET_LINKED, from_value=previous.code if previous else "",
           to_value=asset.code if asset else "", comment=(comment or "").strip())
    return request


@transaction.atomic
def sla_rule_set(*, user, category: str, priority: str, hours: int) -> SlaRule:
    """Store the municipality's target for the pair. Requests already received keep their due
    time; only new requests and priority changes use the new target."""
    if user is None or not user.has_perm("infrastructure.manage_sla"):
        raise PermissionDenied
    rule = SlaRule.objects.select_for_update().filter(category=category, priority=priority).first()
    rule = rule or SlaRule(category=category, priority=priority)
    rule.hours = hours
    rule.full_clean(validate_unique=False)
    rule.save()
    return rule


# The citizens' report page promises that contact details go at most a year after the request
# is closed (PDPA: personal data kept no longer than its purpose needs).
REPORTER_CONTACT_RETENTION_DAYS = 365


@transaction.atomic
def service_request_contacts_purge(*, now=None, retention_days: int = REPORTER_CONTACT_RETENTION_DAYS) -> int:
    """Erase the reporter's name, phone and e-mail from requests closed (closed, rejected or
    duplicate) more than `retention_days` ago; returns how many requests were cleared."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days)
    stale = ServiceRequest.objects.filter(closed_at__lt=cutoff).exclude(
        reporter_name="", reporter_phone="", reporter_email=""
    )
    return stale.update(reporter_name="", reporter_phone="", reporter_email="")
