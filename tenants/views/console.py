"""Console pages of the platform team (host localhost, schema public): the municipalities (paged,
searched, by province), a municipality's detail and status, and the figures refresh. Creating,
editing, archiving and deleting one: console_municipality.py; bulk onboarding:
console_onboarding.py; the gazetteer pickers: console_gazetteer.py. The URLs exist only in the
console's urlconf, so a municipality host answers 404 for all of them."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from kombu.exceptions import OperationalError

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors

from .. import citus
from ..forms.console import MunicipalityStatusForm
from ..models import Municipality
from ..selectors import (
    console_audit_of,
    console_municipalities,
    console_municipality_get,
    console_municipality_list,
    municipality_place,
    province_choices,
)
from ..services.console_audit import Actor
from ..services.municipalities import MunicipalityError, municipality_set_active
from ..stats import figures_for_display, municipalities_to_refresh, registered_figures, stats_refresh
from ..tasks import stats_refresh_everywhere

logger = logging.getLogger(__name__)
CONSOLE = "accounts.use_console"
PAGE_SIZE = 50


def _stats_of(municipality: Municipality):
    try:
        return municipality.stats
    except Municipality.stats.RelatedObjectDoesNotExist:
        return None


@permission_or_403(CONSOLE)
def console(request):
    search = request.GET.get("q", "").strip()[:100]
    province = request.GET.get("province", "").strip()[:2]
    archived = request.GET.get("archived") == "1"
    municipalities = (
        console_municipality_list(search=search, province_code=province, include_archived=archived)
        .select_related("stats")
        .prefetch_related("domains")
        .order_by("province_code", "name_th", "pk")
    )
    page = Paginator(municipalities, PAGE_SIZE).get_page(request.GET.get("page"))
    # The figures come from one small public table (tenants.stats), never from the schemas.
    columns = registered_figures()
    rows = []
    for municipality in page:
        stats = getattr(municipality, "stats", None)  # None until the first refresh
        stored = stats.figures if stats else {}
        rows.append({"m": municipality, "stats": stats, "values": [stored.get(f.key) for f in columns]})
    query = {k: v for k, v in (("q", search), ("province", province), ("archived", "1" if archived else ""))
             if v}
    return render(request, "tenants/console.html", {
        "page": page, "rows": rows, "columns": columns, "search": search, "province": province,
        "archived": archived, "page_query": urlencode(query),
        "provinces": province_choices(console_municipalities().values_list("province_code", flat=True)
                                      .distinct().order_by()),
    })


@permission_or_403(CONSOLE)
def municipality_detail(request, schema):
    municipality = console_municipality_get(schema_name=schema)
    stats = _stats_of(municipality)
    return render(request, "tenants/municipality_detail.html", {
        "m": municipality,
        "place": municipality_place(municipality),
        "stats": stats,
        "figures": figures_for_display(stats),
        "audit": console_audit_of(municipality),
        "on_citus": citus.enabled(),
    })


@permission_or_403(CONSOLE)
@require_POST
def municipality_refresh(request, schema):
    """One municipality's figures, counted now (a few COUNTs in its schema)."""
    municipality = console_municipality_get(schema_name=schema)
    stats_refresh(municipality=municipality)
    messages.success(request, _("The figures of %(name)s were refreshed.") % {"name": municipality.name_th})
    return redirect("tenants:municipality-detail", schema=municipality.schema_name)


@permission_or_403(CONSOLE)
@require_POST
def figures_refresh(request):
    """Every municipality's figures, by the workers: thousands of schemas do not fit a request."""
    try:
        stats_refresh_everywhere.delay()
    except OperationalError:
        logger.exception("could not enqueue the figures refresh")
        messages.error(request, _(
            "The task queue cannot be reached, so the figures were not refreshed. Try again in a "
            "few minutes, or refresh one municipality from its page."
        ))
    else:
        messages.success(request, _(
            "Refreshing the figures of %(count)d municipalities. Reload this page in a minute."
        ) % {"count": municipalities_to_refresh().count()})
    return redirect("tenants:console")


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def municipality_status(request, schema):
    municipality = console_municipality_get(schema_name=schema)
    form = MunicipalityStatusForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            municipality_set_active(
                municipality=municipality, is_active=form.is_active_wanted, actor=Actor.of(request.user)
            )
        except MunicipalityError as error:
            form_add_service_errors(form, error.as_validation_error())
        else:
            if municipality.is_active:
                messages.success(request, _("%(name)s is active again.") % {"name": municipality.name_th})
            else:
                messages.success(request, _("%(name)s is suspended.") % {"name": municipality.name_th})
            return redirect("tenants:municipality-detail", schema=municipality.schema_name)
    return render(request, "tenants/municipality_status.html", {"m": municipality, "form": form},
                  status=400 if form.errors else 200)
