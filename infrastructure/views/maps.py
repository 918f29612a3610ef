"""The asset map, the map of open service requests, and the vector tiles, popups and search
behind them.

Both maps are Leaflet pages fed with Mapbox vector tiles cut by PostGIS (`kernel.tiles`,
`infrastructure.tiles`) from the same access-checked selectors as the list pages, so a map can
never show an asset or a request its user could not open in a list, nor another municipality's
(one schema each). The same holds for the asset map's search and its road/drain base layer.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from accounts.decorators import permission_or_403
from kernel.i18n import bilingual
from kernel.numbers import grouped
from kernel.thaidate import thai_datetime
from kernel.tiles import mvt_layers, mvt_tile, tile_is_valid, tile_response
from tenants.maps import municipality_outline

from .. import selectors
from ..models import AssetStatus, AssetType, Condition, RequestCategory
from ..search import asset_search
from ..tiles import BASE_MIN_ZOOM, BASE_TYPES, base_sql, cluster_sql, detail_sql, detail_zoom
from ..validators import GEOMETRY_KINDS, POINT

REQUEST_FIELDS = ("id", "tracking_code", "category", "priority", "status", "overdue")
REQUEST_LAYER = "requests"

TILE_MAX_AGE = 30  # seconds: an edit shows on the map after at most this long
SEARCH_MIN_LENGTH = 2  # characters: one Thai letter or digit matches half the register
BASE_TILE_MAX_AGE = 300  # the road and drain network under the asset map changes rarely


# --- Filters ----------------------------------------------------------------------------------

class AssetMapFilters(forms.Form):
    """What the asset map shows: the filters travel as query parameters, to the page (so a view
    can be bookmarked or shared) and to every tile."""

    type = forms.MultipleChoiceField(
        label=gettext_lazy("Layers"), choices=AssetType.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    condition = forms.ChoiceField(
        label=gettext_lazy("Condition"), required=False,
        choices=[("", gettext_lazy("All conditions")), *Condition.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False,
        choices=[("", gettext_lazy("All statuses")), *AssetStatus.choices],
    )
    community = forms.CharField(label=gettext_lazy("Community"), required=False, max_length=120)
    # Sent by the filter form, so "no layer ticked" differs from "no choice made yet" (= all).
    layers = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def types(self) -> list[str]:
        chosen = self.cleaned_data["type"]
        if chosen or self.cleaned_data["layers"]:
            return [t for t in AssetType.values if t in chosen]
        return list(AssetType.values)

    def selector_filters(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("condition", "status", "community")}


class RequestMapFilters(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), required=False,
        choices=[("", gettext_lazy("All categories")), *RequestCategory.choices],
    )


def _bad_filters(form: forms.Form) -> HttpResponseBadRequest:
    fields = ", ".join(sorted(form.errors))
    return HttpResponseBadRequest(
        bilingual(gettext_lazy("Unknown map filter value in: %(fields)s"), {"fields": fields}),
        content_type="text/plain; charset=utf-8",
    )


# --- Shared page context ----------------------------------------------------------------------

def _municipality_geo(tenant) -> dict:
    """Where the map opens, and the outline it draws as a fallback base (tenants/maps.py)."""
    return {
        "centre": [tenant.centre.y, tenant.centre.x] if tenant.centre else None,
        "outline": municipality_outline(municipality=tenant),
        "name": tenant.name_th,
    }


def _url_template(name: str, args: tuple, placeholders: dict[str, str]) -> str:
    """A URL with {placeholders} for the browser to fill, from a reverse() with dummy numbers."""
    url = reverse(name, args=args)
    for dummy, placeholder in placeholders.items():
        url = url.replace(dummy, placeholder)
    return url


_DUMMY_ID = "987654321"


# --- The asset map ----------------------------------------------------------------------------

@require_GET
@permission_or_403("infrastructure.view_asset")
def asset_map(request):
    form = AssetMapFilters(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A hand-edited or outdated link: show everything, and say which filter was ignored.
        form = AssetMapFilters(data={"layers": False}, initial={})
        form.is_valid()
        filter_error = _("A filter in the link was not understood and has been reset.")
    else:
        filter_error = None
        if not form.is_bound:
            form = AssetMapFilters(data={})
            form.is_valid()
    types = form.types()
    counts = _type_counts(request.user, form)
    layers = [
        {"value": value, "label": label, "count": counts.get(value, 0), "checked": value in types,
         "shape": _shape(value)}
        for value, label in AssetType.choices
    ]
    config = {
        "tiles": _url_template("infrastructure:asset-tiles", (11, 22, 33),
                               {"/11/22/33.mvt": "/{z}/{x}/{y}.mvt"}),
        "base": _url_template("infrastructure:asset-base-tiles", (11, 22, 33),
                              {"/11/22/33.mvt": "/{z}/{x}/{y}.mvt"}),
        "baseMinZoom": BASE_MIN_ZOOM,
        "popup": _url_template("infrastructure:asset-popup", (int(_DUMMY_ID),), {_DUMMY_ID: "{id}"}),
        "counts": reverse("infrastructure:asset-map-counts"),
        "search": reverse("infrastructure:asset-map-search"),
        "list": reverse("infrastructure:asset-list"),
        "detailZoom": {t: detail_zoom(t) for t in AssetType.values},
        "geo": _municipality_geo(request.tenant),
        "labels": {
            "types": {value: str(label) for value, label in AssetType.choices},
            "conditions": {value: str(label) for value, label in Condition.choices},
            "worst": _("Worst condition"), "count": _("Number"),
        },
        "text": {
            "assets": _("assets"), "zoomIn": _("Zoom in to see each one"), "open": _("Open details"),
            "failed": _("Could not load the details. Try again."), "loading": _("Loading…"),
            "group": _("A group of nearby assets"), "inList": _("Show them in the list"),
            "searching": _("Searching…"),
            "searchNone": _("No asset matches. Try part of its code or name, or the street."),
            # "%(count)s" is filled in by the browser.
            "searchSome": _("%(count)s found: choose one to see it on the map."),
            "searchFailed": _("The search did not answer. Try again."),
        },
    }
    to_draw = selectors.assets_to_draw(request.user, filters=form.selector_filters()).count()
    return render(request, "infrastructure/asset_map.html", {
        "form": form,
        "filter_error": filter_error,
        "layers": layers,
        "total": sum(counts.get(t, 0) for t in types),
        "conditions": Condition.choices,
        "communities": selectors.asset_communities(),
        "map_config": config,
        "can_add": request.user.has_perm("infrastructure.add_asset"),
        "to_draw": to_draw,
    })


def _type_counts(user, form: AssetMapFilters) -> dict[str, int]:
    """How many assets of each type pass the filters other than the layer choice."""
    counted = (
        selectors.assets_for(user, filters=form.selector_filters())
        .values_list("asset_type").annotate(n=Count("id")).order_by()
    )
    return dict(counted)


@require_GET
@permission_or_403("infrastructure.view_asset")
def asset_map_counts(request):
    """The legend's numbers for new filters, so the map page need not reload."""
    form = AssetMapFilters(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    counts = _type_counts(request.user, form)
    total = sum(counts.get(t, 0) for t in form.types())
    return JsonResponse({
        "counts": {t: counts.get(t, 0) for t in AssetType.values},
        "total": total,
        "total_text": ngettext(
            "%(count)s asset matches the filters", "%(count)s assets match the filters", total
        ) % {"count": grouped(total)},
    })


@require_GET
@permission_or_403("infrastructure.view_asset")
def asset_map_search(request):
    """The asset map's search box: assets whose code or name (a street's, for roads and what
    stands along them) holds `q`, with where to fly to. Access as for the map's tiles."""
    q = (request.GET.get("q") or "").strip()[:100]
    found = asset_search(request.user, q=q) if len(q) >= SEARCH_MIN_LENGTH else []
    return JsonResponse({"q": q, "results": [_search_result(asset) for asset in found]})


def _search_result(asset) -> dict:
    geometry = asset.geometry
    west, south, east, north = geometry.extent
    at = geometry if geometry.geom_type == "Point" else geometry.point_on_surface
    return {
        "id": asset.pk,
        "code": asset.code,
        "name": asset.name,
        "asset_type": asset.asset_type,
        "type_label": str(asset.get_asset_type_display()),
        "condition_label": str(asset.get_condition_display()),
        "at": [round(at.y, 7), round(at.x, 7)],
        "bounds": [[round(south, 7), round(west, 7)], [round(north, 7), round(east, 7)]],
        "point": geometry.geom_type == "Point",
    }


def _shape(asset_type: str) -> str:
    kinds = GEOMETRY_KINDS.get(asset_type, ())
    if kinds == POINT:
        return "point"
    if "Polygon" in kinds:
        return "area"
    return "line"


@require_GET
@permission_or_403("infrastructure.view_asset")
def asset_tiles(request, z: int, x: int, y: int):
    if not tile_is_valid(z, x, y):
        raise Http404("no such tile")
    form = AssetMapFilters(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    # Tiles need no order: dropping the list order (by code) spares a sort of the whole tile.
    assets = selectors.assets_for(request.user, filters=form.selector_filters()).order_by()
    # One MVT layer per asset type, named by the type: the browser styles and toggles layers by
    # name. MVT layers concatenate byte for byte into one tile.
    layers = []
    for asset_type in form.types():
        layer = assets.filter(asset_type=asset_type)
        if z < detail_zoom(asset_type):
            layers.append(cluster_sql(layer, layer=asset_type, z=z, x=x, y=y))
        else:
            layers.append(detail_sql(layer, layer=asset_type, z=z, x=x, y=y))
    return tile_response(mvt_layers(layers), max_age=TILE_MAX_AGE)


@require_GET
@permission_or_403("infrastructure.view_asset")
def asset_base_tiles(request, z: int, x: int, y: int):
    """The road and drain lines the municipality holds, shapes only, whatever the filters: the
    asset map draws them faintly as a base that does not depend on the base-map tile server."""
    if not tile_is_valid(z, x, y):
        raise Http404("no such tile")
    if z < BASE_MIN_ZOOM:
        return tile_response(b"", max_age=BASE_TILE_MAX_AGE)
    assets = selectors.assets_for(request.user).order_by()
    layers = [base_sql(assets.filter(asset_type=t), layer=t, z=z, x=x, y=y) for t in BASE_TYPES]
    return tile_response(mvt_layers(layers), max_age=BASE_TILE_MAX_AGE)


@require_GET
@permission_or_403("infrastructure.view_asset")
def asset_popup(request, pk: int):
    asset = selectors.assets_for(request.user).filter(pk=pk).first()
    if asset is None:
        raise Http404("no such asset")
    return JsonResponse({
        "id": asset.pk,
        "code": asset.code,
        "name": asset.name,
        "asset_type": asset.asset_type,
        "type_label": str(asset.get_asset_type_display()),
        "condition": asset.condition,
        "condition_label": str(asset.get_condition_display()),
        "status_label": str(asset.get_status_display()),
        "community": asset.community,
        "url": reverse("infrastructure:asset-detail", args=[asset.pk]),
        "labels": {"type": _("Type"), "condition": _("Condition"), "status": _("Status"),
                   "community": _("Community")},
        **_pending_popup(request, asset),
    })


def _pending_popup(request, asset) -> dict:
    """What the popup says of an asset held at its point until its shape is drawn, with a link to
    the form where it is drawn for those who may edit."""
    if not asset.line_pending:
        return {"line_pending": False}
    area = asset.is_area_type
    can_change = request.user.has_perm("infrastructure.change_asset")
    return {
        "line_pending": True,
        "pending_label": _("Outline not drawn yet") if area else _("Line not drawn yet"),
        "draw_label": (_("Draw the outline") if area else _("Draw the line")) if can_change else "",
        "draw_url": reverse("infrastructure:asset-update", args=[asset.pk]) if can_change else "",
    }


# --- The map of open service requests ---------------------------------------------------------

def _open_requests(request, category: str | None):
    now = timezone.now()
    return (
        selectors.service_requests_for(request.user, queue="open", category=category or None)
        .order_by()
        .annotate(overdue=ExpressionWrapper(Q(due_at__lt=now), output_field=BooleanField()))
    )


@require_GET
@permission_or_403("infrastructure.view_servicerequest")
def request_map(request):
    form = RequestMapFilters(request.GET)
    filter_error = None
    if not form.is_valid():
        form = RequestMapFilters(data={})
        form.is_valid()
        filter_error = _("A filter in the link was not understood and has been reset.")
    category = form.cleaned_data["category"]
    counts = selectors.service_request_counts_by_category(request.user, category=category or None)
    config = {
        "tiles": _url_template("infrastructure:request-tiles", (11, 22, 33),
                               {"/11/22/33.mvt": "/{z}/{x}/{y}.mvt"}),
        "popup": _url_template("infrastructure:request-popup", (int(_DUMMY_ID),), {_DUMMY_ID: "{id}"}),
        "layer": REQUEST_LAYER,
        "geo": _municipality_geo(request.tenant),
        "text": {"open": _("Open the request"), "failed": _("Could not load the details. Try again."),
                 "kind": _("Service request")},
    }
    # Reported in words only, they have no dot: say how many, and where to find them.
    unpinned = selectors.service_requests_for(
        request.user, queue="open", category=category or None, unpinned=True).count()
    unpinned_query = urlencode({"queue": "open", **({"category": category} if category else {}),
                                "pin": "none"})
    return render(request, "infrastructure/request_map.html", {
        "form": form,
        "filter_error": filter_error,
        "unpinned": unpinned,
        "unpinned_url": f"{reverse('infrastructure:request-list')}?{unpinned_query}",
        "total": sum(c["open"] for c in counts.values()),
        "overdue": sum(c["overdue"] for c in counts.values()),
        "map_config": config,
    })


@require_GET
@permission_or_403("infrastructure.view_servicerequest")
def request_tiles(request, z: int, x: int, y: int):
    if not tile_is_valid(z, x, y):
        raise Http404("no such tile")
    form = RequestMapFilters(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    # Open requests are hundreds, not tens of thousands: every one travels at every zoom. The
    # reporter's name, phone and e-mail never enter a tile.
    data = mvt_tile(
        _open_requests(request, form.cleaned_data["category"]), layer=REQUEST_LAYER,
        fields=REQUEST_FIELDS, geometry_field="location", z=z, x=x, y=y,
    )
    return tile_response(data, max_age=TILE_MAX_AGE)


@require_GET
@permission_or_403("infrastructure.view_servicerequest")
def request_popup(request, pk: int):
    item = selectors.service_requests_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404("no such request")
    now = timezone.now()
    left = item.time_left(now)
    return JsonResponse({
        "id": item.pk,
        "tracking_code": item.tracking_code,
        "category_label": str(item.get_category_display()),
        "priority": item.priority,
        "priority_label": str(item.get_priority_display()),
        "status": item.status,
        "status_label": str(item.get_status_display()),
        "description": _shorten(item.description, 160),
        "address": item.address_text,
        "due": _due_text(item, left),
        "overdue": item.is_overdue(now),
        "url": reverse("infrastructure:request-detail", args=[item.pk]),
        "labels": {"priority": _("Priority"), "status": _("Status"), "due": _("Due"),
                   "address": _("Location")},
    })


def _shorten(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _due_text(item, left: timedelta | None) -> str:
    due = thai_datetime(timezone.localtime(item.due_at), short=True)
    if left is None:
        return due
    hours = int(abs(left.total_seconds()) // 3600)
    if left.total_seconds() < 0:
        return _("%(due)s (overdue by %(hours)s h)") % {"due": due, "hours": hours}
    return _("%(due)s (%(hours)s h left)") % {"due": due, "hours": hours}

