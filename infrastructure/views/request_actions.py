"""The action forms of a service request's page: each posts here, calls one service and comes back
to the request (or shows its page again with the error and nothing changed). Every change is
written to the request's timeline by the service.

Every action needs `change_servicerequest`; the page itself is views/requests.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors
from kernel.personal import personal_data

from ..forms.requests import (
    AssignForm,
    CommentForm,
    DuplicateForm,
    LinkAssetForm,
    LocationForm,
    PhotoForm,
    PriorityForm,
    TransitionForm,
)
from ..models import RequestStatus
from ..selectors import service_requests_for
from ..services import (
    service_request_assign,
    service_request_comment,
    service_request_link_asset,
    service_request_photo_add,
    service_request_set_location,
    service_request_set_priority,
    service_request_take,
    service_request_transition,
)
from .requests import CHANGE, assets_visible, fetch_request, render_request_page


def _act(request, pk, *, key: str, form, action, done: str):
    """Shared body of the action views: validate, call the service, then redirect to the
    request (or show the page again with the error and nothing changed)."""
    obj = fetch_request(request, pk)
    if form.is_valid():
        try:
            action(obj, form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("infrastructure:request-detail", pk=pk)
    obj = fetch_request(request, pk)  # the failed service call may have touched the object in memory
    return render_request_page(request, obj, bound={key: form}, status=400)


def _action_view(perm=CHANGE):
    def wrap(view):
        # A refused action shows the request page again, reporter's contact included.
        return personal_data(permission_or_403(perm)(require_POST(view)))
    return wrap


@_action_view()
def request_transition(request, pk):
    obj = fetch_request(request, pk)
    form = TransitionForm(request.POST, request.FILES, service_request=obj)
    # "Keep the current status" with a comment: the comment alone.
    keep = form.is_valid() and not form.cleaned_data["to_status"]

    def action(o, c):
        if keep:
            return service_request_comment(service_request=o, user=request.user, comment=c["comment"])
        return service_request_transition(
            service_request=o, user=request.user, to_status=c["to_status"], comment=c["comment"],
            after_photo=c.get("after_photo") or None, asset_condition=c.get("asset_condition") or "")

    return _act(request, pk, key="status", form=form, action=action,
                done=_("The comment was added.") if keep else _("The status was changed."))


@_action_view()
def request_take(request, pk):
    """"Take this one" (รับงานนี้) from the request page, the queue or the home page."""
    obj = fetch_request(request, pk)
    try:
        service_request_take(service_request=obj, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Request %(code)s is yours now.") % {"code": obj.tracking_code})
    return redirect("infrastructure:request-detail", pk=pk)


@_action_view()
def request_photo_add(request, pk):
    return _act(
        request, pk, key="photo", form=PhotoForm(request.POST, request.FILES),
        action=lambda o, c: service_request_photo_add(
            service_request=o, user=request.user, image=c["photo"], comment=c["comment"]
        ),
        done=_("The photo was added."),
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
        done=_("The priority was changed; the due time follows the due-time target."),
    )


@_action_view()
def request_comment(request, pk):
    return _act(
        request, pk, key="comment", form=CommentForm(request.POST),
        action=lambda o, c: service_request_comment(
            service_request=o, user=request.user, comment=c["comment"], public=c["public"]
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
    form = LinkAssetForm(request.POST, assets=assets_visible(request.user))
    return _act(
        request, pk, key="asset", form=form,
        action=lambda o, c: service_request_link_asset(
            service_request=o, user=request.user, asset=c["asset_code"], comment=c["comment"]
        ),
        done=_("The linked asset was saved."),
    )


@_action_view()
def request_location(request, pk):
    """The pin of a request reported in words, set by staff who found the place (or moved)."""
    form = LocationForm(request.POST)
    return _act(
        request, pk, key="location", form=form,
        action=lambda o, c: service_request_set_location(
            service_request=o, user=request.user, location=form.location(), comment=c["comment"]
        ),
        done=_("The pin was saved."),
    )
