"""The register's pages (namespace `communities`): the list, and a form to add or edit one, for
the municipal administrator; other staff read the list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors

from .forms import CommunityForm
from .models import Community
from .selectors import communities_all
from .services import community_create, community_update

MANAGE = "communities.manage_communities"


@permission_or_403("communities.view_community")
def community_list(request):
    return render(request, "communities/community_list.html", {
        "communities": communities_all().order_by("name"),
        "can_manage": request.user.has_perm(MANAGE),
    })


def _form(request, *, instance: Community | None = None) -> CommunityForm:
    post = request.method == "POST"
    return CommunityForm(request.POST if post else None, request.FILES if post else None, instance=instance,
                         centre=request.tenant.centre, csp_nonce=getattr(request, "csp_nonce", None))


@permission_or_403(MANAGE)
@require_http_methods(["GET", "POST"])
def community_create_view(request):
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            community = community_create(**form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request,
                             _("Community %(name)s was added to the register.") % {"name": community.name})
            return redirect("communities:list")
    return render(request, "communities/community_form.html", {"form": form, "community": None},
                  status=400 if form.errors else 200)


@permission_or_403(MANAGE)
@require_http_methods(["GET", "POST"])
def community_edit_view(request, pk: int):
    community = get_object_or_404(communities_all(), pk=pk)
    form = _form(request, instance=community)
    if request.method == "POST" and form.is_valid():
        try:
            community_update(community=community, data=form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Community %(name)s was saved.") % {"name": community.name})
            return redirect("communities:list")
    return render(request, "communities/community_form.html", {"form": form, "community": community},
                  status=400 if form.errors else 200)
