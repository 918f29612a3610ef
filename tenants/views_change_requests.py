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

from .change_requests import INLINE_CONTENT_TYPES, change_request_comment, change_request_submit
from .forms_change_requests import ChangeRequestForm, CommentForm
from .models import ChangeRequest, ChangeRequestAttachment, ChangeRequestComment

SUBMIT = "accounts.submit_change_request"


def _own_requests(request):
    return ChangeRequest.objects.filter(municipality=request.tenant)


def _origin(request) -> str:
    return request.build_absolute_uri("/")


def _put_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@permission_or_403(SUBMIT)
@require_GET
def request_list(request):
    requests = _own_requests(request)
    counts = dict(requests.values_list("status").annotate(n=Count("id")).order_by())
    status = request.GET.get("status", "")
    if status in ChangeRequest.Status.values:
        requests = requests.filter(status=status)
    else:
        status = ""
    requests = requests.annotate(comment_count=Count("comments")).order_by("-created_at", "-id")
    page = Paginator(requests, 30).get_page(request.GET.get("page"))
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
def request_create(request):
    form = ChangeRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = change_request_submit(
                municipality=request.tenant, user=request.user, data=form.cleaned_data,
                files=form.cleaned_data["attachments"], origin=_origin(request),
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Your request %(ref)s was sent to the platform team.")
                             % {"ref": obj.reference})
            return redirect("changerequests:detail", pk=obj.pk)
    status = 400 if form.is_bound else 200
    return render(request, "tenants/change_request_form.html", {"form": form}, status=status)


@permission_or_403(SUBMIT)
@require_http_methods(["GET", "POST"])
def request_detail(request, pk):
    obj = get_object_or_404(_own_requests(request).select_related("municipality"), pk=pk)
    form = CommentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_request_comment(
                request=obj, side=ChangeRequestComment.Side.MUNICIPALITY,
                author_username=request.user.get_username(),
                author_name=request.user.get_full_name().strip() or request.user.get_username(),
                body=form.cleaned_data["body"], files=form.cleaned_data["attachments"],
                origin=_origin(request),
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Your comment was sent to the platform team."))
            return redirect("changerequests:detail", pk=obj.pk)
    return render(request, "tenants/change_request_detail.html", {
        "obj": obj,
        "comments": obj.comments.prefetch_related("attachments"),
        "initial_attachments": obj.attachments.filter(comment__isnull=True),
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
def request_attachment(request, pk, file_pk):
    attachment = get_object_or_404(
        ChangeRequestAttachment, pk=file_pk, request__pk=pk, request__municipality=request.tenant
    )
    return attachment_response(attachment)
