"""The ICD-10 → chronic condition table of the 43-file import (namespace `smarthealth`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors

from ..forms.icd import IcdMappingForm
from ..models import ChronicIcdMapping
from ..services.icd import icd_mapping_add, icd_mapping_delete


@permission_or_403("smarthealth.view_chronicicdmapping")
@require_http_methods(["GET", "POST"])
def icd_mappings(request):
    can_change = request.user.has_perm("smarthealth.add_chronicicdmapping")
    form = IcdMappingForm(request.POST or None)
    if request.method == "POST" and can_change and form.is_valid():
        try:
            icd_mapping_add(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The codes were added: the next import maps them."))
            return redirect("smarthealth:icd-mappings")
    mappings = ChronicIcdMapping.objects.select_related("condition").order_by("condition__code", "icd_from")
    return render(request, "smarthealth/icd_mappings.html", {
        "form": form, "mappings": mappings, "can_change": can_change,
        "can_delete": request.user.has_perm("smarthealth.delete_chronicicdmapping"),
    }, status=400 if request.method == "POST" and form.errors else 200)


@permission_or_403("smarthealth.delete_chronicicdmapping")
@require_POST
def icd_mapping_remove(request, pk: int):
    icd_mapping_delete(user=request.user, mapping=get_object_or_404(ChronicIcdMapping, pk=pk))
    messages.success(request, _("The codes were removed: conditions already recorded stay."))
    return redirect("smarthealth:icd-mappings")
