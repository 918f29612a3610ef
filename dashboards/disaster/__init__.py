"""The disaster view (★): households with a vulnerable member near a hazard, filtered by what the
reader asks: which hazards (open flood / drain / road requests, assets of a type in poor condition
or out of service), how recently a request was reported, which vulnerability (bedridden,
homebound, disabled, elderly living alone) and how far.

This is the live emergency view, so it reads the domain tables directly, in ONE statement: the
hazards drive the search (they are few), each finds the households around it through the GiST
index on household.location (a degree margin), then the exact distance on the spheroid
(geography) decides; the members' current ADL group is looked up only for those households.
A request without a pin (location null) is no point to measure from: it is left out.

Communities are the households' entries of the register (Household.community keeps the
register's name beside communities.Community).

Readers: `disaster_summary` gives counts only (executive, engineer: no names, no household
identifiers); `people.disaster_households` gives the list and the map to roles that see persons
(nurse, administrator) and writes one audit row per view, like the care lists.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from communities.models import Community
from infrastructure.geo import degrees_margin
from infrastructure.models import OPEN_STATUSES, AssetType, Condition, RequestCategory
from kernel.permissions import require_perm
from smarthealth.rules import ELDERLY_AGE, years_before

DEFAULT_METRES, MIN_METRES, MAX_METRES = 200, 50, 1000
# Counts of households from 1 to 4 are hidden from count-only readers (the "fewer than 5" rule the
# national snapshot applies too).
SMALL_CELL_MIN, SMALL_CELL_MAX = 1, 4
POOR_CONDITIONS = (Condition.POOR, Condition.OUT_OF_SERVICE)
POOR = "_poor"  # an asset hazard's kind: its type + this suffix ("drain_poor")
REQUEST_KINDS = {
    RequestCategory.FLOOD.value: _("Open flooding request"),
    RequestCategory.DRAIN.value: _("Open drain request"),
    RequestCategory.ROAD.value: _("Open road request"),
}
ASSET_KINDS = {f"{t.value}{POOR}": t for t in AssetType}
DEFAULT_KINDS = ("flood", "drain", "road", f"drain{POOR}")
VULNERABILITIES = {
    "bedbound": _("Bedridden"),
    "homebound": _("Homebound"),
    "disabled": _("Disabled"),
    "alone": _("Elderly living alone"),
}
DEFAULT_VULNERABLE = ("bedbound", "disabled")
AGES = {1: _("the last 24 hours"), 3: _("the last 3 days"), 7: _("the last 7 days"),
        30: _("the last 30 days")}


def kind_label(kind: str) -> str:
    if kind in REQUEST_KINDS:
        return str(REQUEST_KINDS[kind])
    if kind == f"drain{POOR}":
        return gettext_now("Drain in poor condition or out of service")
    asset_type = ASSET_KINDS.get(kind)
    if asset_type is None:
        return kind
    return gettext_now("%(type)s in poor condition or out of service") % {"type": asset_type.label}


def kind_choices() -> list[tuple[str, str]]:
    return [(k, kind_label(k)) for k in (*REQUEST_KINDS, *ASSET_KINDS)]


@dataclass(frozen=True)
class Query:
    """What one reader asked for; the defaults are the view as it always was."""

    metres: int = DEFAULT_METRES
    kinds: tuple[str, ...] = DEFAULT_KINDS
    vulnerable: tuple[str, ...] = DEFAULT_VULNERABLE
    max_age_days: int | None = None  # requests reported within this many days (None: any age)
    reported_since: dt.datetime | None = None  # only hazards reported after this ("what changed")

    def __post_init__(self):
        if not MIN_METRES <= self.metres <= MAX_METRES:
            raise ValueError(self.metres)
        unknown = (set(self.kinds) - set(REQUEST_KINDS) - set(ASSET_KINDS)) | \
            (set(self.vulnerable) - set(VULNERABILITIES))
        if unknown or not self.kinds or not self.vulnerable:
            raise ValueError(sorted(unknown))

    def params(self, now: dt.datetime | None = None) -> dict:
        now = now or timezone.now()
        after = [t for t in (self.reported_since,
                             now - dt.timedelta(days=self.max_age_days) if self.max_age_days else None) if t]
        return {
            "open": sorted(OPEN_STATUSES),
            "categories": [k for k in self.kinds if k in REQUEST_KINDS],
            # An asset's poor condition has no report time: it is no news of today.
            "asset_types": [] if self.reported_since else
            [ASSET_KINDS[k].value for k in self.kinds if k in ASSET_KINDS],
            "conditions": [str(c) for c in POOR_CONDITIONS],
            "reported_after": max(after) if after else None,
            "metres": self.metres, "margin": degrees_margin(self.metres),
            "elderly_born": years_before(timezone.localdate(), ELDERLY_AGE),
        }


HAZARDS_SQL = """
    SELECT 'request' AS source, r.id AS hazard_id, r.category::text AS kind, r.location AS geom
      FROM infrastructure_servicerequest r
     WHERE r.status = ANY(%(open)s) AND r.category = ANY(%(categories)s) AND r.location IS NOT NULL
       AND (%(reported_after)s::timestamptz IS NULL OR r.received_at >= %(reported_after)s::timestamptz)
    UNION ALL
    SELECT 'asset', a.id, a.asset_type || '""" + POOR + """', a.geometry
      FROM infrastructure_asset a
     WHERE a.asset_type = ANY(%(asset_types)s) AND a.condition = ANY(%(conditions)s)
       AND a.status <> 'retired' AND a.geometry IS NOT NULL
"""

# One row per (household, hazard kind): the nearest hazard of that kind within the distance.
_SQL = """
WITH hazard AS (""" + HAZARDS_SQL + """),
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
           count(*) FILTER (WHERE adl."group" = 'homebound') AS homebound,
           count(*) FILTER (WHERE pe.disability <> 'none') AS disabled,
           CASE WHEN count(*) = 1 AND bool_and(pe.birth_date <= %(elderly_born)s) THEN 1 ELSE 0 END AS alone
      FROM smarthealth_person pe
      LEFT JOIN LATERAL (SELECT a."group" FROM smarthealth_adlassessment a WHERE a.person_id = pe.id
                          ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) adl ON true
     WHERE pe.status = 'living' AND pe.household_id IN (SELECT household_id FROM near)
     GROUP BY pe.household_id
)
SELECT n.household_id, h.community, n.kind, n.source, n.hazard_id, n.distance,
       m.living, m.bedbound, m.homebound, m.disabled, m.alone
  FROM near n
  JOIN members m ON m.household_id = n.household_id
  JOIN smarthealth_household h ON h.id = n.household_id
 WHERE {vulnerable}
 ORDER BY n.household_id, n.distance
"""


@dataclass
class AtRisk:
    household_id: int
    community: str
    living: int
    bedbound: int
    homebound: int
    disabled: int
    alone: int
    kinds: set
    source: str  # of the nearest hazard
    hazard_id: int
    kind: str
    distance: float
    # The nearest distance per hazard kind.
    distances: dict = field(default_factory=dict)

    def count(self, vulnerability: str) -> int:
        return getattr(self, vulnerability)


def households_at_risk(*, metres: int = DEFAULT_METRES, query: Query | None = None) -> list[AtRisk]:
    """System read (no access check): callers below check the reader first."""
    query = query or Query(metres=metres)
    # Column names from the whitelist only (Query checked them).
    where = " OR ".join(f"m.{v} > 0" for v in query.vulnerable)
    found: dict[int, AtRisk] = {}
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(vulnerable=where), query.params())
        for (hid, community, kind, source, hazard_id, distance, living, bedbound, homebound, disabled,
             alone) in cursor:
            if hid not in found:  # rows come nearest first per household
                found[hid] = AtRisk(hid, community, living, bedbound, homebound, disabled, alone, set(),
                                    source, hazard_id, kind, distance)
            found[hid].kinds.add(kind)
            found[hid].distances[kind] = distance
    return list(found.values())


def may_see_households(user) -> bool:
    """Names and households are for the roles that see every person (nurse, administrator)."""
    return (user.is_authenticated and user.has_perm("smarthealth.view_person")
            and (user.is_superuser or user.role in (Role.NURSE, Role.ADMIN)))


def _hidden(n: int) -> bool:
    return SMALL_CELL_MIN <= n <= SMALL_CELL_MAX


def disaster_summary(user, *, metres: int = DEFAULT_METRES, rows: list[AtRisk] | None = None,
                     query: Query | None = None) -> dict:
    """Counts only: by community (households and persons of each chosen vulnerability), by hazard
    kind, and community × hazard kind. No household identifiers leave here."""
    require_perm(user, "dashboards.view_disaster")
    query = query or Query(metres=metres)
    rows = households_at_risk(query=query) if rows is None else rows
    fields = ("households", *VULNERABILITIES)
    by_community: dict[str, dict] = defaultdict(lambda: dict.fromkeys(fields, 0))
    by_kind: dict[str, int] = defaultdict(int)
    matrix: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(query.kinds, 0))
    for row in rows:
        c = by_community[row.community]
        c["households"] += 1
        for v in VULNERABILITIES:
            c[v] += row.count(v)
        for kind in row.kinds:
            by_kind[kind] += 1
            matrix[row.community][kind] += 1
    communities = [{"community": k, **v, "hidden": False,
                    "cells": [{"kind": kind, "households": matrix[k][kind], "hidden": False}
                              for kind in query.kinds]}
                   for k, v in sorted(by_community.items())]
    kinds = [{"kind": k, "label": kind_label(k), "households": by_kind[k], "hidden": False}
             for k in query.kinds]
    if not may_see_households(user):
        _suppress_small_cells(communities, kinds)
    return {
        "query": query,
        "households": len(rows),
        **{v: sum(r.count(v) for r in rows) for v in VULNERABILITIES},
        "vulnerable": [{"value": v, "label": VULNERABILITIES[v]} for v in query.vulnerable],
        "by_community": communities,
        "by_kind": kinds,
    }


def _suppress_small_cells(communities: list[dict], kinds: list[dict]) -> None:
    """For readers who see counts only: a community row of 1–4 households is shown as "<5" (at
    50 m one household is one family: its street and its bedridden member would be named by the
    count). The rows add up to the headline totals, so when exactly one row is hidden the next
    smallest is hidden too, or subtracting would give it back. Hazard kinds overlap (a household
    near a flood and a drain counts in both), so they are no equation: only small ones are hidden;
    a community × hazard cell is hidden when small or when its community row is."""
    for row in communities:
        row["hidden"] = _hidden(row["households"])
    hidden = [row for row in communities if row["hidden"]]
    shown = sorted((row for row in communities if not row["hidden"]), key=lambda r: r["households"])
    if len(hidden) == 1 and shown:
        shown[0]["hidden"] = True
    for row in kinds:
        row["hidden"] = _hidden(row["households"])
    for row in communities:
        for cell in row["cells"]:
            cell["hidden"] = row["hidden"] or _hidden(cell["households"])
            if cell["hidden"]:
                cell["households"] = None
    for row in communities + kinds:
        if row["hidden"]:
            for name in ("households", *VULNERABILITIES):
                if name in row:
                    row[name] = None


def community_centres(names: list[str]) -> dict[str, list[float]]:
    """The centre of each community, [lat, lon], for the count map: the register's centre, else
    the centre of its recorded households. Only communities with at least 5 located households get
    one: the centre of fewer would point at a house."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT community, ST_Y(ST_Centroid(ST_Collect(location))),
                      ST_X(ST_Centroid(ST_Collect(location)))
                 FROM smarthealth_household
                WHERE community = ANY(%s) AND location IS NOT NULL
                GROUP BY community HAVING count(*) > %s""", [names, SMALL_CELL_MAX])
        centres = {name: [round(lat, 6), round(lon, 6)] for name, lat, lon in cursor}
    registered = Community.objects.filter(name__in=list(centres)).exclude(centre=None)
    for name, centre in registered.values_list("name", "centre"):
        centres[name] = [round(centre.y, 6), round(centre.x, 6)]
    return centres


_HAZARD_SHAPES = """
SELECT source, hazard_id, kind, ST_AsGeoJSON(geom, 6),
       ST_AsGeoJSON(ST_Buffer(geom::geography, %(metres)s, 'quad_segs=4')::geometry, 6)
  FROM (""" + HAZARDS_SQL + """) hazard
"""


def hazard_shapes(*, metres: int = DEFAULT_METRES, query: Query | None = None) -> list[dict]:
    """Every chosen hazard's shape and its zone (buffer of the distance) as GeoJSON, for the map."""
    import json

    query = query or Query(metres=metres)
    with connection.cursor() as cursor:
        cursor.execute(_HAZARD_SHAPES, query.params())
        return [{"source": source, "id": hazard_id, "kind": kind, "label": kind_label(kind),
                 "geometry": json.loads(geometry), "zone": json.loads(zone)}
                for source, hazard_id, kind, geometry, zone in cursor]
