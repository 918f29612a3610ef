"""The SQL that recomputes the aggregate tables: a few INSERT … SELECT … GROUP BY statements per
part, run by services.dashboard_refresh inside one transaction after the part's rows are deleted.

Trusted text from code only (no value is ever formatted into it; parameters are bound). Table
names are the domain apps' own; the search_path of the municipality's schema resolves them.

Figures (part, figure: key1 / key2 — count / amount):
  infrastructure
    assets            asset type / condition                — assets not retired
    road_length       road surface ("" = not recorded)      — roads / metres (geodesic)
    requests_opened   category, month received              — requests
    requests_closed   category, month resolved or closed    — requests resolved or closed
    resolve_time      hours bucket, month resolved          — requests / hours (sum)
    requests_sla      category / "on_time" or "late", month resolved
                                                            — requests resolved (kernel.yardsticks)
    requests_open     category / "overdue" or "on_time"     — open requests, at refresh time
    requests_open_before  the same, at the same time a month before (services.previous_period_at):
                      the status then is the last status its timeline (created / status events)
                      gave it by that time; a request without one then is open from its
                      receipt to its resolution or closing. Due time: today's due_at.
    request_cells     grid cell "ix:iy", month received     — requests (the hotspot map)
    citizen_answers   "fixed" (month resolved), "reopened" or "rated" (month received)
                                                            — requests / satisfaction (sum)
  health (living persons; community = their household's)
    population        sex / 5-year band ("0".."85" = 85+)   — persons
    elderly_adl       current ADL group or "none"            — persons 60+
    bedridden         "visited" / "not_visited" (30 days) / the same in the 30 days before those
                                                            — persons whose current ADL is bedbound
    ncd               "DM" or "HT" / current colour or "none" — persons with the diagnosis
    screening         "screened" / "not_screened" (12 months) — persons 35+
    disabled          disability type                        — persons with a disability
    ltc_cases         group "1".."4" of the newest approved care plan, or "none"
                                                            — active long-term care cases (ltc)
A request's community is its own from the register (communities.Community: the boundary covering
its pin, else the one chosen); a request not yet merged (merge_communities) takes its linked
asset's, else the nearest asset's within REQUEST_COMMUNITY_METRES, else "".
"""

REQUEST_COMMUNITY_METRES = 500
GRID_DEGREES = 0.0025  # ≈ 275 m north–south: a hotspot cell is a few town blocks
HOURS_BUCKET = """
    CASE WHEN h < 48 THEN floor(h)
         WHEN h < 336 THEN floor(h / 6) * 6
         WHEN h < 2160 THEN floor(h / 24) * 24
         ELSE floor(h / 168) * 168 END"""

INSERT = "INSERT INTO dashboards_aggregate (part, figure, community, month, key1, key2, count, amount)"

ASSETS = INSERT + """
SELECT 'infrastructure', 'assets', community, NULL::date, asset_type, condition, count(*), 0
  FROM infrastructure_asset
 WHERE status <> 'retired'
 GROUP BY community, asset_type, condition
UNION ALL
SELECT 'infrastructure', 'road_length', community, NULL::date, COALESCE(attributes ->> 'surface', ''), '',
       count(*), COALESCE(sum(ST_Length(geometry::geography)), 0)
  FROM infrastructure_asset
 WHERE status <> 'retired' AND asset_type = 'road'
 GROUP BY community, COALESCE(attributes ->> 'surface', '')
"""

REQUESTS = INSERT + """
WITH req AS MATERIALIZED (
    SELECT r.category, r.status, r.due_at, r.resolved_at, r.reopen_count, r.satisfaction,
           date_trunc('month', r.received_at AT TIME ZONE %(tz)s)::date AS opened_month,
           date_trunc('month', COALESCE(r.resolved_at, r.closed_at) AT TIME ZONE %(tz)s)::date
               AS closed_month,
           date_trunc('month', r.resolved_at AT TIME ZONE %(tz)s)::date AS resolved_month,
           GREATEST(extract(epoch FROM r.resolved_at - r.received_at) / 3600.0, 0) AS h,
           floor(ST_X(r.location) / %(grid)s)::bigint::text || ':'
               || floor(ST_Y(r.location) / %(grid)s)::bigint::text AS cell,
           COALESCE(
               (SELECT c.name FROM communities_community c WHERE c.id = r.community_ref_id),
               -- Not merged yet (merge_communities): the linked or nearest asset's, as before.
               NULLIF((SELECT a.community FROM infrastructure_asset a WHERE a.id = r.asset_id), ''),
               (SELECT n.community FROM infrastructure_asset n
                 WHERE n.community <> '' AND ST_DWithin(n.geometry, r.location, %(margin)s)
                 ORDER BY n.geometry <-> r.location LIMIT 1),
               '') AS community,
           r.received_at <= %(before_at)s AND COALESCE(
               (SELECT e.to_value = ANY(%(open)s) FROM infrastructure_servicerequestevent e
                 WHERE e.request_id = r.id AND e.kind IN ('created', 'status') AND e.at <= %(before_at)s
                 ORDER BY e.at DESC, e.id DESC LIMIT 1),
               COALESCE(r.resolved_at, r.closed_at) IS NULL
                   OR COALESCE(r.resolved_at, r.closed_at) > %(before_at)s) AS open_before
      FROM infrastructure_servicerequest r
     WHERE r.status = ANY(%(open)s) OR r.received_at >= %(since_at)s
        OR r.resolved_at >= %(since_at)s OR r.closed_at >= %(since_at)s
)
SELECT 'infrastructure', 'requests_opened', community, opened_month, category, '', count(*), 0
  FROM req WHERE opened_month >= %(since)s
 GROUP BY community, opened_month, category
UNION ALL
SELECT 'infrastructure', 'requests_closed', community, closed_month, category, '', count(*), 0
  FROM req WHERE status IN ('resolved', 'closed') AND closed_month >= %(since)s
 GROUP BY community, closed_month, category
UNION ALL
SELECT 'infrastructure', 'resolve_time', community, resolved_month, (""" + HOURS_BUCKET + """)::bigint::text,
       '', count(*), sum(h)
  FROM req WHERE resolved_at IS NOT NULL AND resolved_month >= %(since)s
 GROUP BY community, resolved_month, 5
UNION ALL
SELECT 'infrastructure', 'requests_sla', community, resolved_month, category,
       CASE WHEN resolved_at <= due_at THEN 'on_time' ELSE 'late' END, count(*), 0
  FROM req WHERE resolved_at IS NOT NULL AND resolved_month >= %(since)s
 GROUP BY community, resolved_month, category, 6
UNION ALL
SELECT 'infrastructure', 'requests_open', community, NULL::date, category,
       CASE WHEN due_at < %(now)s THEN 'overdue' ELSE 'on_time' END, count(*), 0
  FROM req WHERE status = ANY(%(open)s)
 GROUP BY community, category, 6
UNION ALL
SELECT 'infrastructure', 'requests_open_before', community, NULL::date, category,
       CASE WHEN due_at < %(before_at)s THEN 'overdue' ELSE 'on_time' END, count(*), 0
  FROM req WHERE open_before
 GROUP BY community, category, 6
UNION ALL
SELECT 'infrastructure', 'request_cells', community, opened_month, cell, '', count(*), 0
  FROM req WHERE opened_month >= %(since)s AND cell IS NOT NULL  -- not yet pinned: no square
 GROUP BY community, opened_month, cell
UNION ALL
SELECT 'infrastructure', 'citizen_answers', community, resolved_month, 'fixed', '', count(*), 0
  FROM req WHERE (resolved_at IS NOT NULL OR reopen_count > 0) AND resolved_month >= %(since)s
 GROUP BY community, resolved_month
UNION ALL
SELECT 'infrastructure', 'citizen_answers', community, opened_month, 'reopened', '', count(*), 0
  FROM req WHERE reopen_count > 0 AND opened_month >= %(since)s
 GROUP BY community, opened_month
UNION ALL
SELECT 'infrastructure', 'citizen_answers', community, opened_month, 'rated', '', count(*), sum(satisfaction)
  FROM req WHERE satisfaction IS NOT NULL AND opened_month >= %(since)s
 GROUP BY community, opened_month
"""

HEALTH = INSERT + """
WITH p AS MATERIALIZED (
    SELECT pe.sex, pe.disability, pe.chronic_conditions,
           COALESCE(h.community, '') AS community,
           date_part('year', age(%(today)s::date, pe.birth_date))::int AS age,
           (SELECT a."group" FROM smarthealth_adlassessment a WHERE a.person_id = pe.id
             ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) AS adl,
           (SELECT s.colour FROM smarthealth_ncdscreening s WHERE s.person_id = pe.id
             ORDER BY s.screened_on DESC, s.id DESC LIMIT 1) AS colour,
           EXISTS (SELECT 1 FROM smarthealth_ncdscreening s
                    WHERE s.person_id = pe.id AND s.screened_on > %(screened_since)s) AS screened
      FROM smarthealth_person pe
      LEFT JOIN smarthealth_household h ON h.id = pe.household_id
     WHERE pe.status = 'living'
)
SELECT 'health', 'population', community, NULL::date, sex, LEAST(age / 5 * 5, 85)::text, count(*), 0
  FROM p GROUP BY community, sex, 6
UNION ALL
SELECT 'health', 'elderly_adl', community, NULL::date, COALESCE(adl, 'none'), '', count(*), 0
  FROM p WHERE age >= %(elderly_age)s GROUP BY community, 5
UNION ALL
SELECT 'health', 'ncd', p.community, NULL::date, dx, COALESCE(p.colour, 'none'), count(*), 0
  FROM p CROSS JOIN LATERAL unnest(p.chronic_conditions) AS dx
 WHERE dx IN ('DM', 'HT') GROUP BY p.community, dx, 6
UNION ALL
SELECT 'health', 'screening', community, NULL,
       CASE WHEN screened THEN 'screened' ELSE 'not_screened' END, '', count(*), 0
  FROM p WHERE age >= %(screening_age)s GROUP BY community, 5
UNION ALL
SELECT 'health', 'disabled', community, NULL::date, disability, '', count(*), 0
  FROM p WHERE disability <> 'none' GROUP BY community, disability
"""

# The visit subquery only for the (few) bedbound, not for every person.
BEDRIDDEN = INSERT + """
SELECT 'health', 'bedridden', COALESCE(h.community, ''), NULL,
       CASE WHEN EXISTS (SELECT 1 FROM smarthealth_homevisit v
                          WHERE v.person_id = pe.id AND v.visited_on >= %(visited_since)s)
            THEN 'visited' ELSE 'not_visited' END,
       -- The previous period, for the dashboard's change (national sums it away with key2).
       CASE WHEN EXISTS (SELECT 1 FROM smarthealth_homevisit v
                          WHERE v.person_id = pe.id AND v.visited_on >= %(visited_before_since)s
                            AND v.visited_on < %(visited_since)s)
            THEN 'visited' ELSE 'not_visited' END,
       count(*), 0
  FROM smarthealth_person pe
  LEFT JOIN smarthealth_household h ON h.id = pe.household_id
 WHERE pe.status = 'living'
   AND (SELECT a."group" FROM smarthealth_adlassessment a WHERE a.person_id = pe.id
         ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) = 'bedbound'
 GROUP BY 3, 5, 6
"""

# Long-term care (ltc): active cases by the group of their newest approved plan; counts only.
LTC_CASES = INSERT + """
SELECT 'health', 'ltc_cases', COALESCE(h.community, ''), NULL::date,
       COALESCE((SELECT cp."group"::text FROM ltc_careplan cp
                  WHERE cp.case_id = c.id AND cp.status = 'approved'
                  ORDER BY cp.budget_year DESC, cp.version DESC LIMIT 1), 'none'),
       '', count(*), 0
  FROM ltc_ltccase c
  JOIN smarthealth_person pe ON pe.id = c.person_id
  LEFT JOIN smarthealth_household h ON h.id = pe.household_id
 WHERE c.status = 'active'
 GROUP BY 3, 5
"""

STATEMENTS = {
    "infrastructure": (ASSETS, REQUESTS),
    "health": (HEALTH, BEDRIDDEN, LTC_CASES),
}
