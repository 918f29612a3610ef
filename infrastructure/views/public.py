"""The citizens' pages (namespace `report`, no login): report a problem, get a tracking code,
follow its status.

What a citizen sees of a request is built here as a plain dict (`_public_view`), never the model:
the reporter's contact, the assignee and staff comments cannot reach these templates by accident.
"""

import math

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kernel.forms import form_add_service_errors
from kernel.ratelimit import Verdict, rate_hit, rate_peek
from tenants.maps import municipality_outline

from ..forms.public import PublicReportForm, RateForm, ReopenForm, TrackingCodeForm
from ..models import (
    STATUS_EXPLANATIONS,
    Channel,
    RequestCategory,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    tracking_code_normalise,
)
from ..services import citizen_can_reopen, service_request_create

# The steps of the usual path, for the progress bar.
PROGRESS_STEPS = (
    RequestStatus.RECEIVED, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS, RequestStatus.RESOLVED,
    RequestStatus.CLOSED,
)
# Service field names → the form field that shows the error (the map pin sets lat/lon).
_FIELD_FOR_SERVICE_ERROR = {"location": "lat"}


def _too_many(request, verdict: Verdict):
    response = render(
        request, "report/rate_limited.html",
        {"minutes": max(1, math.ceil(verdict.retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def report_start(request):
    municipality = request.tenant
    if request.method == "POST":
        attempts = rate_hit(request, "report-attempt")
        if not attempts.allowed:
            return _too_many(request, attempts)
        submitted = rate_peek(request, "report-submit")
        if not submitted.allowed:
            return _too_many(request, submitted)
        form = PublicReportForm(request.POST, request.FILES, municipality=municipality)
        if form.is_valid():
            try:
                service_request = service_request_create(
                    data=form.service_data(), user=None, channel=Channel.PUBLIC_WEB,
                    photo=form.cleaned_data.get("photo") or None,
                )
            except ValidationError as error:
                form_add_service_errors(form, error, aliases=_FIELD_FOR_SERVICE_ERROR)
            else:
                rate_hit(request, "report-submit")
                return redirect("report:done", code=service_request.tracking_code)
    else:
        form = PublicReportForm(municipality=municipality)
    centre = municipality.centre
    map_config = {
        "centre": [centre.y, centre.x] if centre else [13.0, 101.0],
        "zoom": 15 if centre else 6,
        # Drawn as a fallback base: without base tiles the citizen still sees the town's outline.
        "outline": municipality_outline(municipality=municipality),
    }
    return render(request, "report/start.html", {"form": form, "map_config": map_config})


def _find(code: str) -> ServiceRequest | None:
    # No selector: this read has no user to check. It returns the model to this module only;
    # templates get `_public_view`.
    return ServiceRequest.objects.select_related("duplicate_of").filter(tracking_code=code).first()


def _status_label(value: str) -> str:
    return RequestStatus.display(value)


def _public_view(service_request: ServiceRequest) -> dict:
    """Only what the reporter may see: status, category, times and the status changes."""
    Kind = ServiceRequestEvent.Kind
    timeline = []
    rejection_reason = ""
    events = service_request.events.filter(kind__in=(Kind.CREATED, Kind.STATUS)).order_by("at", "id")
    for event in events.only("at", "kind", "to_value", "comment"):
        timeline.append({"at": event.at, "status": event.to_value, "label": _status_label(event.to_value)})
        # The workflow asks staff for a reason when rejecting, written for the citizen; every
        # other comment is internal.
        if event.kind == Kind.STATUS and event.to_value == RequestStatus.REJECTED:
            rejection_reason = event.comment
    status = service_request.status
    step = PROGRESS_STEPS.index(status) if status in PROGRESS_STEPS else None
    code = service_request.tracking_code
    # Staff notes written for the citizen and the citizen's own "not fixed" reasons, oldest first.
    updates = [
        {"at": event.at, "text": event.comment, "from_citizen": event.kind == Kind.REOPENED,
         "status_label": _status_label(event.to_value) if event.kind == Kind.STATUS else ""}
        for event in service_request.events.filter(public=True).exclude(comment="").order_by("at", "id")
        .only("at", "kind", "to_value", "comment")
    ]
    return {
        "code": service_request.tracking_code,
        "status": status,
        "status_label": _status_label(status),
        "explanation": STATUS_EXPLANATIONS.get(status, ""),
        "category_label": RequestCategory.display(service_request.category),
        "received_at": service_request.received_at,
        "updated_at": timeline[-1]["at"] if timeline else service_request.received_at,
        "timeline": list(reversed(timeline)),  # newest first
        "rejection_reason": rejection_reason if status == RequestStatus.REJECTED else "",
        "duplicate_of": (
            service_request.duplicate_of.tracking_code
            if status == RequestStatus.DUPLICATE and service_request.duplicate_of else ""
        ),
        "due_at": service_request.due_at if service_request.is_open else None,
        "overdue": service_request.is_overdue(),
        "photo_url": reverse("report:photo", kwargs={"code": code, "which": "before"})
        if service_request.photo else "",
        "after_photo_url": reverse("report:photo", kwargs={"code": code, "which": "after"})
        if service_request.after_photo else "",
        "updates": updates,
        "can_answer": status == RequestStatus.RESOLVED,
        "can_reopen": citizen_can_reopen(service_request),
        "can_rate": status in (RequestStatus.RESOLVED, RequestStatus.CLOSED),
        "satisfaction": service_request.satisfaction,
        "confirmed": service_request.citizen_confirmed_at is not None,
        "steps": [
            {"label": _status_label(s), "done": step is not None and i <= step, "current": i == step}
            for i, s in enumerate(PROGRESS_STEPS)
        ] if step is not None else [],
    }


def _not_found(request, code: str):
    form = TrackingCodeForm(initial={"code": code})
    return render(request, "report/status_lookup.html", {"form": form, "unknown_code": code}, status=404)


@never_cache
@require_http_methods(["GET"])
def report_done(request, code: str):
    verdict = rate_hit(request, "report-status")
    if not verdict.allowed:
        return _too_many(request, verdict)
    normalised = tracking_code_normalise(code)
    service_request = _find(normalised) if normalised else None
    if service_request is None:
        return _not_found(request, code)
    return render(request, "report/done.html", {"code": service_request.tracking_code})


@never_cache
@require_http_methods(["GET"])
def report_status(request, code: str | None = None):
    if code is None:
        # The look-up form: a code typed here goes to its own page (one URL per request).
        form = TrackingCodeForm(request.GET if "code" in request.GET else None)
        if form.is_valid():
            return redirect("report:status", code=form.cleaned_data["code"])
        return render(request, "report/status_lookup.html", {"form": form})
    verdict = rate_hit(request, "report-status")
    if not verdict.allowed:
        return _too_many(request, verdict)
    normalised = tracking_code_normalise(code)
    if normalised and normalised != code:
        return redirect("report:status", code=normalised)
    service_request = _find(normalised) if normalised else None
    if service_request is None:
        return _not_found(request, code)
    return render(request, "report/status.html", status_context(service_request))


def status_context(service_request: ServiceRequest, **forms) -> dict:
    """The status page's context; `forms` are bound forms shown again with their errors."""
    return {
        "report": _public_view(service_request),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "rate_form": forms.get("rate_form") or RateForm(initial={"score": service_request.satisfaction}),
    }
