"""The asset map, the map of open service requests, and the vector tiles and popups behind them.

Both maps are Leaflet pages fed with Mapbox vector tiles cut by PostGIS (`kernel.tiles`)
from the same access-checked selectors as the list pages, so a map can never show an asset or a
request its user could not open in a list, nor another municipality's (one schema each).
"""

import json
from datetime import timedelta

from django import forms
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET
from psycopg import sql

from accounts.decorators import permission_or_403
from kernel.i18n import bilingual
from kernel.thaidate import thai_datetime
from kernel.tiles import (
    BUFFER,
    EXTENT,
    mvt_layers,
    mvt_sql,
    mvt_tile,
    tile_bounds,
    tile_is_valid,
    tile_response,
)

from .. import selectors
from ..models import AssetStatus, AssetType, Condition, RequestCategory
from ..validators import GEOMETRY_KINDS, POINT

ASSET_FIELDS = ("id", "asset_type", "condition", "code", "name")
REQUEST_FIELDS = ("id", "tracking_code", "category", "priority", "status", "overdue")
REQUEST_LAYER = "requests"

# How the asset tiles stay light with 100,000 assets (a pilot-sized town has a few thousand):
# from DETAIL_ZOOM on (a tile ≈ 2.4 km wide) every asset is its own feature, with only the
# fields the map needs. Below it one tile covers a whole town, and 100,000 assets one by one
# would be megabytes per tile and seconds of encoding (measured by `bench/map`: a z12 tile of
# the centre was 2.2 MB). There each layer travels as a grid of clusters instead: one point per
# occupied cell of 1/8 × 1/8 tile (32 screen pixels) with the number of assets in it and the
# worst condition among them, computed by the query that encodes the tile (GROUP BY on the
# cell of each asset's bounding-box centre: no per-row reprojection). An asset is counted in
# the one tile that holds its centre, so counts add up across tiles.
DETAIL_ZOOM = 14
CLUSTER_CELLS = 8  # per tile side
TILE_MAX_AGE = 30  # seconds: an edit shows on the map after at most this long
_SEVERITY = ("good", "fair", "poor", "out_of_service")  # worst last: a cluster shows its worst


def detail_zoom(asset_type: str) -> int:
    """The first zoom at which assets of this type travel one by one (the same for every type
    today; a per-type answer keeps the browser and the benchmark honest if that changes)."""
    return DETAIL_ZOOM


def cluster_sql(queryset, *, layer: str, z: int, x: int, y: int) -> tuple[sql.Composed, list]:
    """The SQL (and its parameters) for grid clusters of `queryset`'s assets inside tile z/x/y,
    as one MVT layer: a point per occupied cell with `count` and the worst `condition`."""
    bounds = tile_bounds(z, x, y, margin=0)
    west, south, east, north = bounds.extent
    cell = 360.0 / 2**z / CLUSTER_CELLS  # degrees; lines up with tile edges in longitude
    source = queryset.filter(geometry__bboverlaps=bounds).values("geometry", "condition")
    inner_sql, inner_params = source.query.sql_with_params()
    query = sql.SQL(
        "SELECT ST_AsMVT(tile, %s, {extent}, 'mvt_geom') FROM ("
        " SELECT ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(avg(c.cx), avg(c.cy)), 4326), 3857),"
        " ST_TileEnvelope(%s, %s, %s), {extent}, {buffer}, true) AS mvt_geom, count(*)::int AS count,"
        " ({names})[max(c.rank) + 1] AS condition"
        " FROM (SELECT (ST_XMin(src.geometry) + ST_XMax(src.geometry)) / 2 AS cx,"
        " (ST_YMin(src.geometry) + ST_YMax(src.geometry)) / 2 AS cy,"
        " CASE src.condition {severity} ELSE 0 END AS rank FROM ({inner}) AS src) AS c"
        " WHERE c.cx >= %s AND c.cx < %s AND c.cy >= %s AND c.cy < %s"
        " GROUP BY floor(c.cx / %s), floor(c.cy / %s)"
        ") AS tile WHERE tile.mvt_geom IS NOT NULL"
    ).format(
        extent=sql.Literal(EXTENT),
        buffer=sql.Literal(BUFFER),
        names=sql.SQL("ARRAY[{}]").format(sql.SQL(", ").join(sql.Literal(n) for n in _SEVERITY)),
        severity=sql.SQL(" ").join(
            sql.SQL("WHEN {} THEN {}").format(sql.Literal(name), sql.Literal(rank))
            for rank, name in enumerate(_SEVERITY)
        ),
        inner=sql.SQL(inner_sql),
    )
    params = [layer, z, x, y, *inner_params, west, east, south, north, cell, cell]
    return query, params


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
    return {
        "centre": [tenant.centre.y, tenant.centre.x] if tenant.centre else None,
        "boundary": json.loads(tenant.boundary.geojson) if tenant.boundary else None,
        "name": tenant.name_th,
    }


def _url_template(name: str, args: tuple, placeholders: dict[str, str]) -> str:
    """A URL with {placeholders} for the browser to fill, from a reverse() with dummy numbers."""
    url = reverse(name, args=args)
    for dummy, placeholder in placeholders.items():
        url = url.replace(dummy, placeholder)
    return url


_DUMMY_ID = "987654321"


def _detail_url(name: str, obj, *alternatives) -> str | None:
    """The staff detail page of `obj` when its URL exists (the pages are their own module):
    tried with the primary key, then with the other identifiers given."""
    for arg in (obj.pk, *alternatives):
        try:
            return reverse(name, args=[arg])
        except NoReverseMatch:
            continue
    return None


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
        "popup": _url_template("infrastructure:asset-popup", (int(_DUMMY_ID),), {_DUMMY_ID: "{id}"}),
        "counts": reverse("infrastructure:asset-map-counts"),
        "detailZoom": {t: detail_zoom(t) for t in AssetType.values},
        "geo": _municipality_geo(request.tenant),
        "text": {
            "assets": _("assets"), "zoomIn": _("Zoom in to see each one"), "open": _("Open details"),
            "failed": _("Could not load the details. Try again."),
        },
    }
    return render(request, "infrastructure/asset_map.html", {
        "form": form,
        "filter_error": filter_error,
        "layers": layers,
        "total": sum(counts.get(t, 0) for t in types),
        "conditions": Condition.choices,
        "communities": selectors.asset_communities(),
        "map_config": config,
        "can_add": request.user.has_perm("infrastructure.add_asset"),
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
        ) % {"count": total},
    })


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
            layers.append(mvt_sql(layer, layer=asset_type, fields=ASSET_FIELDS, z=z, x=x, y=y))
    return tile_response(mvt_layers(layers), max_age=TILE_MAX_AGE)


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
        "url": _detail_url("infrastructure:asset-detail", asset, asset.code),
        "labels": {"type": _("Type"), "condition": _("Condition"), "status": _("Status"),
                   "community": _("Community")},
    })


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
    counts = (
        selectors.service_requests_for(request.user, queue="open", category=category or None)
        .order_by()
        .aggregate(total=Count("id"), overdue=Count("id", filter=Q(due_at__lt=timezone.now())))
    )
    config = {
        "tiles": _url_template("infrastructure:request-tiles", (11, 22, 33),
                               {"/11/22/33.mvt": "/{z}/{x}/{y}.mvt"}),
        "popup": _url_template("infrastructure:request-popup", (int(_DUMMY_ID),), {_DUMMY_ID: "{id}"}),
        "layer": REQUEST_LAYER,
        "geo": _municipality_geo(request.tenant),
        "text": {"open": _("Open the request"), "failed": _("Could not load the details. Try again.")},
    }
    return render(request, "infrastructure/request_map.html", {
        "form": form,
        "filter_error": filter_error,
        "total": counts["total"],
        "overdue": counts["overdue"],
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
        "url": _detail_url("infrastructure:request-detail", item, item.tracking_code),
        "labels": {"priority": _("Priority"), "status": _("Status"), "due": _("Due")},
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

