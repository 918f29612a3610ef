"""The service-request workflow: every change is written to the request's timeline."""

from datetime import timedelta

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.assign import community_settle
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
from ..notify.dispatch import notification_queue, reporter_address
from ..selectors import nearest_asset
from ..system_notes import PHOTO_ADDED, PHOTO_ADDED_TO_ASSET, REPAIRED_BY_REQUEST, REQUEST_PHOTO_CAPTION
from ..validators import parse_geometry, validate_point
from .assets import asset_photo_add, asset_update
from .photos import photo_reencode

Kind = ServiceRequestEvent.Kind
REQUEST_FIELDS = frozenset({
    "category", "description", "location", "address_text", "reporter_name", "reporter_phone",
    "reporter_email", "priority", "asset", "received_at", "notify_channel", "reporter_line_user_id",
    "community",
})


def _event(
    service_request: ServiceRequest, user, kind: str, *, from_value="", to_value="", comment="",
    public: bool = False,
) -> ServiceRequestEvent:
    return ServiceRequestEvent.objects.create(
        request=service_request, actor=user, kind=kind, from_value=str(from_value or ""),
        to_value=str(to_value or ""), comment=comment, public=public,
    )


NO_ADDRESS = {
    "email": _("Give your e-mail address to hear about this report by e-mail."),
    "sms": _("Give your phone number to hear about this report by SMS."),
    "line": _("Reports by LINE need the LINE account to send news to."),
}

# Staff write these statuses' comments for the citizen: the reason of a rejection, the note on
# a repair. Every status change is news for the reporter; other comments stay internal.
PUBLIC_NOTE_STATUSES = frozenset({RequestStatus.RESOLVED, RequestStatus.REJECTED})


def _lock(service_request: ServiceRequest) -> None:
    """Reload the request under a row lock, so two clerks cannot both move it."""
    service_request.refresh_from_db(from_queryset=ServiceRequest.objects.select_for_update())


def _username(user) -> str:
    return user.get_username() if user is not None else ""


def _require_open(service_request: ServiceRequest) -> None:
    if not service_request.is_open:
        raise ValidationError(
            _("This request is %(status)s; reopen it first."),
            params={"status": service_request.get_status_display()}, code="not_open",
        )


def _point(location) -> Point | None:
    """The reported point from a Point, WKT or GeoJSON; None for no pin (empty)."""
    if location is None or location == "":
        return None
    try:
        location = parse_geometry(location)
        validate_point(location)
    except ValidationError as error:
        raise ValidationError({"location": error.error_list}) from None
    assert isinstance(location, Point)  # validate_point refused every other shape
    return location


@transaction.atomic
def service_request_create(
    *, data: dict, user=None, channel: str, photo=None, link_nearest: bool = True
) -> ServiceRequest:
    """A new request from cleaned `data` (keys: REQUEST_FIELDS; `location` a Point, WKT or
    GeoJSON, or None when the reporter gave the place only in words, `address_text`;
    `received_at` only for back-dated entries). The due time comes from the SLA; when no `asset`
    is given, the nearest matching asset within 50 m of the pin is linked unless staff said there
    is none (`link_nearest=False`)."""
    unknown = set(data) - REQUEST_FIELDS
    if unknown:
        raise TypeError(f"unknown service request fields: {sorted(unknown)}")
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    location = _point(fields.pop("location", None))
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    chosen = fields.pop("community", None)
    service_request = ServiceRequest(location=location, channel=channel, created_by=user, **fields)
    # The request's own community (no longer the nearest asset's): the boundary covering the pin,
    # else the one the reporter or staff chose from the register.
    community_settle(service_request, location=location, chosen=chosen)
    if not service_request.received_at:
        service_request.received_at = timezone.now()
    if not service_request.priority:
        service_request.priority = Priority.NORMAL
    if service_request.category and service_request.priority:
        try:
            service_request.due_at = sla_due_at(
                service_request.received_at, service_request.category, service_request.priority
            )
        except KeyError:
            pass  # unknown category or priority: full_clean names it
    if photo is not None:
        try:
            # Stored re-encoded under a random name: no EXIF/GPS, no name of the sender's choosing.
            service_request.photo = photo_reencode(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.error_list}) from None
    if service_request.notify_channel and not reporter_address(service_request):
        raise ValidationError({"notify_channel": NO_ADDRESS[service_request.notify_channel]})
    # Without a due time the category or priority was wrong: let full_clean name that instead.
    service_request.full_clean(
        exclude=["photo", "tracking_code"] + ([] if service_request.due_at else ["due_at"])
    )
    if service_request.asset is None and link_nearest and location is not None:
        service_request.asset = nearest_asset(location, service_request.category)
        auto_actor = None  # linked by the system
    else:
        auto_actor = user
    for attempt in range(5):
        try:
            with transaction.atomic():
                service_request.save()
            break
        except IntegrityError:
            # 40 random bits make a clash very rare; draw again rather than fail the citizen.
            clash = ServiceRequest.objects.filter(tracking_code=service_request.tracking_code).exists()
            if attempt == 4 or not clash:
                raise
            service_request.tracking_code = tracking_code_generate()
    _event(service_request, user, Kind.CREATED, to_value=service_request.status)
    if service_request.asset is not None:
        _event(service_request, auto_actor, Kind.ASSET_LINKED, to_value=service_request.asset.code)
    return service_request


@transaction.atomic
def service_request_transition(
    *, service_request: ServiceRequest, user, to_status: str, comment: str = "",
    duplicate_of: ServiceRequest | None = None, after_photo=None, asset_condition: str = "",
) -> ServiceRequest:
    """Move the request along TRANSITIONS. Rejecting and resolving need a comment, which the
    citizen reads; resolving may add the photo after the repair and set the linked asset's
    condition (`asset_condition`, recorded in its history). Marking a duplicate needs the
    original request. The reporter and followers are told (after commit)."""
    _lock(service_request)
    comment = (comment or "").strip()
    from_status = service_request.status
    if to_status not in RequestStatus.values or not service_request.can_transition_to(to_status):
        raise ValidationError(bilingual(
            _("A request cannot move from “%(from)s” to “%(to)s”."),
            {
                "from": RequestStatus(from_status).label,
                "to": RequestStatus(to_status).label if to_status in RequestStatus.values else to_status,
            },
        ), code="transition")
    if to_status == RequestStatus.REJECTED and not comment:
        raise ValidationError({"comment": _("Say why the request is rejected: the citizen sees it.")})
    if to_status == RequestStatus.RESOLVED and not comment:
        raise ValidationError({"comment": _("Say what was done: the citizen reads this note.")})
    if (after_photo is not None or asset_condition) and to_status != RequestStatus.RESOLVED:
        raise ValidationError(_("A photo after the repair and the asset's condition go with resolving."))
    if asset_condition and service_request.asset is None:
        raise ValidationError({"asset_condition": _("This request has no linked asset.")})
    if after_photo is not None:
        try:
            service_request.after_photo = photo_reencode(after_photo)
        except ValidationError as error:
            raise ValidationError({"after_photo": error.error_list}) from None
    if to_status == RequestStatus.DUPLICATE:
        original = duplicate_of
        while original is not None and original.duplicate_of_id is not None:
            original = original.duplicate_of  # point at the first report, not at another copy
        if original is None:
            raise ValidationError({"duplicate_of": _("Choose the request this one duplicates.")})
        if original.pk == service_request.pk:
            raise ValidationError({"duplicate_of": _("A request cannot duplicate itself.")})
        service_request.duplicate_of = original

    now = timezone.now()
    previous_assignee = service_request.assignee
    if to_status == RequestStatus.RESOLVED:
        service_request.resolved_at = now
    elif from_status == RequestStatus.RESOLVED and to_status == RequestStatus.IN_PROGRESS:
        service_request.resolved_at = None  # reopened: it is not resolved any more
    if to_status in (RequestStatus.CLOSED, RequestStatus.REJECTED, RequestStatus.DUPLICATE):
        service_request.closed_at = now
    elif from_status == RequestStatus.REJECTED:
        service_request.closed_at = None
    if to_status == RequestStatus.RECEIVED:
        service_request.assignee = None  # back in the shared queue
    service_request.status = to_status
    service_request.save()
    event = _event(service_request, user, Kind.STATUS, from_value=from_status, to_value=to_status,
                   comment=comment, public=to_status in PUBLIC_NOTE_STATUSES)
    if previous_assignee is not None and service_request.assignee is None:
        _event(service_request, user, Kind.ASSIGNED, from_value=_username(previous_assignee))
    if asset_condition and service_request.asset is not None:
        asset_update(asset=service_request.asset, user=user, data={"condition": asset_condition},
                     note=bilingual(REPAIRED_BY_REQUEST, {"code": service_request.tracking_code}))
    notification_queue(service_request=service_request, event=event)
    return service_request


@transaction.atomic
def service_request_assign(
    *, service_request: ServiceRequest, user, assignee, comment: str = ""
) -> ServiceRequest:
    """Give the request to `assignee` (who must be able to work on requests); a received
    request becomes assigned."""
    _lock(service_request)
    _require_open(service_request)
    if assignee is None or not assignee.is_active or not assignee.has_perm(
        "infrastructure.change_servicerequest"
    ):
        raise ValidationError({"assignee": _("This person cannot work on service requests.")})
    comment = (comment or "").strip()
    if service_request.assignee_id == assignee.pk:
        if comment:
            _event(service_request, user, Kind.COMMENT, comment=comment)
        return service_request
    previous = service_request.assignee
    service_request.assignee = assignee
    from_status = service_request.status
    if from_status == RequestStatus.RECEIVED:
        service_request.status = RequestStatus.ASSIGNED
    service_request.save()
    _event(service_request, user, Kind.ASSIGNED, from_value=_username(previous), to_value=_username(assignee),
           comment=comment)
    if service_request.status != from_status:
        event = _event(service_request, user, Kind.STATUS, from_value=from_status,
                       to_value=service_request.status)
        notification_queue(service_request=service_request, event=event)
    return service_request


@transaction.atomic
def service_request_take(*, service_request: ServiceRequest, user) -> ServiceRequest:
    """"Take this one" (รับงานนี้): the user assigns an open request to themself, written to the
    timeline as any assignment. Refused when a colleague has it: one tap must never take someone
    else's work (handing it over is the Assign form's job). Taking one's own again changes nothing."""
    _lock(service_request)
    _require_open(service_request)
    if service_request.assignee_id == user.pk:
        return service_request
    assignee = service_request.assignee
    if assignee is not None:
        raise ValidationError(
            _("%(name)s has this request already; use “Assign” to hand it over."),
            params={"name": assignee.get_full_name() or assignee.get_username()}, code="taken",
        )
    return service_request_assign(service_request=service_request, user=user, assignee=user)


@transaction.atomic
def service_request_photo_add(
    *, service_request: ServiceRequest, user, image, comment: str = ""
) -> ServiceRequest:
    """A photo taken on site, noted on the timeline. A request without a photo gets it as its
    photo; a request that has one (the reporter's, kept as evidence) adds it to its linked
    asset's photos. A request with a photo and no linked asset has nowhere to keep a second one:
    `photo_can_be_added` says so before the form is offered."""
    _lock(service_request)
    comment = (comment or "").strip()
    if not service_request.photo:
        try:
            service_request.photo = photo_reencode(image)
        except ValidationError as error:
            raise ValidationError({"photo": error.error_list}) from None
        service_request.save(update_fields=["photo", "updated_at"])
        note = bilingual(PHOTO_ADDED)
    elif service_request.asset is not None:
        try:
            asset_photo_add(asset=service_request.asset, user=user, image=image,
                            caption=bilingual(REQUEST_PHOTO_CAPTION, {"code": service_request.tracking_code}))
        except ValidationError as error:
            raise ValidationError({"photo": error.error_list}) from None
        ServiceRequest.objects.filter(pk=service_request.pk).update(updated_at=timezone.now())
        note = bilingual(PHOTO_ADDED_TO_ASSET, {"code": service_request.asset.code})
    else:
        raise ValidationError({"photo": _("This request has a photo already; link an asset to keep more.")})
    _event(service_request, user, Kind.COMMENT, comment=f"{note}\n{comment}" if comment else note)
    return service_request


def photo_can_be_added(service_request: ServiceRequest) -> bool:
    """Whether service_request_photo_add has somewhere to keep a photo of this request."""
    return not service_request.photo or service_request.asset_id is not None


@transaction.atomic
def service_request_set_priority(
    *, service_request: ServiceRequest, user, priority: str, comment: str = ""
) -> ServiceRequest:
    """Change the priority; the due time is recomputed from when the request was received."""
    _lock(service_request)
    _require_open(service_request)
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority from the list.")})
    if priority == service_request.priority:
        return service_request
    previous = service_request.priority
    service_request.priority = priority
    service_request.due_at = sla_due_at(service_request.received_at, service_request.category, priority)
    service_request.save()
    _event(service_request, user, Kind.PRIORITY, from_value=previous, to_value=priority,
           comment=(comment or "").strip())
    return service_request


@transaction.atomic
def service_request_comment(
    *, service_request: ServiceRequest, user, comment: str, public: bool = False
) -> ServiceRequestEvent:
    """A note on the timeline; a public one shows on the status page and is sent to the
    reporter and followers."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write a comment.")})
    event = _event(service_request, user, Kind.COMMENT, comment=comment, public=public)
    ServiceRequest.objects.filter(pk=service_request.pk).update(updated_at=timezone.now())
    if public:
        notification_queue(service_request=service_request, event=event)
    return event


@transaction.atomic
def service_request_link_asset(
    *, service_request: ServiceRequest, user, asset: Asset | None, comment: str = ""
) -> ServiceRequest:
    """Link the request to `asset` (None unlinks)."""
    _lock(service_request)
    previous = service_request.asset
    if (previous and previous.pk) == (asset and asset.pk):
        return service_request
    service_request.asset = asset
    service_request.save()
    _event(service_request, user, Kind.ASSET_LINKED, from_value=previous.code if previous else "",
           to_value=asset.code if asset else "", comment=(comment or "").strip())
    return service_request


def _coordinates(point: Point | None) -> str:
    return f"{point.y:.6f}, {point.x:.6f}" if point is not None else ""


@transaction.atomic
def service_request_set_location(
    *, service_request: ServiceRequest, user, location, comment: str = ""
) -> ServiceRequest:
    """Put the request's pin on the map (or move it): for a request reported in words only,
    staff find the place and pin it. Written to the timeline with the old and new coordinates.
    A first pin on a request nobody has linked or unlinked an asset of links the nearest
    matching asset within 50 m, as a pinned report would have been on arrival."""
    _lock(service_request)
    point = _point(location)
    if point is None:
        raise ValidationError({"location": _("The location is empty: pick it on the map.")})
    previous = service_request.location
    if previous is not None and previous.equals_exact(point, tolerance=1e-7):
        return service_request
    service_request.location = point
    community_settle(service_request, location=point)  # a boundary covering the new pin decides
    asset_decided = service_request.asset_id is not None or service_request.events.filter(
        kind=Kind.ASSET_LINKED).exists()
    linked = None
    if previous is None and not asset_decided:
        linked = nearest_asset(point, service_request.category)
        service_request.asset = linked
    service_request.save()
    _event(service_request, user, Kind.LOCATED, from_value=_coordinates(previous),
           to_value=_coordinates(point), comment=(comment or "").strip())
    if linked is not None:
        _event(service_request, None, Kind.ASSET_LINKED, to_value=linked.code)
    return service_request


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
