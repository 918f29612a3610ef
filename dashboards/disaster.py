"""The disaster view (★): households with a bedridden or disabled member near a hazard — an open
flood / drain / road request, or a drain in poor condition or out of service.

This is the live emergency view, so it reads the domain tables directly, in ONE statement: the
hazards drive the search (they are few), each finds the households around it through the GiST
index on household.location (a degree margin), then the exact distance on the spheroid
(geography) decides; the members' current ADL group is looked up only for those households.

Two readers: `disaster_summary` gives counts only (executive, engineer: no names, no household
identifiers); `disaster_households` gives the list and the map to roles that see persons (nurse,
administrator) and writes one audit row per view, like the care lists.
"""

import json
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from infrastructure.geo import degrees_margin
from infrastructure.models import OPEN_STATUSES, Condition, RequestCategory
from kernel.permissions import require_perm
from smarthealth.audit import audit_log
from smarthealth.models import AccessLog, Person
from smarthealth.rules import AdlGroup, Disability
from smarthealth.selectors import households_for, persons_for

DEFAULT_METRES, MIN_METRES, MAX_METRES = 200, 50, 1000
# Counts of households from 1 to 4 are hidden from count-only readers (the "fewer than 5" rule the
# national snapshot applies too).
SMALL_CELL_MIN, SMALL_CELL_MAX = 1, 4
HAZARD_CATEGORIES = (RequestCategory.FLOOD, RequestCategory.DRAIN, RequestCategory.ROAD)
DRAIN_CONDITIONS = (Condition.POOR, Condition.OUT_OF_SERVICE)
KINDS = {
    "flood": _("Open flooding request"),
    "drain": _("Open drain request"),
    "road": _("Open road request"),
    "drain_poor": _("Drain in poor condition or out of service"),
}

_HAZARDS = """
    SELECT 'request' AS source, r.id AS hazard_id, r.category AS kind, r.location AS geom
      FROM infrastructure_servicerequest r
     WHERE r.status = ANY(%(open)s) AND r.category = ANY(%(categories)s)
    UNION ALL
    SELECT 'asset', a.id, 'drain_poor', a.geometry
      FROM infrastructure_asset a
     WHERE a.asset_type = 'drain' AND a.condition = ANY(%(conditions)s) AND a.status <> 'retired'
"""

# One row per (household, hazard kind): the nearest hazard of that kind within the distance.
_SQL = """
WITH hazard AS (""" + _HAZARDS + """),
near AS (
    SELECT DISTINCT ON (h.id, hz.kind) h.id AS household_id, hz.kind, hz.source, hz.hazard_id,
           ST_Distance(hz.geom::geography, h.location::geography) AS distance
      FROM hazard hz
      JOIN smarthealth_household h
        ON ST_DWithin(h.location, hz.geom, %(margin)s)
       AND ST_DWithin(h.location::geography, hz.geom::geography, %(metres)s)
     ORDER BY h.id, hz.kind, distance, hz.source, hz.hazard_id
),
members AS (
    SELECT pe.household_id, count(*) AS living,
           count(*) FILTER (WHERE adl."group" = 'bedbound') AS bedbound,
           count(*) FILTER (WHERE pe.disability <> 'none') AS disabled
      FROM smarthealth_person pe
      LEFT JOIN LATERAL (SELECT a."group" FROM smarthealth_adlassessment a WHERE a.person_id = pe.id
                          ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) adl ON true
     WHERE pe.status = 'living' AND pe.household_id IN (SELECT household_id FROM near)
     GROUP BY pe.household_id
)
SELECT n.household_id, h.community, n.kind, n.source, n.hazard_id, n.distance,
       m.living, m.bedbound, m.disabled
  FROM near n
  JOIN members m ON m.household_id = n.household_id
  JOIN smarthealth_household h ON h.id = n.household_id
 WHERE m.bedbound > 0 OR m.disabled > 0
 ORDER BY n.household_id, n.distance
"""

_HAZARD_SHAPES = """
SELECT source, hazard_id, kind, ST_AsGeoJSON(geom, 6),
       ST_AsGeoJSON(ST_Buffer(geom::geography, %(metres)s, 'quad_segs=4')::geometry, 6)
  FROM (""" + _HAZARDS + """) hazard
"""


@dataclass
class AtRisk:
    household_id: int
    community: str
    living: int
    bedbound: int
    disabled: int
    kinds: set
    source: str  # of the nearest hazard
    hazard_id: int
    kind: str
    distance: float


def _params(metres: int) -> dict:
    return {"open": sorted(OPEN_STATUSES), "categories": [str(c) for c in HAZARD_CATEGORIES],
            "conditions": [str(c) for c in DRAIN_CONDITIONS], "metres": metres,
            "margin": degrees_margin(metres)}


def households_at_risk(*, metres: int) -> list[AtRisk]:
    """System read (no access check): callers below check the reader first."""
    if not MIN_METRES <= metres <= MAX_METRES:
        raise ValueError(metres)
    found: dict[int, AtRisk] = {}
    with connection.cursor() as cursor:
        cursor.execute(_SQL, _params(metres))
        for hid, community, kind, source, hazard_id, distance, living, bedbound, disabled in cursor:
            if hid not in found:  # rows come nearest first per household
                found[hid] = AtRisk(hid, community, living, bedbound, disabled, set(), source, hazard_id,
                                    kind, distance)
            found[hid].kinds.add(kind)
    return list(found.values())


def may_see_households(user) -> bool:
    """Names and households are for the roles that see every person (nurse, administrator)."""
    return (user.is_authenticated and user.has_perm("smarthealth.view_person")
            and (user.is_superuser or user.role in (Role.NURSE, Role.ADMIN)))


def disaster_summary(user, *, metres: int, rows: list[AtRisk] | None = None) -> dict:
    """Counts only: by community and by hazard kind. No household identifiers leave here."""
    require_perm(user, "dashboards.view_disaster")
    rows = households_at_risk(metres=metres) if rows is None else rows
    by_community = defaultdict(lambda: {"households": 0, "bedbound": 0, "disabled": 0})
    by_kind = defaultdict(int)
    for row in rows:
        c = by_community[row.community]
        c["households"] += 1
        c["bedbound"] += row.bedbound
        c["disabled"] += row.disabled
        for kind in row.kinds:
            by_kind[kind] += 1
    communities = [{"community": k, **v, "hidden": False} for k, v in sorted(by_community.items())]
    kinds = [{"kind": k, "label": label, "households": by_kind[k], "hidden": False}
             for k, label in KINDS.items()]
    if not may_see_households(user):
        _suppress_small_cells(communities, kinds)
    return {
        "households": len(rows),
        "bedbound": sum(r.bedbound for r in rows),
        "disabled": sum(r.disabled for r in rows),
        "by_community": communities,
        "by_kind": kinds,
    }


def _suppress_small_cells(communities: list[dict], kinds: list[dict]) -> None:
    """For readers who see counts only: a community row of 1–4 households is shown as "<5" (at
    50 m one household is one family: its street and its bedridden member would be named by the
    count). The rows add up to the headline totals, so when exactly one row is hidden the next
    smallest is hidden too, or subtracting would give it back. Hazard kinds overlap (a household
    near a flood and a drain counts in both), so they are no equation: only small ones are hidden."""
    for row in communities:
        row["hidden"] = SMALL_CELL_MIN <= row["households"] <= SMALL_CELL_MAX
    hidden = [row for row in communities if row["hidden"]]
    shown = sorted((row for row in communities if not row["hidden"]), key=lambda r: r["households"])
    if len(hidden) == 1 and shown:
        shown[0]["hidden"] = True
    for row in kinds:
        row["hidden"] = SMALL_CELL_MIN <= row["households"] <= SMALL_CELL_MAX
    for row in communities + kinds:
        if row["hidden"]:
            for field in ("households", "bedbound", "disabled"):
                if field in row:
                    row[field] = None


def disaster_households(user, *, metres: int, request, rows: list[AtRisk]) -> list[dict]:
    """The households at risk with their vulnerable members' names, for the health roles; one
    audit row (the distance and the count, never a name)."""
    if not may_see_households(user):
        raise PermissionDenied
    by_id = {row.household_id: row for row in rows}
    households = {h.pk: h for h in households_for(user).filter(pk__in=by_id)}
    members = defaultdict(list)
    vulnerable = (persons_for(user, filters={"status": Person.Status.LIVING})
                  .filter(household_id__in=list(households))
                  .order_by("household_id", "first_name", "last_name", "id"))
    for person in vulnerable:
        bedbound = person.current_adl_group == AdlGroup.BEDBOUND
        if bedbound or person.disability != Disability.NONE:
            members[person.household_id].append({
                "name": person.full_name, "public_id": person.public_id, "bedbound": bedbound,
                "disability": person.get_disability_display() if person.disability != Disability.NONE else "",
            })
    result = []
    for hid, household in households.items():
        row = by_id[hid]
        result.append({"household": household, "risk": row, "members": members[hid],
                       "kind_label": KINDS.get(row.kind, row.kind),
                       "location": [household.location.y, household.location.x]})
    result.sort(key=lambda r: (r["risk"].distance, r["household"].community, r["household"].house_no))
    audit_log(request=request, user=user, action=AccessLog.Action.LIST, object_type="disaster_view",
              object_ref="households", detail={"metres": metres, "count": len(result)})
    return result


def hazard_shapes(*, metres: int) -> list[dict]:
    """Every hazard's shape and its zone (buffer of `metres`) as GeoJSON, for the map."""

    with connection.cursor() as cursor:
        cursor.execute(_HAZARD_SHAPES, _params(metres))
        return [{"source": source, "id": hazard_id, "kind": kind, "label": str(KINDS.get(kind, kind)),
                 "geometry": json.loads(geometry), "zone": json.loads(zone)}
                for source, hazard_id, kind, geometry, zone in cursor]
