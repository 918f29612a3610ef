"""The municipality's own home-page widgets (the platform's, in no module): who we are, and
where. Registered from TenantsConfig.ready(); the domain apps register theirs in their own
widgets.py."""

import json

from django.utils.translation import gettext_lazy as _

from .registry import Widget, register_widget
from .selectors import municipality_place


def facts_context(request) -> dict:
    tenant = request.tenant
    return {"tenant": tenant, "place": municipality_place(tenant)}


def map_context(request) -> dict:
    tenant = request.tenant
    if not tenant.centre:
        return {"map_data": None}
    return {
        "map_data": {
            "centre": [tenant.centre.y, tenant.centre.x],
            "name": tenant.name_th,
            "boundary": json.loads(tenant.boundary.geojson) if tenant.boundary else None,
        }
    }


register_widget(Widget(
    "municipality.facts", _("About the municipality"), None, "widgets/municipality_facts.html",
    context=facts_context, default_width="half", order=10,
))
register_widget(Widget(
    "municipality.map", _("Map of the municipality"), None, "widgets/municipality_map.html",
    context=map_context, default_width="half", order=20, leaflet=True, scripts=("js/home-map.js",),
    # A map narrower than a third of the page is too small to read.
    widths=("half", "full"),
))
