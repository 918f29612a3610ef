"""The administrator's answers for village names of the 43-file import that the register of
communities does not hold (smarthealth.moph43.villages): one line per name, a register community
or a new one for each; the next import places those households."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403
from communities.selectors import communities_all
from imports.models import ValueMapping

from ..imports import PERMISSION
from ..moph43.homes import VILLAGE_MAPPING_COLUMN, VILLAGE_MAPPINGS
from ..moph43.villages import (
    NEW,
    village_mapping_delete,
    village_mapping_save,
    village_mappings,
    villages_unmapped,
)


@permission_or_403(PERMISSION)
@require_http_methods(["GET", "POST"])
def village_mapping_page(request):
    status = 200
    if request.method == "POST":
        name, target = request.POST.get("name", ""), request.POST.get("target", "")
        try:
            community = village_mapping_save(user=request.user, name=name, target=target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(request, _("“%(name)s” is now the community “%(community)s”: the next import of "
                                        "the 43 files places its households.") % {
                "name": name, "community": community.name})
            return redirect("smarthealth:village-mappings")
    return render(request, "smarthealth/village_mappings.html", {
        "unmapped": villages_unmapped(), "mappings": village_mappings(),
        "communities": communities_all().order_by("name"), "new": NEW,
        "can_create": request.user.has_perm("communities.manage_communities"),
    }, status=status)


@permission_or_403(PERMISSION)
@require_POST
def village_mapping_remove(request, pk: int):
    mapping = get_object_or_404(ValueMapping, pk=pk, dataset=VILLAGE_MAPPINGS, column=VILLAGE_MAPPING_COLUMN)
    village_mapping_delete(mapping=mapping)
    messages.success(request, _("“%(value)s” is no longer remembered.") % {"value": mapping.source_text})
    return redirect("smarthealth:village-mappings")
