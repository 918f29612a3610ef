"""The asset registry pages: list (with htmx filters), export, detail, create / edit, photos.

Every read goes through selectors.assets_for (which checks view_asset); writes go through the
services, which validate everything and save nothing when any of it is wrong.
"""

import copy
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403
from kernel.exports import READABLE, export_links, export_variant
from kernel.forms import form_add_service_errors

from .. import exports
from ..forms.assets import AssetFilterForm, AssetForm, AssetPhotoForm
from ..models import ATTRIBUTE_SPECS, Asset, AssetPhoto, Attr, Condition
from ..selectors import assets_for
from ..services import asset_create, asset_photo_add, asset_update
from ..services.photos import photo_response

PAGE_SIZE = 50
VIEW, ADD, CHANGE = "infrastructure.view_asset", "infrastructure.add_asset", "infrastructure.change_asset"


def _list_context(request) -> dict:
    form = AssetFilterForm(request.GET)
    filters = form.filters()
    assets = assets_for(request.user, filters=filters)
    # The list never draws shapes: leave the geometry (the heaviest column) in the database.
    page = Paginator(assets.defer("geometry", "notes"), PAGE_SIZE).get_page(request.GET.get("page"))
    by_condition = dict(assets.order_by().values_list("condition").annotate(n=Count("id")))
    query = urlencode(filters)
    return {
        "filter_form": form,
        "filters": filters,
        "to_draw": assets.filter(line_pending=True).count(),
        "to_draw_query": urlencode({k: v for k, v in filters.items() if k in ("asset_type", "community")}),
        "page": page,
        "page_query": query,
        "condition_counts": [
            {"value": c.value, "label": c.label, "count": by_condition.get(c.value, 0)} for c in Condition
        ],
        "export_links": _export_links(filters),
    }


@permission_or_403(VIEW)
def asset_list(request):
    context = _list_context(request)
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.boosted and not htmx.history_restore_request
    template = "infrastructure/_asset_results.html" if partial else "infrastructure/asset_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response

# --- Export -----------------------------------------------------------------------------------


@permission_or_403(VIEW)
def asset_export(request):
    fmt = request.GET.get("format", "csv")
    variant = export_variant(request.GET.get("variant"))
    filters = AssetFilterForm(request.GET).filters()
    assets = assets_for(request.user, filters=filters)
    stem = f"assets-{request.tenant.schema_name}-{timezone.localdate():%Y%m%d}"
    return exports.asset_export_response(assets, fmt=fmt, stem=stem, asset_type=filters.get("asset_type"),
                                         variant=variant)


def _export_links(filters: dict) -> list[dict]:
    """As the list reads (CSV, Excel), the same for re-import, and GeoJSON for GIS software."""
    geojson = {"format": "geojson", "variant": READABLE, "label": "GeoJSON",
               "query": urlencode({**filters, "format": "geojson"})}
    return [*export_links(filters, importable=True), geojson]


def _attribute_rows(asset: Asset) -> list[tuple[str, str]]:
    """(label, shown value) of the asset's type-specific facts, in the spec's order."""
    specs: dict[str, Attr] = ATTRIBUTE_SPECS.get(asset.asset_type, {})
    values = asset.attributes or {}
    thai = (translation.get_language() or "th").split("-")[0] == "th"
    rows = []
    for name, spec in specs.items():
        if name not in values:
            continue
        value = values[name]
        if spec.kind == "choice":
            value = next((th if thai else en for v, en, th in spec.choices if v == value), value)
        elif spec.kind == "bool":
            value = _("Yes") if value else _("No")
        elif isinstance(value, float):
            value = f"{value:,.2f}".rstrip("0").rstrip(".")
        elif isinstance(value, int):
            value = f"{value:,}"
        rows.append((spec.label, value))
    return rows


def _detail_context(request, asset: Asset, photo_form=None) -> dict:
    return {
        "asset": asset,
        "attribute_rows": _attribute_rows(asset),
        "photos": asset.photos.select_related("uploaded_by"),
        "history": asset.condition_history.select_related("changed_by"),
        "map_data": {"geometry": json.loads(asset.geometry.geojson), "condition": asset.condition,
                     "line_pending": asset.line_pending},
        "photo_form": photo_form if photo_form is not None else AssetPhotoForm(),
        "can_change": request.user.has_perm(CHANGE),
    }


@permission_or_403(VIEW)
def asset_detail(request, pk: int):
    asset = get_object_or_404(assets_for(request.user).select_related("created_by", "updated_by"), pk=pk)
    return render(request, "infrastructure/asset_detail.html", _detail_context(request, asset))


@permission_or_403(CHANGE)
@require_POST
def asset_photo_add_view(request, pk: int):
    asset = get_object_or_404(assets_for(request.user), pk=pk)
    form = AssetPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            asset_photo_add(asset=asset, user=request.user, image=form.cleaned_data["image"],
                            caption=form.cleaned_data["caption"])
        except ValidationError as error:
            form_add_service_errors(form, error, unnamed="image")
        else:
            messages.success(request, _("The photo was added."))
            return redirect("infrastructure:asset-detail", pk=asset.pk)
    context = _detail_context(request, asset, photo_form=form)
    return render(request, "infrastructure/asset_detail.html", context, status=400)


@permission_or_403(VIEW)
def asset_photo(request, pk: int, photo_pk: int):
    """A photo, only to people who may see the asset (media files are never served publicly)."""
    asset = get_object_or_404(assets_for(request.user), pk=pk)
    photo: AssetPhoto = get_object_or_404(asset.photos, pk=photo_pk)
    return photo_response(photo.image, download_name=f"asset-{asset.pk}-photo-{photo.pk}",
                          cache_control="private, max-age=3600")


def _form(request, *, instance=None):
    return AssetForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=instance, centre=request.tenant.centre, csp_nonce=getattr(request, "csp_nonce", None),
    )


def _form_context(form: AssetForm, asset: Asset | None) -> dict:
    return {
        "form": form,
        "asset": asset,
        "communities": AssetFilterForm().fields["community"].choices[1:],
        "draw_hints": form.draw_hints(),
    }


@permission_or_403(ADD)
@require_http_methods(["GET", "POST"])
def asset_create_view(request):
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo")
        try:
            asset = asset_create(user=request.user, data=form.service_data(), photos=[photo] if photo else [])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Asset %(code)s was added.") % {"code": asset.code})
            return redirect("infrastructure:asset-detail", pk=asset.pk)
    return render(request, "infrastructure/asset_form.html", _form_context(form, None),
                  status=400 if form.errors else 200)


@permission_or_403(CHANGE)
@require_http_methods(["GET", "POST"])
def asset_update_view(request, pk: int):
    asset = get_object_or_404(assets_for(request.user), pk=pk)
    form = _form(request, instance=asset)
    if request.method == "POST" and form.is_valid():
        try:
            # The service sets the new values on the object it gets; keep ours for the page.
            asset_update(asset=copy.copy(asset), user=request.user, data=form.service_data(),
                         note=form.cleaned_data.get("condition_note", ""))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Asset %(code)s was saved.") % {"code": form.cleaned_data["code"]})
            return redirect("infrastructure:asset-detail", pk=asset.pk)
    return render(request, "infrastructure/asset_form.html", _form_context(form, asset),
                  status=400 if form.errors else 200)
