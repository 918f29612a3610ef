"""Staff pages for service requests (คำร้อง / แจ้งซ่อม): the queue, taking a request down by
phone or LINE, the request's page with its timeline and actions, and the SLA targets grid.

Reading needs `view_servicerequest` (executives read); every action needs
`change_servicerequest`. The workflow itself lives in services/requests.py.
"""

import json
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import permission_or_403
from accounts.models import User
from kernel.forms import form_add_service_errors
from kernel.personal import personal_data

from ..forms.requests import (
    AssignForm,
    CommentForm,
    DuplicateForm,
    LinkAssetForm,
    PriorityForm,
    RequestCreateForm,
    RequestFilterForm,
    SlaGridForm,
    TransitionForm,
    sla_field_name,
)
from ..models import (
    DEFAULT_SLA_HOURS,
    TRANSITIONS,
    Asset,
    Priority,
    RequestCategory,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    SlaRule,
)
from ..selectors import (
    QUEUES,
    assets_for,
    nearest_asset,
    service_request_counts_by_category,
    service_requests_for,
    sla_table,
)
from ..services import (
    service_request_assign,
    service_request_comment,
    service_request_create,
    service_request_link_asset,
    service_request_set_priority,
    service_request_transition,
    sla_rule_set,
)
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
}
QUEUE_LABELS = {
    "mine": gettext_lazy("Mine"),
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


def _fetch(request, pk: int) -> ServiceRequest:
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


@permission_or_403(VIEW)
@require_GET
def request_list(request):
    values = RequestFilterForm(request.GET).values()
    now = timezone.now()

    def queue_qs(queue):
        qs = service_requests_for(
            request.user, queue=queue, category=values["category"], status=values["status"], q=values["q"]
        )
        return qs.filter(priority=values["priority"]) if values["priority"] else qs

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


# --- Taking a request down --------------------------------------------------------------------


def _assets(user):
    return assets_for(user) if user.has_perm("infrastructure.view_asset") else Asset.objects.none()


@personal_data  # a form sent back with an error shows the reporter's contact
@permission_or_403("infrastructure.add_servicerequest")
@require_http_methods(["GET", "POST"])
def request_create(request):
    form = RequestCreateForm(request.POST or None, request.FILES or None, assets=_assets(request.user))
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
    transition = TransitionForm(service_request=obj)
    if transition.offered:
        forms["status"] = transition
    if obj.is_open:
        forms["assign"] = AssignForm(initial={"assignee": obj.assignee_id})
        forms["priority"] = PriorityForm(initial={"priority": obj.priority})
    if RequestStatus.DUPLICATE in TRANSITIONS.get(obj.status, ()):
        forms["duplicate"] = DuplicateForm()
    forms.update(bound or {})
    return forms


def _render_detail(request, obj: ServiceRequest, *, bound: dict | None = None, status: int = 200):
    can_act = request.user.has_perm(CHANGE)
    map_data = {"point": [obj.location.y, obj.location.x], "asset": None}
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
            "forms": _action_forms(request, obj, bound),
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
    obj = _fetch(request, pk)
    return _render_detail(request, obj)


@personal_data  # a citizen's photo may show people, their house, their car
@permission_or_403(VIEW)
@require_GET
def request_photo(request, pk):
    """The request's photo, for signed-in staff only: uploads are not public files."""
    obj = _fetch(request, pk)
    if not obj.photo:
        raise Http404
    return photo_response(obj.photo, download_name=f"request-{obj.pk}", cache_control="no-store")


def _act(request, pk, *, key: str, form, action, done: str):
    """Shared body of the action views: validate, call the service, then redirect to the
    request (or show the page again with the error and nothing changed)."""
    obj = _fetch(request, pk)
    if form.is_valid():
        try:
            action(obj, form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("infrastructure:request-detail", pk=pk)
    obj = _fetch(request, pk)  # the failed service call may have touched the object in memory
    return _render_detail(request, obj, bound={key: form}, status=400)


def _action_view(perm=CHANGE):
    def wrap(view):
        # A refused action shows the request page again, reporter's contact included.
        return personal_data(permission_or_403(perm)(require_POST(view)))
    return wrap


@_action_view()
def request_transition(request, pk):
    obj = _fetch(request, pk)
    return _act(
        request, pk, key="status", form=TransitionForm(request.POST, service_request=obj),
        action=lambda o, c: service_request_transition(
            service_request=o, user=request.user, to_status=c["to_status"], comment=c["comment"]
        ),
        done=_("The status was changed."),
    )


@_action_view()
def request_assign(request, pk):
    return _act(
        request, pk, key="assign", form=AssignForm(request.POST),
        action=lambda o, c: service_request_assign(
            service_request=o, user=request.user, assignee=c["assignee"], comment=c["comment"]
        ),
        done=_("The request was assigned."),
    )


@_action_view()
def request_priority(request, pk):
    return _act(
        request, pk, key="priority", form=PriorityForm(request.POST),
        action=lambda o, c: service_request_set_priority(
            service_request=o, user=request.user, priority=c["priority"], comment=c["comment"]
        ),
        done=_("The priority was changed; the due time follows the SLA target."),
    )


@_action_view()
def request_comment(request, pk):
    return _act(
        request, pk, key="comment", form=CommentForm(request.POST),
        action=lambda o, c: service_request_comment(
            service_request=o, user=request.user, comment=c["comment"]
        ),
        done=_("The comment was added."),
    )


@_action_view()
def request_duplicate(request, pk):
    form = DuplicateForm(request.POST, requests=service_requests_for(request.user))
    return _act(
        request, pk, key="duplicate", form=form,
        action=lambda o, c: service_request_transition(
            service_request=o, user=request.user, to_status=RequestStatus.DUPLICATE, comment=c["comment"],
            duplicate_of=c["original"],
        ),
        done=_("The request was marked as a duplicate."),
    )


@_action_view()
def request_link_asset(request, pk):
    form = LinkAssetForm(request.POST, assets=_assets(request.user))
    return _act(
        request, pk, key="asset", form=form,
        action=lambda o, c: service_request_link_asset(
            service_request=o, user=request.user, asset=c["asset_code"], comment=c["comment"]
        ),
        done=_("The linked asset was saved."),
    )


# --- SLA targets ------------------------------------------------------------------------------


@permission_or_403("infrastructure.view_slarule")
@require_http_methods(["GET", "POST"])
def sla_settings(request):
    """The due time per category × priority; the municipal administrator edits, others read."""
    can_edit = request.user.has_perm("infrastructure.manage_sla")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    table = sla_table()
    form = SlaGridForm(request.POST or None, table=table)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            with transaction.atomic():  # all cells or none
                for category, priority, hours in changes:
                    sla_rule_set(user=request.user, category=category, priority=priority, hours=hours)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if changes:
                messages.success(request, _(
                    "The SLA targets were saved. New requests and priority changes use them; "
                    "requests already received keep their due time."
                ))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("infrastructure:sla-settings")
    stored = set(SlaRule.objects.values_list("category", "priority"))
    rows = [
        {
            "category": category,
            "cells": [
                {
                    "field": form[sla_field_name(category, priority)],
                    "hours": table[category][priority],
                    "default": DEFAULT_SLA_HOURS[(category.value, priority.value)],
                    "custom": (category.value, priority.value) in stored,
                }
                for priority in Priority
            ],
        }
        for category in RequestCategory
    ]
    return render(
        request, "infrastructure/sla_settings.html",
        {"form": form, "rows": rows, "priorities": list(Priority), "can_edit": can_edit},
        status=400 if request.method == "POST" else 200,
    )
