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

from .change_requests import change_request_comment, change_request_transition
from .forms_change_requests import PlatformAnswerForm
from .models import ChangeRequest, ChangeRequestAttachment, ChangeRequestComment, Municipality
from .views_change_requests import _origin, _put_errors, attachment_response

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
def request_inbox(request):
    municipalities = list(Municipality.objects.exclude(kind=Municipality.Kind.PLATFORM)
                          .exclude(schema_name="public").order_by("name_th"))
    chosen = _filters(request, municipalities)
    requests = ChangeRequest.objects.select_related("municipality")
    if "municipality" in chosen:
        requests = requests.filter(municipality__schema_name=chosen["municipality"])
    if "category" in chosen:
        requests = requests.filter(category=chosen["category"])
    if "priority" in chosen:
        requests = requests.filter(priority=chosen["priority"])
    # Counts per status under the other filters, so each tab says what it would show.
    counts = dict(requests.values_list("status").annotate(n=Count("id")).order_by())
    if "status" in chosen:
        requests = requests.filter(status=chosen["status"])
    requests = requests.annotate(comment_count=Count("comments")).order_by("-created_at", "-id")
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
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
def request_detail(request, pk):
    obj = get_object_or_404(ChangeRequest.objects.select_related("municipality"), pk=pk)
    form = PlatformAnswerForm(request.POST or None, request.FILES or None, request=obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        author = {"author_username": request.user.get_username(),
                  "author_name": request.user.get_full_name().strip() or request.user.get_username()}
        try:
            if data["status"]:
                change_request_transition(
                    request=obj, to_status=data["status"], comment=data["body"],
                    files=data["attachments"], origin=_origin(request), **author,
                )
            else:
                change_request_comment(
                    request=obj, side=ChangeRequestComment.Side.PLATFORM, body=data["body"],
                    files=data["attachments"], origin=_origin(request), **author,
                )
        except ValidationError as error:
            _put_errors(form, error)
            obj.refresh_from_db()
        else:
            messages.success(request, _("Your answer was saved and sent to the municipality."))
            return redirect("tenants:request-detail", pk=obj.pk)
    domain = obj.municipality.primary_domain
    return render(request, "tenants/console_request_detail.html", {
        "obj": obj,
        "comments": obj.comments.prefetch_related("attachments"),
        "initial_attachments": obj.attachments.filter(comment__isnull=True),
        "form": form,
        "attachment_url_name": "tenants:request-attachment",
        "own_side": ChangeRequestComment.Side.PLATFORM,
        "municipality_host": domain.domain if domain else "",
        "allowed_next": [ChangeRequest.Status(s).label for s in ChangeRequest.Status.values
                         if obj.can_transition_to(s)],
    }, status=400 if form.is_bound else 200)


@permission_or_403(CONSOLE)
@require_GET
def request_attachment(request, pk, file_pk):
    attachment = get_object_or_404(ChangeRequestAttachment, pk=file_pk, request__pk=pk)
    return attachment_response(attachment)
