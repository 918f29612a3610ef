"""Staff pages for service requests (คำร้อง / แจ้งซ่อม): the queue, taking a request down by
phone or LINE, and the request's page with its timeline, its action forms and, on a phone, the
action bar at the bottom. The forms post to views/request_actions.py; the SLA grid is views/sla.py.

Reading needs `view_servicerequest` (executives read); every action needs
`change_servicerequest`. The workflow itself lives in services/requests.py.
"""

import json
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import permission_or_403
from accounts.models import User
from kernel.exports import export_links, export_variant
from kernel.forms import form_add_service_errors
from kernel.maplinks import directions_url, place_url
from kernel.personal import personal_data
from tenants.maps import municipality_outline

from ..forms.requests import (
    AssignForm,
    CommentForm,
    DuplicateForm,
    LinkAssetForm,
    LocationForm,
    PhotoForm,
    PriorityForm,
    RequestCreateForm,
    RequestFilterForm,
    TransitionForm,
)
from ..models import (
    TRANSITIONS,
    Asset,
    Priority,
    RequestCategory,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
)
from ..request_exports import request_export_response
from ..request_imports import SERVICE_REQUESTS
from ..selectors import (
    QUEUES,
    assets_for,
    nearest_asset,
    service_request_counts_by_category,
    service_requests_for,
)
from ..services import photo_can_be_added, service_request_create
from ..services.photos import photo_response

VIEW = "infrastructure.view_servicerequest"
CHANGE = "infrastructure.change_servicerequest"
PAGE_SIZE = 50
# Where each action form of the request page posts (the keys of _action_forms).
ACTION_URL_NAMES = {
    "status": "infrastructure:request-transition",
    "assign": "infrastructure:request-assign",
    "comment": "infrastructure:request-comment",
    "priority": "infrastructure:request-priority",
    "asset": "infrastructure:request-link-asset",
    "duplicate": "infrastructure:request-duplicate",
    "photo": "infrastructure:request-photo-add",
    "take": "infrastructure:request-take",
    "location": "infrastructure:request-location",
}
QUEUE_LABELS = {
    "mine": gettext_lazy("Mine"),
    "unassigned": gettext_lazy("Unassigned"),
    "overdue": gettext_lazy("Overdue"),
    "open": gettext_lazy("Open"),
    "all": gettext_lazy("All"),
}


# --- Helpers ----------------------------------------------------------------------------------


def _duration(delta: timedelta) -> str:
    minutes = max(int(abs(delta.total_seconds()) // 60), 1)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


def sla_state(obj: ServiceRequest, now) -> dict:
    """What the queue and the request page say about the SLA target."""
    if obj.is_open:
        left = obj.time_left(now)
        if left.total_seconds() < 0:
            return {"overdue": True, "text": _("Overdue by %(time)s") % {"time": _duration(left)}}
        return {"overdue": False, "text": _("%(time)s left") % {"time": _duration(left)}}
    if obj.resolved_at is not None:
        if obj.resolved_late:
            late = obj.resolved_at - obj.due_at
            return {"overdue": False, "late": True,
                    "text": _("Resolved late by %(time)s") % {"time": _duration(late)}}
        return {"overdue": False, "text": _("Resolved on time")}
    return {"overdue": False, "text": ""}


def fetch_request(request, pk: int) -> ServiceRequest:
    """The request, if this user may see it (404 otherwise)."""
    return get_object_or_404(service_requests_for(request.user), pk=pk)


def _people(usernames) -> dict[str, str]:
    names = {u for u in usernames if u}
    return {u.username: u.get_full_name() or u.username for u in User.objects.filter(username__in=names)}


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def timeline(obj: ServiceRequest) -> list[dict]:
    """The request's events with readable from/to values (labels, people's names)."""
    events = list(obj.events.select_related("actor"))
    people = _people(
        v for e in events if e.kind == ServiceRequestEvent.Kind.ASSIGNED for v in (e.from_value, e.to_value)
    )
    readers = {
        ServiceRequestEvent.Kind.CREATED: lambda v: _label(RequestStatus, v),
        ServiceRequestEvent.Kind.STATUS: lambda v: _label(RequestStatus, v),
        ServiceRequestEvent.Kind.PRIORITY: lambda v: _label(Priority, v),
        ServiceRequestEvent.Kind.ASSIGNED: lambda v: people.get(v, v),
    }
    rows = []
    for event in events:
        read = readers.get(event.kind, lambda v: v)
        rows.append({
            "event": event,
            "from": read(event.from_value) if event.from_value else "",
            "to": read(event.to_value) if event.to_value else "",
            "actor": (event.actor.get_full_name() or event.actor.username) if event.actor else None,
        })
    return rows


# --- The queue --------------------------------------------------------------------------------


def _queue(user, values: dict, queue: str):
    qs = service_requests_for(user, queue=queue, category=values["category"], status=values["status"],
                              q=values["q"], unpinned=values["pin"] == "none")
    return qs.filter(priority=values["priority"]) if values["priority"] else qs


@permission_or_403(VIEW)
@require_GET
def request_list(request):
    values = RequestFilterForm(request.GET).values()
    now = timezone.now()

    def queue_qs(queue):
        return _queue(request.user, values, queue)

    def query(**changes) -> str:
        params = {**values, **changes}
        return urlencode({k: v for k, v in params.items() if v})

    tabs = [
        {"key": q, "label": QUEUE_LABELS[q], "count": queue_qs(q).count(), "query": query(queue=q),
         "active": q == values["queue"]}
        for q in QUEUES
    ]
    page = Paginator(queue_qs(values["queue"]), PAGE_SIZE).get_page(request.GET.get("page"))
    for obj in page:
        obj.sla = sla_state(obj, now)
    context = {
        "page": page,
        "tabs": tabs,
        "values": values,
        "filter_form": RequestFilterForm(initial=values),
        "page_query": query(),
        "now": now,
        # Staff who work on requests take an unassigned one from the queue in one tap.
        "can_take": request.user.has_perm(CHANGE),
        # The queue and filters in view, as the list reads and for re-import (the import is staff's).
        "export_links": export_links(values, importable=request.user.has_perm(SERVICE_REQUESTS.permission)),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "infrastructure/_request_queue.html", context)
    counts = service_request_counts_by_category(request.user, now=now)
    context.update(
        summary=[
            {"category": c, "open": counts.get(c.value, {}).get("open", 0),
             "overdue": counts.get(c.value, {}).get("overdue", 0)}
            for c in RequestCategory
        ],
        can_create=request.user.has_perm("infrastructure.add_servicerequest"),
        can_see_sla=request.user.has_perm("infrastructure.view_slarule"),
        map_url=reverse("infrastructure:request-map"),
    )
    return render(request, "infrastructure/request_list.html", context)


@permission_or_403(VIEW)
@require_GET
def request_export(request):
    """The queue and filters in view as CSV or Excel (request_exports.py)."""
    variant = export_variant(request.GET.get("variant"),
                             importable=request.user.has_perm(SERVICE_REQUESTS.permission))
    values = RequestFilterForm(request.GET).values()
    stem = f"service-requests-{request.tenant.schema_name}-{timezone.localdate():%Y%m%d}"
    return request_export_response(_queue(request.user, values, values["queue"]),
                                   fmt=request.GET.get("format", "csv"), stem=stem, variant=variant)


# --- Taking a request down --------------------------------------------------------------------


def assets_visible(user):
    return assets_for(user) if user.has_perm("infrastructure.view_asset") else Asset.objects.none()


@personal_data  # a form sent back with an error shows the reporter's contact
@permission_or_403("infrastructure.add_servicerequest")
@require_http_methods(["GET", "POST"])
def request_create(request):
    form = RequestCreateForm(request.POST or None, request.FILES or None, assets=assets_visible(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            obj = service_request_create(
                data=form.service_data(), user=request.user, channel=form.cleaned_data["channel"],
                photo=form.cleaned_data["photo"], link_nearest=not form.cleaned_data["no_asset"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error, aliases={"location": "latitude"})
        else:
            messages.success(
                request, _("Request %(code)s was saved. Give this tracking code to the reporter.")
                % {"code": obj.tracking_code},
            )
            return redirect("infrastructure:request-detail", pk=obj.pk)
    return render(
        request, "infrastructure/request_form.html",
        {"form": form, "map_centre": _centre(request)},
        status=400 if request.method == "POST" else 200,
    )


def _centre(request) -> list[float] | None:
    centre = getattr(request.tenant, "centre", None)
    return [centre.y, centre.x] if centre else None


@permission_or_403("infrastructure.add_servicerequest")
@require_GET
def request_asset_suggestion(request):
    """The nearest asset that fits the category within 50 m of the pin (htmx partial)."""
    context = {"asset": None, "ready": False}
    try:
        lat, lon = float(request.GET.get("latitude", "")), float(request.GET.get("longitude", ""))
    except ValueError:
        lat = lon = None
    category = request.GET.get("category", "")
    if lat is not None and category in RequestCategory.values and request.user.has_perm(
        "infrastructure.view_asset"
    ):
        context["ready"] = True
        asset = nearest_asset(Point(lon, lat, srid=4326), category)
        if asset is not None:
            context.update(asset=asset, distance=round(asset.distance.m),
                           asset_url=reverse("infrastructure:asset-detail", args=[asset.pk]))
    return render(request, "infrastructure/_request_asset_suggestion.html", context)


# --- One request ------------------------------------------------------------------------------


def _action_forms(request, obj: ServiceRequest, bound: dict | None = None) -> dict:
    """The action forms this user may use on this request now (none for readers)."""
    if not request.user.has_perm(CHANGE):
        return {}
    forms = {"comment": CommentForm(), "asset": LinkAssetForm(
        initial={"asset_code": obj.asset.code if obj.asset else ""})}
    resolving = request.GET.get("resolve") == "1" and obj.can_transition_to(RequestStatus.RESOLVED)
    transition = TransitionForm(service_request=obj,
                                initial={"to_status": RequestStatus.RESOLVED} if resolving else None)
    if transition.offered:
        forms["status"] = transition
    if obj.is_open:
        forms["assign"] = AssignForm(initial={"assignee": obj.assignee_id})
        forms["priority"] = PriorityForm(initial={"priority": obj.priority})
    if photo_can_be_added(obj):
        forms["photo"] = PhotoForm()
    if RequestStatus.DUPLICATE in TRANSITIONS.get(obj.status, ()):
        forms["duplicate"] = DuplicateForm()
    forms["location"] = LocationForm(initial={"latitude": obj.location.y, "longitude": obj.location.x}
                                     if obj.has_pin else None)
    forms.update(bound or {})
    return forms


# The one-tap next step of the action bar, from each status (the rest stays in the status form).
NEXT_STEP = {
    RequestStatus.ASSIGNED: (RequestStatus.IN_PROGRESS, gettext_lazy("Start work")),
    RequestStatus.IN_PROGRESS: (RequestStatus.RESOLVED, gettext_lazy("Mark as resolved")),
    RequestStatus.RESOLVED: (RequestStatus.CLOSED, gettext_lazy("Close the request")),
}


def _action_bar(request, obj: ServiceRequest, forms: dict) -> dict | None:
    """The phone's bottom bar: take it (unassigned), its next status, a comment, a photo."""
    if not request.user.has_perm(CHANGE):
        return None
    step = NEXT_STEP.get(obj.status)
    return {
        "take": obj.is_open and obj.assignee_id is None,
        "next": {"status": step[0], "label": step[1]} if step and obj.can_transition_to(step[0]) else None,
        "photo": "photo" in forms,
        # Reported in words only: finding the place and pinning it is the first job.
        "pin": not obj.has_pin and "location" in forms,
    }


def render_request_page(request, obj: ServiceRequest, *, bound: dict | None = None, status: int = 200):
    can_act = request.user.has_perm(CHANGE)
    forms = _action_forms(request, obj, bound)
    point = obj.location
    centre = getattr(request.tenant, "centre", None)
    map_data = {
        "point": [point.y, point.x] if point is not None else None,
        "asset": None,
        # Without a pin the map opens on the municipality, where staff tap to set it.
        "outline": None if point is not None else municipality_outline(municipality=request.tenant),
        "centre": [centre.y, centre.x] if centre is not None else None,
    }
    if obj.asset is not None:
        map_data["asset"] = {"type": "Feature", "geometry": _geojson(obj.asset.geometry),
                             "properties": {"code": obj.asset.code, "name": obj.asset.name}}
    failed = next(iter((bound or {}).values()), None)
    return render(
        request,
        "infrastructure/request_detail.html",
        {
            "obj": obj,
            "sla": sla_state(obj, timezone.now()),
            "events": timeline(obj),
            "can_act": can_act,
            # Name, phone and e-mail of the reporter are personal data: only for those who act.
            "show_reporter": can_act,
            "forms": forms,
            "bar": _action_bar(request, obj, forms),
            "maps_url": place_url(point.y, point.x) if point is not None else None,
            "directions_url": directions_url(point.y, point.x) if point is not None else None,
            "action_urls": {key: reverse(name, args=[obj.pk]) for key, name in ACTION_URL_NAMES.items()},
            "failed_form": failed,
            "map_data": map_data,
            "duplicates": service_requests_for(request.user).filter(duplicate_of=obj),
            "asset_url": (reverse("infrastructure:asset-detail", args=[obj.asset_id])
                          if obj.asset_id else None),
        },
        status=status,
    )


def _geojson(geometry) -> dict:
    return json.loads(geometry.geojson)


@personal_data  # the reporter's name, phone and e-mail
@permission_or_403(VIEW)
@require_GET
def request_detail(request, pk):
    obj = fetch_request(request, pk)
    return render_request_page(request, obj)


@personal_data  # a citizen's photo may show people, their house, their car
@permission_or_403(VIEW)
@require_GET
def request_photo(request, pk):
    """The request's photo, for signed-in staff only: uploads are not public files."""
    obj = fetch_request(request, pk)
    if not obj.photo:
        raise Http404
    return photo_response(obj.photo, download_name=f"request-{obj.pk}", cache_control="no-store")


@personal_data
@permission_or_403(VIEW)
@require_GET
def request_photo_after(request, pk):
    """The photo taken after the repair (also shown to the citizen with the tracking code)."""
    obj = fetch_request(request, pk)
    if not obj.after_photo:
        raise Http404
    return photo_response(obj.after_photo, download_name=f"request-{obj.pk}-after", cache_control="no-store")
