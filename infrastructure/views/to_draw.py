"""The "to draw" list: roads, drains, pipes, bridges and buildings that a register gave only as a
point (imported at that point, `Asset.line_pending`), each a link to the form where its line is
drawn. Reads go through the selectors, like the asset list."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.decorators import permission_or_403

from ..forms.assets import AssetToDrawFilterForm
from ..models import AssetType
from ..selectors import asset_to_draw_counts, assets_to_draw
from ..validators import DRAWABLE_TYPES
from .assets import CHANGE, PAGE_SIZE, VIEW


@permission_or_403(VIEW)
def asset_to_draw_list(request):
    form = AssetToDrawFilterForm(request.GET)
    filters = form.filters()
    assets = assets_to_draw(request.user, filters=filters)
    page = Paginator(assets.only("id", "code", "name", "asset_type", "community", "geometry", "updated_at"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    counts = asset_to_draw_counts(request.user, community=filters.get("community", ""))
    community_query = {"community": filters["community"]} if filters.get("community") else {}
    type_counts = [
        {"value": value, "label": label, "count": counts.get(value, 0),
         "query": urlencode({**community_query, "asset_type": value}),
         "active": filters.get("asset_type") == value}
        for value, label in AssetType.choices if value in DRAWABLE_TYPES
    ]
    return render(request, "infrastructure/asset_to_draw.html", {
        "filter_form": form,
        "filters": filters,
        "page": page,
        "page_query": urlencode(filters),
        "type_counts": type_counts,
        "to_draw_total": sum(counts.values()),
        "all_query": urlencode(community_query),
        "can_change": request.user.has_perm(CHANGE),
    })
