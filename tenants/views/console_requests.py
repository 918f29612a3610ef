"""The console's change-request inbox (platform host, schema `public`): every municipality's
requests, the thread, and the platform team's answers and status changes."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors

from ..forms.change_requests import PlatformAnswerForm
from ..models import ChangeRequest, ChangeRequestAttachment, ChangeRequestComment
from ..selectors import console_municipalities
from ..services.change_requests import change_request_comment, change_request_transition
from .change_requests import attachment_response, site_origin

CONSOLE = "accounts.use_console"
FILTERS = {
    "municipality": None,  # schema name, checked against the list below
    "category": ChangeRequest.Category,
    "priority": ChangeRequest.Priority,
    "status": ChangeRequest.Status,
}


def _filters(request, municipalities) -> dict:
    """The filters from the query string; an unknown value is dropped, not an error."""
    chosen = {}
    schemas = {m.schema_name for m in municipalities}
    for key, choices in FILTERS.items():
        value = request.GET.get(key, "").strip()
        if value and (value in schemas if choices is None else value in choices.values):
            chosen[key] = value
    return chosen


@permission_or_403(CONSOLE)
@require_GET
def change_request_inbox(request):
    municipalities = list(console_municipalities().order_by("name_th"))
    chosen = _filters(request, municipalities)
    change_requests = ChangeRequest.objects.select_related("municipality")
    if "municipality" in chosen:
        change_requests = change_requests.filter(municipality__schema_name=chosen["municipality"])
    if "category" in chosen:
        change_requests = change_requests.filter(category=chosen["category"])
    if "priority" in chosen:
        change_requests = change_requests.filter(priority=chosen["priority"])
    # Counts per status under the other filters, so each tab says what it would show.
    counts = dict(change_requests.values_list("status").annotate(n=Count("id")).order_by())
    if "status" in chosen:
        change_requests = change_requests.filter(status=chosen["status"])
    change_requests = change_requests.annotate(comment_count=Count("comments")).order_by("-created_at", "-id")
    page = Paginator(change_requests, 50).get_page(request.GET.get("page"))
    others = {k: v for k, v in chosen.items() if k != "status"}
    tabs = [{"value": "", "label": _("All"), "count": sum(counts.values()),
             "query": urlencode(others)}] + [
        {"value": value, "label": label, "count": counts.get(value, 0),
         "query": urlencode({**others, "status": value})}
        for value, label in ChangeRequest.Status.choices
    ]
    return render(request, "tenants/console_request_inbox.html", {
        "page": page, "tabs": tabs, "chosen": chosen, "municipalities": municipalities,
        "categories": ChangeRequest.Category.choices, "priorities": ChangeRequest.Priority.choices,
        "page_query": urlencode(chosen),
        "open_count": sum(counts.get(s, 0) for s in ("new", "accepted", "in_progress")),
    })


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def change_request_detail(request, pk):
    change_request = get_object_or_404(ChangeRequest.objects.select_related("municipality"), pk=pk)
    form = PlatformAnswerForm(request.POST or None, request.FILES or None, change_request=change_request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        author = {"author_username": request.user.get_username(),
                  "author_name": request.user.get_full_name().strip() or request.user.get_username()}
        try:
            if data["status"]:
                change_request_transition(
                    change_request=change_request, to_status=data["status"], comment=data["body"],
                    files=data["attachments"], origin=site_origin(request), **author,
                )
            else:
                change_request_comment(
                    change_request=change_request, side=ChangeRequestComment.Side.PLATFORM,
                    body=data["body"], files=data["attachments"], origin=site_origin(request), **author,
                )
        except ValidationError as error:
            form_add_service_errors(form, error)
            change_request.refresh_from_db()
        else:
            messages.success(request, _("Your answer was saved and sent to the municipality."))
            return redirect("tenants:request-detail", pk=change_request.pk)
    domain = change_request.municipality.primary_domain
    return render(request, "tenants/console_request_detail.html", {
        "change_request": change_request,
        "comments": change_request.comments.prefetch_related("attachments"),
        "initial_attachments": change_request.attachments.filter(comment__isnull=True),
        "form": form,
        "attachment_url_name": "tenants:request-attachment",
        "own_side": ChangeRequestComment.Side.PLATFORM,
        "municipality_host": domain.domain if domain else "",
        "allowed_next": [ChangeRequest.Status(s).label for s in ChangeRequest.Status.values
                         if change_request.can_transition_to(s)],
    }, status=400 if form.is_bound else 200)


@permission_or_403(CONSOLE)
@require_GET
def change_request_attachment(request, pk, file_pk):
    attachment = get_object_or_404(ChangeRequestAttachment, pk=file_pk, request__pk=pk)
    return attachment_response(attachment)
