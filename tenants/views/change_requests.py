"""A municipality's change requests to the platform team (municipality hosts, `/change-requests/`).

Every staff member who may submit sees all of their municipality's requests: it is the
municipality's shared inbox with the platform team. Another municipality's request is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors

from ..forms.change_requests import ChangeRequestForm, CommentForm
from ..models import ChangeRequest, ChangeRequestAttachment, ChangeRequestComment
from ..services.change_requests import INLINE_CONTENT_TYPES, change_request_comment, change_request_submit

SUBMIT = "accounts.submit_change_request"


def _own_change_requests(request):
    return ChangeRequest.objects.filter(municipality=request.tenant)


def site_origin(request) -> str:
    """Scheme, host and port the sender used: the e-mails link the other side's host with them."""
    return request.build_absolute_uri("/")


@permission_or_403(SUBMIT)
@require_GET
def change_request_list(request):
    change_requests = _own_change_requests(request)
    counts = dict(change_requests.values_list("status").annotate(n=Count("id")).order_by())
    status = request.GET.get("status", "")
    if status in ChangeRequest.Status.values:
        change_requests = change_requests.filter(status=status)
    else:
        status = ""
    change_requests = change_requests.annotate(comment_count=Count("comments")).order_by("-created_at", "-id")
    page = Paginator(change_requests, 30).get_page(request.GET.get("page"))
    tabs = [{"value": "", "label": _("All"), "count": sum(counts.values())}] + [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in ChangeRequest.Status.choices
    ]
    return render(request, "tenants/change_request_list.html", {
        "page": page, "tabs": tabs, "status": status,
        "page_query": f"status={status}" if status else "",
    })


@permission_or_403(SUBMIT)
@require_http_methods(["GET", "POST"])
def change_request_create(request):
    form = ChangeRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_request = change_request_submit(
                municipality=request.tenant, user=request.user, data=form.cleaned_data,
                files=form.cleaned_data["attachments"], origin=site_origin(request),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your request %(ref)s was sent to the platform team.")
                             % {"ref": change_request.reference})
            return redirect("changerequests:detail", pk=change_request.pk)
    status = 400 if form.is_bound else 200
    return render(request, "tenants/change_request_form.html", {"form": form}, status=status)


@permission_or_403(SUBMIT)
@require_http_methods(["GET", "POST"])
def change_request_detail(request, pk):
    change_request = get_object_or_404(_own_change_requests(request).select_related("municipality"), pk=pk)
    form = CommentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_request_comment(
                change_request=change_request, side=ChangeRequestComment.Side.MUNICIPALITY,
                author_username=request.user.get_username(),
                author_name=request.user.get_full_name().strip() or request.user.get_username(),
                body=form.cleaned_data["body"], files=form.cleaned_data["attachments"],
                origin=site_origin(request),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your comment was sent to the platform team."))
            return redirect("changerequests:detail", pk=change_request.pk)
    return render(request, "tenants/change_request_detail.html", {
        "change_request": change_request,
        "comments": change_request.comments.prefetch_related("attachments"),
        "initial_attachments": change_request.attachments.filter(comment__isnull=True),
        "form": form,
        "attachment_url_name": "changerequests:attachment",
        "own_side": ChangeRequestComment.Side.MUNICIPALITY,
    }, status=400 if form.is_bound else 200)


def attachment_response(attachment: ChangeRequestAttachment) -> FileResponse:
    """The stored file, downloaded rather than rendered unless it is a checked image; shared by
    the municipality's and the console's attachment views."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    inline = attachment.content_type in INLINE_CONTENT_TYPES
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=not inline,
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    # Even a file that slipped past the checks must not run as a page on our origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@permission_or_403(SUBMIT)
@require_GET
def change_request_attachment(request, pk, file_pk):
    attachment = get_object_or_404(
        ChangeRequestAttachment, pk=file_pk, request__pk=pk, request__municipality=request.tenant
    )
    return attachment_response(attachment)
