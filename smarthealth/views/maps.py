"""The health map: households coloured by the most urgent need of their living members.

What goes where (PDPA):
- tiles (bulk data) carry only the household's internal id and its need code/level — no name,
  national ID, house number or address; they are not audited (nothing personal in them);
- the popup, opened one household at a time, lists the members' names, ages and needs for the
  care team (nurse, admin, and the volunteer assigned to that household) and writes ONE 'view'
  audit row naming the household and its members' public ids.

Executives and engineers get 403 on the map, its tiles and popups, rather than a "colours only"
variant: a point at a house coloured "bedbound" or "NCD red" tells anyone who knows the street
who is ill, which is special-category health data (PDPA s. 26), not an aggregate. Their
aggregates (counts by ADL group, NCD colour, age band …) come from `selectors.health_summary`
on the dashboards, where no single household can be picked out.
"""

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.decorators import permission_or_403
from kernel.tiles import mvt_tile, tile_is_valid, tile_response
from tenants.maps import municipality_outline

from ..audit import audit_log, denials_audited
from ..models import AccessLog, Person
from ..rules import ELDERLY_AGE, NEED_LEVELS, AdlGroup, Disability, NcdColour, Need
from ..selectors import household_in_scope, household_need_levels, households_for, persons_for
from .care import person_url

TILE_LAYER = "households"
TILE_FIELDS = ("id", "need_level")

# Map colours, mildest to most urgent (the legend lists them most urgent first).
NEED_COLOURS: dict[str, str] = {
    Need.NONE: "#9aa0a6",
    Need.ELDERLY: "#2e7d32",
    Need.DISABLED: "#1565c0",
    Need.NCD_YELLOW: "#f2c200",
    Need.NCD_ORANGE: "#ef6c00",
    Need.NCD_RED: "#d32f2f",
    Need.HOMEBOUND: "#8e24aa",
    Need.BEDBOUND: "#3b0a45",
}


def _need_filter(request) -> list[str] | None:
    """`?need=bedbound,homebound` → the valid codes; None when no filter was asked for."""
    raw = request.GET.get("need")
    if raw is None or raw == "":
        return None
    return [code for code in raw.split(",") if code in NEED_LEVELS]


def person_needs(person: Person, today: dt.date) -> list[Need]:
    """Every need of one member (most urgent first), from the annotations of persons_for."""
    needs = []
    if person.current_adl_group == AdlGroup.BEDBOUND:
        needs.append(Need.BEDBOUND)
    elif person.current_adl_group == AdlGroup.HOMEBOUND:
        needs.append(Need.HOMEBOUND)
    colour = person.current_ncd_colour
    if colour in (NcdColour.RED, NcdColour.BLACK):
        needs.append(Need.NCD_RED)
    elif colour == NcdColour.ORANGE:
        needs.append(Need.NCD_ORANGE)
    elif colour == NcdColour.YELLOW:
        needs.append(Need.NCD_YELLOW)
    if person.disability != Disability.NONE:
        needs.append(Need.DISABLED)
    if person.age_on(today) >= ELDERLY_AGE:
        needs.append(Need.ELDERLY)
    return needs


@never_cache
@permission_or_403("smarthealth.view_household")
def health_map(request):
    tenant = getattr(request, "tenant", None)
    centre = getattr(tenant, "centre", None)
    households = households_for(request.user)
    legend = [{"code": need.value, "label": str(need.label), "colour": NEED_COLOURS[need],
               "level": NEED_LEVELS[need.value]} for need in reversed(Need)]
    config = {
        "centre": [centre.y, centre.x] if centre else None,
        "tiles": reverse("smarthealth:map-tiles", kwargs={"z": 0, "x": 0, "y": 0})
        .replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt"),
        "popup": reverse("smarthealth:map-popup", kwargs={"pk": 0}).replace("/0/", "/{id}/"),
        "layer": TILE_LAYER,
        "needs": legend,
        # The municipality's outline, drawn as a fallback base (tenants/maps.py).
        "outline": municipality_outline(municipality=tenant) if tenant is not None else None,
        "text": {"loading": _("Loading…")},
    }
    return render(request, "smarthealth/map.html", {
        "legend": legend,
        "map_config": config,
        "located": households.filter(location__isnull=False).count(),
        "unlocated": households.filter(location__isnull=True).count(),
        "base_tiles": settings.MAP_TILES_URL,
    })


@permission_or_403("smarthealth.view_household")
def health_map_tile(request, z: int, x: int, y: int):
    if not tile_is_valid(z, x, y):
        raise Http404
    households = household_need_levels(households_for(request.user).filter(location__isnull=False))
    needs = _need_filter(request)
    if needs == []:  # only unknown codes (or "-", every box unticked): nothing to draw
        return tile_response(b"")
    if needs is not None:
        households = households.filter(need_level__in=[NEED_LEVELS[code] for code in needs])
    data = mvt_tile(households, layer=TILE_LAYER, fields=TILE_FIELDS, z=z, x=x, y=y,
                    geometry_field="location")
    return tile_response(data)


@never_cache
@denials_audited(object_type="household", ref_kwarg="pk")
@permission_or_403("smarthealth.view_household")
def health_map_popup(request, pk: int):
    # Unknown, or not assigned to this volunteer: the same 404, and a DENIED row.
    household_in_scope(request.user, pk, action=AccessLog.Action.VIEW, request=request)
    household = household_need_levels(households_for(request.user)).filter(pk=pk).first()
    if household is None:
        raise Http404
    today = timezone.localdate()
    members = []
    if request.user.has_perm("smarthealth.view_person"):
        people = persons_for(request.user, filters={"household": household.pk,
                                                    "status": Person.Status.LIVING})
        for person in people.order_by("birth_date", "id"):
            needs = person_needs(person, today)
            members.append({"person": person, "age": person.age_on(today),
                            "url": person_url(person.public_id),
                            "needs": [{"label": n.label, "colour": NEED_COLOURS[n]} for n in needs]})
        audit_log(request=request, user=request.user, action=AccessLog.Action.VIEW,
                  object_type="household", object_ref=str(household.pk),
                  detail={"via": "map", "persons": [str(m["person"].public_id) for m in members]})
    household_url = reverse("smarthealth:household-detail", kwargs={"pk": household.pk})
    need = Need(household.need)
    return render(request, "smarthealth/care_map_popup.html", {
        "household": household, "household_url": household_url, "members": members,
        "need": {"label": need.label, "colour": NEED_COLOURS[need]},
    })
