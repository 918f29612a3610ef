import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_or_403

from .components import components_for, dashboard_for
from .forms import MunicipalityCreateForm
from .models import Municipality
from .services import MunicipalityError, municipality_create
from .stats import figures

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """A municipality's signed-in home: its dashboard layout (tenants.components), with the
    widgets this user may see, in order and at their widths."""
    components = getattr(request, "components", None) or components_for(request.tenant)
    widgets = [
        {**item, "html": _widget_html(request, item["widget"], item["width"])}
        for item in dashboard_for(request, components)
    ]
    return render(
        request,
        "tenants/home.html",
        {
            "tenant": request.tenant,
            "widgets": widgets,
            "leaflet": any(item["widget"].leaflet for item in widgets),
            "widget_scripts": list(dict.fromkeys(s for item in widgets for s in item["widget"].scripts)),
            "can_customize": request.user.has_perm("accounts.customize_municipality"),
            "today": timezone.localdate(),
        },
    )


def _widget_html(request, widget, width: str) -> str:
    """One widget's HTML. A failing widget is logged and shows a short notice, so one broken
    query never takes the whole home page down."""
    try:
        context = widget.context(request) if widget.context else {}
        context.update(widget=widget, width=width)
        return render_to_string(widget.template, context, request=request)
    except Exception:
        logger.exception("home-page widget %s failed", widget.key)
        return render_to_string("widgets/failed.html", {"widget": widget}, request=request)


@permission_or_403("accounts.use_console")
def console(request):
    search = request.GET.get("q", "").strip()
    municipalities = (
        Municipality.objects.exclude(kind=Municipality.Kind.PLATFORM)
        .select_related("stats")
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
    # The figures come from one small public table (tenants.stats), never from the schemas.
    columns = figures()
    rows = []
    for municipality in page:
        stats = getattr(municipality, "stats", None)  # None until the first refresh
        stored = stats.figures if stats else {}
        rows.append({"m": municipality, "stats": stats, "values": [stored.get(f.key) for f in columns]})
    return render(
        request, "tenants/console.html",
        {"page": page, "rows": rows, "columns": columns, "search": search},
    )


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
