"""The pilots' one register of communities, after both domain seeders: the health demo lays out
its communities (two per moo), the asset demo its own grid of names. Here the register takes the
health layout (name, moo numbers, the outline of its houses as the boundary), and every
household, asset and service request points at it: an asset or a request by the boundary that
covers it, else by the nearest house's community. So the dashboard's community filter finds
infrastructure and health under the same names."""

from django.db import connection, transaction

from communities.models import Community
from infrastructure.models import Asset, ServiceRequest
from smarthealth.models import Household

# Constant SQL (no value formatted in): the search_path resolves the pilot's tables.
_BOUNDARIES = """
SELECT community, array_agg(DISTINCT moo) FILTER (WHERE moo IS NOT NULL),
       CASE WHEN count(location) >= 3
            THEN ST_AsText(ST_Multi(ST_ConvexHull(ST_Collect(location)))) END,
       ST_AsText(ST_PointOnSurface(ST_Collect(location)))
  FROM smarthealth_household WHERE community <> '' GROUP BY community ORDER BY community
"""

_NEAREST_HOUSE = """
UPDATE {table} t SET community_ref_id = n.community_ref_id{text}
  FROM (SELECT x.id, (SELECT h.community_ref_id FROM smarthealth_household h
                       WHERE h.location IS NOT NULL AND h.community_ref_id IS NOT NULL
                       ORDER BY h.location <-> ST_PointOnSurface(x.{geom}) LIMIT 1) AS community_ref_id
          FROM {table} x WHERE x.{geom} IS NOT NULL AND x.community_ref_id IS NULL) n
 WHERE t.id = n.id AND n.community_ref_id IS NOT NULL
"""
_COVERED = """
UPDATE {table} t SET community_ref_id = c.id{text}
  FROM communities_community c
 WHERE t.{geom} IS NOT NULL AND c.boundary IS NOT NULL AND ST_Covers(c.boundary, ST_PointOnSurface(t.{geom}))
"""
_NAME_OF_NEAREST = ", community = (SELECT name FROM communities_community WHERE id = n.community_ref_id)"
_SHAPES = {Asset: ("geometry", ", community = c.name", _NAME_OF_NEAREST),
           ServiceRequest: ("location", "", "")}


@transaction.atomic
def communities_share(*, log) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_BOUNDARIES)
        rows = cursor.fetchall()
    for name, moos, boundary, centre in rows:
        community, _created = Community.objects.get_or_create(name=name)
        community.moos = sorted(moos or [])
        community.boundary, community.centre = boundary, centre
        community.full_clean()
        community.save()
    by_name = dict(Community.objects.values_list("name", "id"))
    for name, pk in by_name.items():
        Household.objects.filter(community=name).update(community_ref_id=pk)
    with connection.cursor() as cursor:
        for model, (geom, covered_text, nearest_text) in _SHAPES.items():
            table = model._meta.db_table
            cursor.execute(f"UPDATE {table} SET community_ref_id = NULL")
            cursor.execute(_COVERED.format(table=table, geom=geom, text=covered_text))
            cursor.execute(_NEAREST_HOUSE.format(table=table, geom=geom, text=nearest_text))
        # A request known only in words: its asset's community.
        cursor.execute("""UPDATE infrastructure_servicerequest r SET community_ref_id = a.community_ref_id
                            FROM infrastructure_asset a
                           WHERE r.community_ref_id IS NULL AND r.asset_id = a.id""")
    log(f"  communities: {len(by_name)} in the register, shared by households, assets and requests")
