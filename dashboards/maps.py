"""What the dashboard's two maps get in their json_script blocks (drawn by
static/js/dashboards/dashboard.js): the features, the municipality's outline as a fallback base,
and the words and links of the popup a tap opens."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.maps import municipality_outline

REQUEST_PERM = "infrastructure.view_servicerequest"
ASSET_PERM = "infrastructure.view_asset"
HOUSEHOLD_PERM = "smarthealth.view_household"
HOTSPOT_ZOOM = 17  # the request map opens on a hotspot square at street level


def _centre(tenant) -> list[float] | None:
    centre = getattr(tenant, "centre", None)
    return [centre.y, centre.x] if centre else None


def hotspot_map_data(request, cells: list[dict]) -> dict:
    """The hotspot map: squares of requests received in the period, each opening a popup with
    its count and, for those who may open it, a link to the map of open requests there."""
    may_open = request.user.has_perm(REQUEST_PERM)
    return {
        "cells": cells,
        "centre": _centre(request.tenant),
        "outline": municipality_outline(municipality=request.tenant),
        "zoom": HOTSPOT_ZOOM,
        "requestMap": reverse("infrastructure:request-map") if may_open else None,
        "text": {
            "kind": _("Requests in this square (about 275 m)"),
            "count": _("Received in the period"),
            "open": _("See the open requests here"),
        },
    }


def disaster_map_data(request, *, summary: dict, centres: dict, households: list[dict] | None = None,
                      hazards: list[dict] | None = None) -> dict:
    """The disaster map. Every reader: one circle per community at the centre of its recorded
    households, with its count (hidden counts say "fewer than 5"). Health roles also get the
    hazards with their zone and the households at risk, each opening a popup that says what it is
    and links to its page."""
    user = request.user
    pages = {"request": ("infrastructure:request-detail", REQUEST_PERM),
             "asset": ("infrastructure:asset-detail", ASSET_PERM)}
    for hazard in hazards or []:
        name, perm = pages[hazard["source"]]
        hazard["url"] = reverse(name, args=[hazard["id"]]) if user.has_perm(perm) else None
    may_open = user.has_perm(HOUSEHOLD_PERM)
    communities = [
        {"at": centres[c["community"]], "name": c["community"] or _("No community recorded"),
         "households": c["households"],
         "count": _("fewer than 5") if c["hidden"] else str(c["households"])}
        for c in summary["by_community"] if c["community"] in centres
    ]
    return {
        "centre": _centre(request.tenant),
        "outline": municipality_outline(municipality=request.tenant),
        "communities": communities,
        "households": [
            {"at": h["location"], "bedbound": h["risk"].bedbound > 0,
             "label": f"{h['household'].house_no} · {h['household'].community}",
             "kind": h["kind_label"],
             "url": reverse("smarthealth:household-detail", args=[h["household"].pk]) if may_open else None}
            for h in households or []
        ],
        "hazards": hazards or [],
        "text": {
            "household": _("Household at risk"), "hazard": _("Hazard"), "nearest": _("Nearest hazard"),
            "openHousehold": _("Open the household"), "openHazard": _("Open details"),
            "community": _("Community"), "households": _("Households at risk"),
        },
    }
