import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_or_403

from .forms import MunicipalityCreateForm
from .models import Municipality
from .selectors import municipality_place
from .services import MunicipalityError, municipality_create


@login_required
def home(request):
    """A municipality's signed-in home: who we are and where, and what this user can open."""
    tenant = request.tenant
    map_data = None
    if tenant.centre:
        map_data = {
            "centre": [tenant.centre.y, tenant.centre.x],
            "name": tenant.name_th,
            "boundary": json.loads(tenant.boundary.geojson) if tenant.boundary else None,
        }
    return render(
        request,
        "tenants/home.html",
        {
            "tenant": tenant,
            "place": municipality_place(tenant),
            "map_data": map_data,
            "today": timezone.localdate(),
        },
    )


@permission_or_403("accounts.use_console")
def console(request):
    search = request.GET.get("q", "").strip()
    municipalities = (
        Municipality.objects.exclude(kind=Municipality.Kind.PLATFORM)
        .prefetch_related("domains")
        .order_by("province_code", "name_th")
    )
    if search:
        municipalities = municipalities.filter(
            Q(name_th__icontains=search) | Q(name_en__icontains=search)
            | Q(schema_name__icontains=search) | Q(subdistrict_code__startswith=search)
            | Q(province_code=search)
        )
    page = Paginator(municipalities, 50).get_page(request.GET.get("page"))
    return render(request, "tenants/console.html", {"page": page, "search": search})


@permission_or_403("accounts.use_console")
@require_http_methods(["GET", "POST"])
def municipality_create_view(request):
    form = MunicipalityCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            municipality = municipality_create(
                schema_name=data["schema_name"], domain=data["domain"], name_th=data["name_th"],
                name_en=data["name_en"], kind=data["kind"] or None,
                province_code=data["province_code"], district_code=data["district_code"],
                subdistrict_code=data["subdistrict_code"], lat=data["lat"], lon=data["lon"],
            )
        except MunicipalityError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("%(name)s was created.") % {"name": municipality.name_th})
            return redirect("tenants:console")
    return render(request, "tenants/municipality_form.html", {"form": form})
