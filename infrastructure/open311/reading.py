"""GET services.json, services/<code>.json, requests.json and requests/<id>.json: what anyone
may read (the package docstring says what is public and why)."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..forms.public import CATEGORY_HINTS
from ..models import (
    OPEN_STATUSES,
    STATUS_EXPLANATIONS,
    RequestCategory,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    tracking_code_normalise,
)
from .attributes import service_attributes
from .common import agency_name, iso, param_error

# GET requests.json without dates: the last 90 days; a date range may not span more (spec).
DEFAULT_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000

C = RequestCategory
SERVICE_GROUPS = {
    C.ROAD: _("Roads and footpaths"), C.FOOTPATH: _("Roads and footpaths"),
    C.LIGHTING: _("Lighting and power lines"), C.POWER_LINE: _("Lighting and power lines"),
    C.DRAIN: _("Water and drainage"), C.FLOOD: _("Water and drainage"),
    C.WATER_SUPPLY: _("Water and drainage"),
    C.CLEANLINESS: _("Cleanliness and trees"), C.TREE: _("Cleanliness and trees"),
    C.OTHER: _("Other"),
}
del C


# --- Services ---------------------------------------------------------------------------------


def service_serialise(category: RequestCategory) -> dict:
    with translation.override("en"):
        english = str(category.label)
    thai = RequestCategory.thai_labels().get(category.value, "")
    keywords = list(dict.fromkeys(k for k in (category.value, thai, english.lower()) if k))
    return {
        "service_code": category.value,
        "service_name": RequestCategory.display(category.value),
        "description": str(CATEGORY_HINTS.get(category, "")),
        # True when services/<code>.json lists attributes (extra questions) to answer.
        "metadata": bool(service_attributes(category.value)),
        "type": "realtime",  # a request is created (and has its id) at once
        "keywords": ", ".join(keywords),
        "group": str(SERVICE_GROUPS.get(category, "")),
    }


def services_list() -> list[dict]:
    return [service_serialise(category) for category in RequestCategory]


def service_definition(code: str) -> dict:
    if code not in RequestCategory.values:
        raise param_error(404, "service_code", _("There is no service “%(value)s”."), {"value": code[:50]})
    return {"service_code": code, "attributes": [
        attribute.serialise(order) for order, attribute in enumerate(service_attributes(code), start=1)
    ]}


# The date of the last change to the services or their definitions (Service Discovery's
# `changeset`: clients refresh what they cached when it moves). Change it with them.
SERVICES_CHANGESET = datetime(2026, 12, 5, tzinfo=UTC)


def discovery(*, endpoint_url: str, contact: str, key_service: str) -> dict:
    """Service Discovery (wiki.open311.org/Service_Discovery): this host's one endpoint."""
    changeset = SERVICES_CHANGESET.isoformat().replace("+00:00", "Z")
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": endpoint_url,
            "changeset": changeset,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }


# --- Reading requests -------------------------------------------------------------------------

# W3C-DTF (www.w3.org/TR/NOTE-datetime), as GeoReport v2 asks: a year, a month, a day, or an
# instant (minutes, seconds, a fraction) with its zone; without one, Thai time. A "+" left
# unescaped in a query string arrives as a space, so a space also stands for "+". The OpenAPI
# document (openapi.py) publishes this very pattern: what it calls valid is what is accepted.
_60 = "[0-5][0-9]"
W3C_DATETIME = (
    r"(?P<year>(?:19|2[0-9])[0-9]{2})(-(?P<month>0[1-9]|1[0-2])(-(?P<day>0[1-9]|[12][0-9]|3[01])"
    rf"(T(?P<hour>[01][0-9]|2[0-3]):(?P<minute>{_60})(:(?P<second>{_60})(\.(?P<fraction>[0-9]{{1,6}}))?)?"
    rf"(?P<zone>Z|[+ -](?:[01][0-9]|2[0-3]):{_60})?)?)?)?"
)
_W3C = re.compile(W3C_DATETIME)
# Dates a request can have, with room for the 90-day window on either side (year 1 or 9999 would
# overflow Python's dates when the window is added). A Buddhist-era year (2568) is inside: it
# simply finds nothing, as a date in the future does.
YEARS = range(1900, 3000)


def _zone(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    return dt_timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def parse_w3c(param: str, text: str) -> tuple[datetime, datetime]:
    """(start, end) of what `text` names: an instant (start == end) when it has a time, else the
    whole year, month or day in local time, end exclusive. Naive times are Thai time."""
    bad = param_error(
        400, param,
        _("“%(value)s” is not a date; use ISO 8601, e.g. 2025-01-31 or 2025-01-31T08:00:00+07:00."),
        {"value": text[:50]},
    )
    match = _W3C.fullmatch(text)
    if not match:
        if re.match("[0-9]{4}", text) and int(text[:4]) not in YEARS:
            raise param_error(400, param, _(
                "“%(value)s” is out of range: use a date of the years 1900 to 2999 (Common Era)."
            ), {"value": text[:50]})
        raise bad
    parts = match.groupdict()
    year, month, day = (int(parts[name]) if parts[name] else None for name in ("year", "month", "day"))
    try:
        if parts["hour"] is not None:
            moment = datetime(year, month, day, int(parts["hour"]), int(parts["minute"]),
                              int(parts["second"] or 0), int((parts["fraction"] or "0").ljust(6, "0")),
                              tzinfo=_zone(parts["zone"]))
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return moment, moment
        start = datetime(year, month or 1, day or 1)
        if day:
            end = start + timedelta(days=1)
        elif month:
            end = datetime(year + (month == 12), month % 12 + 1, 1)
        else:
            end = datetime(year + 1, 1, 1)
    except ValueError:  # a day the month has not: 2025-02-30
        raise bad from None
    return timezone.make_aware(start), timezone.make_aware(end)


def _comma_list(value: str | None) -> list[str]:
    """The items of a comma-separated parameter; spaces around them and empty items are ignored
    (the OpenAPI document's patterns say the same)."""
    return [part.strip(" ") for part in (value or "").split(",") if part.strip(" ")]


@dataclass
class RequestQuery:
    codes: list[str] | None = None  # tracking codes: when given, everything else is ignored (spec)
    categories: list[str] = field(default_factory=list)
    open_states: set[str] = field(default_factory=set)  # {"open"}, {"closed"} or both / none
    received_from: datetime | None = None
    received_before: datetime | None = None  # exclusive
    received_until: datetime | None = None  # inclusive (an instant given with its time)


def request_query_parse(params, *, now: datetime | None = None) -> RequestQuery:
    """The GET requests.json parameters, checked: 400 naming the parameter when one is wrong."""
    if params.get("service_request_id", "").strip():
        codes = [tracking_code_normalise(part) for part in _comma_list(params["service_request_id"])]
        return RequestQuery(codes=[code for code in codes if code][:MAX_RESULTS])
    query = RequestQuery()
    for code in _comma_list(params.get("service_code")):
        if code not in RequestCategory.values:
            raise param_error(
                400, "service_code", _("“%(value)s” is not a service_code (GET services.json lists them)."),
                {"value": code[:50]},
            )
        query.categories.append(code)
    for state in _comma_list(params.get("status")):
        if state.lower() not in ("open", "closed"):
            raise param_error(400, "status", _("“%(value)s” is not a status: use open, closed or both."),
                              {"value": state[:50]})
        query.open_states.add(state.lower())
    start_text, end_text = params.get("start_date", ""), params.get("end_date", "")
    start = parse_w3c("start_date", start_text) if start_text else None
    end = parse_w3c("end_date", end_text) if end_text else None
    if start and end:
        if end[0] < start[0]:
            raise param_error(400, "end_date", _("end_date is before start_date."))
        if end[0] - start[0] > DEFAULT_WINDOW:
            raise param_error(400, "end_date", _("start_date to end_date may span at most 90 days."))
    if start:
        query.received_from = start[0]
    if end:
        # A day (month, year) includes all of it; an instant includes that instant.
        if end[0] == end[1]:
            query.received_until = end[0]
        else:
            query.received_before = end[1]
    if not start:
        query.received_from = (end[0] if end else (now or timezone.now())) - DEFAULT_WINDOW
    return query


def public_requests(query: RequestQuery) -> QuerySet:
    """Rows (dicts) of what may be shown publicly, newest first, at most MAX_RESULTS. Reads only
    the public columns: the reporter's contact cannot reach the serialiser."""
    Kind = ServiceRequestEvent.Kind
    events = ServiceRequestEvent.objects.filter(request=OuterRef("pk")).order_by("-at", "-id")
    qs = ServiceRequest.objects.all()
    if query.codes is not None:
        qs = qs.filter(tracking_code__in=query.codes)
    else:
        if query.categories:
            qs = qs.filter(category__in=query.categories)
        if query.open_states == {"open"}:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif query.open_states == {"closed"}:
            qs = qs.exclude(status__in=OPEN_STATUSES)
        if query.received_from:
            qs = qs.filter(received_at__gte=query.received_from)
        if query.received_before:
            qs = qs.filter(received_at__lt=query.received_before)
        if query.received_until:
            qs = qs.filter(received_at__lte=query.received_until)
    return qs.annotate(
        # The status page's "last update": the last status change, not internal edits.
        public_updated_at=Subquery(events.filter(kind__in=(Kind.CREATED, Kind.STATUS)).values("at")[:1]),
        # Written for the citizen when rejecting (the workflow asks for it); other comments stay internal.
        rejection_reason=Subquery(
            events.filter(kind=Kind.STATUS, to_value=RequestStatus.REJECTED).values("comment")[:1]
        ),
    ).order_by("-received_at", "-id").values(
        "tracking_code", "category", "status", "received_at", "due_at", "location",
        "public_updated_at", "rejection_reason", "duplicate_of__tracking_code", "after_photo",
    )[:MAX_RESULTS]


def _status_notes(row: dict) -> str:
    status, label = row["status"], RequestStatus.display(row["status"])
    if status == RequestStatus.REJECTED and row["rejection_reason"]:
        return f"{label}: {row['rejection_reason']}"
    if status == RequestStatus.DUPLICATE and row["duplicate_of__tracking_code"]:
        return f"{label}: {row['duplicate_of__tracking_code']}"
    return label


def request_serialise(row: dict, *, municipality, after_photo_url=None) -> dict:
    """`after_photo_url(code)`: the public address of the photo staff took after the repair, or
    None where there is no public page for it."""
    location = row["location"]
    explanation = STATUS_EXPLANATIONS.get(row["status"])
    return {
        "service_request_id": row["tracking_code"],
        "status": "open" if row["status"] in OPEN_STATUSES else "closed",
        "status_notes": _status_notes(row),
        "service_name": RequestCategory.display(row["category"]),
        "service_code": row["category"],
        "description": None,  # the reporter's own words: not public (module docstring)
        "agency_responsible": agency_name(municipality),
        "service_notice": str(explanation) if explanation else None,
        "requested_datetime": iso(row["received_at"]),
        "updated_datetime": iso(row["public_updated_at"] or row["received_at"]),
        "expected_datetime": iso(row["due_at"]),
        "address": None,  # typed by the reporter: not public
        "address_id": None,
        "zipcode": None,
        # A request reported in words only has no pin yet (its address stays private).
        "lat": location.y if location is not None else None,
        "long": location.x if location is not None else None,
        # Only the photo staff published on resolving (the after photo): the reporter's own photo
        # can show a face, a plate or a house and stays off the public list.
        "media_url": (after_photo_url(row["tracking_code"])
                      if after_photo_url is not None and row["after_photo"] else None),
    }
