"""What a citizen does after reporting, with the tracking code and no login: confirm the fix,
say it is not fixed, rate the work, see the photos, follow a nearby report, stop messages.

Each answer is built from public fields only (views.public._public_view); no reporter contact."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kernel.forms import form_add_service_errors
from kernel.photos import photo_response
from kernel.ratelimit import rate_hit

from ..forms.public import FollowForm, RateForm, ReopenForm
from ..models import RequestCategory, RequestStatus, ServiceRequest, tracking_code_normalise
from ..selectors import open_requests_near
from ..services import (
    notification_opt_out,
    service_request_citizen_confirm,
    service_request_citizen_reopen,
    service_request_follow,
    service_request_rate,
)
from ..validators import reported_location
from .public import _too_many, status_context


def _request_or_404(code: str) -> ServiceRequest:
    normalised = tracking_code_normalise(code)
    found = ServiceRequest.objects.filter(tracking_code=normalised).first() if normalised else None
    if found is None:
        raise Http404
    return found


def _citizen_post(view):
    """POST only, rate-limited like the status look-ups, with the request found by its code."""

    @never_cache
    @require_POST
    def wrapped(request, code: str):
        verdict = rate_hit(request, "report-status")
        if not verdict.allowed:
            return _too_many(request, verdict)
        return view(request, _request_or_404(code))

    return wrapped


def _again(request, service_request: ServiceRequest, **forms):
    return render(request, "report/status.html", status_context(service_request, **forms), status=400)


@_citizen_post
def report_confirm(request, service_request):
    try:
        service_request_citizen_confirm(service_request=service_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you for confirming. Please rate the work below."))
    return redirect("report:status", code=service_request.tracking_code)


@_citizen_post
def report_reopen(request, service_request):
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            service_request_citizen_reopen(
                service_request=service_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your report is back with the team."))
            return redirect("report:status", code=service_request.tracking_code)
    return _again(request, service_request, reopen_form=form)


@_citizen_post
def report_rate(request, service_request):
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            service_request_rate(service_request=service_request, score=form.cleaned_data["score"])
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("report:status", code=service_request.tracking_code)
    return _again(request, service_request, rate_form=form)


@never_cache
@require_GET
def report_photo(request, code: str, which: str):
    """The reporter's photo or the photo after the repair: re-encoded on upload (no EXIF/GPS),
    shown to whoever holds the tracking code."""
    verdict = rate_hit(request, "report-status")
    if not verdict.allowed:
        return _too_many(request, verdict)
    service_request = _request_or_404(code)
    photo = {"before": service_request.photo, "after": service_request.after_photo}.get(which)
    if not photo:
        raise Http404
    return photo_response(
        photo, download_name=f"{service_request.tracking_code}-{which}", cache_control="private, no-store"
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report_opt_out(request, token: str):
    """GET asks, POST stops: a link checker opening the link must not unsubscribe anyone."""
    if request.method == "POST":
        service_request = notification_opt_out(token=token)
        if service_request is None:
            return render(request, "report/opt_out.html", {"invalid": True}, status=400)
        return render(request, "report/opt_out.html", {"done": True, "code": service_request.tracking_code})
    return render(request, "report/opt_out.html", {"token": token})


def _nearby_item(service_request: ServiceRequest) -> dict:
    # About 10 m of precision: enough to see it is the same lamp post, not a house's doorstep.
    return {
        "code": service_request.tracking_code,
        "category": RequestCategory.display(service_request.category),
        "status": RequestStatus.display(service_request.status),
        "distance_m": round(service_request.distance.m),
        "lat": round(service_request.location.y, 4),
        "lon": round(service_request.location.x, 4),
        "received_on": service_request.received_at.date().isoformat(),
        "follow_url": reverse("report:follow", kwargs={"code": service_request.tracking_code}),
    }


@never_cache
@require_GET
def report_nearby(request):
    """Checked as the pin moves on the report page: is the place one this municipality takes
    (the same rule as on submit), and which open reports of the chosen category are within
    100 m of it."""
    verdict = rate_hit(request, "report-nearby")
    if not verdict.allowed:
        return JsonResponse({"results": [], "place_error": ""}, status=429)
    try:
        lat, lon = float(request.GET.get("lat", "")), float(request.GET.get("lon", ""))
    except ValueError:
        return JsonResponse({"results": [], "place_error": ""}, status=400)
    try:
        point = reported_location(lat, lon, request.tenant)
    except ValidationError as error:
        return JsonResponse({"results": [], "place_error": " ".join(error.messages)})
    found = open_requests_near(point, request.GET.get("category", ""))
    return JsonResponse({"results": [_nearby_item(r) for r in found], "place_error": ""})


@_citizen_post
def report_follow(request, service_request):
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            service_request_follow(
                service_request=service_request,
                channel=form.cleaned_data["channel"],
                address=form.cleaned_data["address"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error, aliases={"channel": "channel", "address": "address"})
        else:
            if request.headers.get("Accept", "").startswith("application/json"):
                return JsonResponse({"following": service_request.tracking_code})
            messages.success(request, _("You will hear about this report too."))
            return redirect("report:status", code=service_request.tracking_code)
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"errors": errors}, status=400)
    for messages_ in errors.values():
        for message in messages_:
            messages.error(request, message)
    return redirect("report:status", code=service_request.tracking_code)
