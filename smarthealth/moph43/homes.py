"""HOME → households, VILLAGE → moo numbers and community names (§3.2, §3.9).

A HOME row is the household with its DOPA HOUSE_ID (11 digits) or with the health centre's key
(HOSPCODE, HID); as for persons, a known key wins and a household first registered by its house
ID gets the key. Coordinates are often empty: such a house is registered all the same and listed
as not on the map yet. A point outside Thailand, or with latitude and longitude swapped, is left
out (the house is kept) and the row warns; an empty point never erases one placed by hand.

VHVID names the house's อสม. as a PID of the centre: the household gets the volunteer user with
that person's first and last name (exactly one active user of the volunteer role), else the PID
is kept and matched again on every later import. HEADID (the householder's PID) is kept.
"""

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from imports.parsing import normalise_text
from kernel.geo import THAILAND

from .context import Context, ids_text, keys, local_time, nullable, packed
from .identities import NewRecords
from .layouts import HOME, VILLAGE
from .report import Checks
from .steps import FileResult, Step
from .values import digits_of, numbers, timestamps

BAD_HID = _("HID must be at most 14 characters.")
BAD_HOUSE_ID = _("HOUSE_ID is not 11 digits: the house is registered by its HID.")
HOUSE_ID_ELSEWHERE = _("This HOUSE_ID belongs to another household of the registry than this HID's: the "
                       "household of this HID is updated without it. Merge the two by hand.")
BAD_MOO = _("VILLAGE (the moo) is not a number 1–98: the house is registered without it.")
BAD_POINT = _("LATITUDE / LONGITUDE are not numbers: the house is registered without a point on the map.")
HALF_POINT = _("Only one of LATITUDE and LONGITUDE: the house is registered without a point on the map.")
SWAPPED = _("LATITUDE and LONGITUDE look swapped (the point is outside Thailand): the point is left out, "
            "the house is registered without it.")
OUTSIDE = _("The point is outside Thailand: it is left out, the house is registered without it.")
BAD_D_UPDATE = _("D_UPDATE is not a date-time (YYYYMMDDHHMMSS): a later row always replaces this one.")
BAD_VID = _("VID must be 8 digits: province, district, subdistrict and moo (CCAATTMM).")

# The new households, with the ids handed out while the file was read (identities.NewRecords)
# (a CTE: Citus deparses the same subquery in FROM wrongly).
_FRESH = """
WITH fresh AS (SELECT DISTINCT ON (new_id) * FROM _m43_h WHERE new_id IS NOT NULL
                ORDER BY new_id, source_at DESC NULLS LAST, _row DESC)
INSERT INTO smarthealth_household (id, house_id, house_no, moo, community, road, subdistrict_code, location,
    hospcode, hid, volunteer_pid, head_pid, source_updated, created_at, updated_at)
SELECT new_id, house_id, house_no, moo, '', road, subdistrict_code,
       CASE WHEN lat IS NOT NULL THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
       hospcode, hid, vhvid, headid, source_at, now(), now()
  FROM fresh
"""

# New rows whose HID is not the new household's: another HID with the same house ID made it.
_MERGED = """
SELECT s._row FROM _m43_h s JOIN smarthealth_household t ON t.id = s.new_id
 WHERE (t.hospcode, t.hid) IS DISTINCT FROM (s.hospcode, s.hid)
"""

# Rows of a registered household whose key it does not carry (found by its house ID, it had another).
_UNATTACHED = """
SELECT s._row FROM _m43_h s JOIN smarthealth_household t ON t.id = s.household_id
 WHERE t.hospcode IS DISTINCT FROM s.hospcode OR t.hid IS DISTINCT FROM s.hid
"""

_SET_HOUSE_ID = """
UPDATE _m43_h s SET set_house_id = true
  FROM (SELECT DISTINCT ON (house_id) _row FROM _m43_h
         WHERE house_id IS NOT NULL AND candidate AND household_id IS NOT NULL
         ORDER BY house_id, source_at DESC NULLS LAST, _row DESC) one
 WHERE s._row = one._row AND NOT EXISTS (SELECT 1 FROM smarthealth_household t WHERE t.house_id = s.house_id)
"""

_UPDATE = """
WITH src AS (
    SELECT DISTINCT ON (s.household_id) s.*,
           CASE WHEN s.lat IS NOT NULL THEN ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) END AS point
      FROM _m43_h s WHERE s.household_id IS NOT NULL
     ORDER BY s.household_id, s.set_house_id DESC, s.source_at DESC NULLS LAST, s._row DESC
), diff AS (
    SELECT s.*, (
           (t.house_no, t.moo, t.road, t.subdistrict_code, t.volunteer_pid, t.head_pid)
               IS DISTINCT FROM (COALESCE(NULLIF(s.house_no, ''), t.house_no), COALESCE(s.moo, t.moo),
                                 COALESCE(NULLIF(s.road, ''), t.road),
                                 COALESCE(NULLIF(s.subdistrict_code, ''), t.subdistrict_code),
                                 COALESCE(NULLIF(s.vhvid, ''), t.volunteer_pid),
                                 COALESCE(NULLIF(s.headid, ''), t.head_pid))
           OR (s.point IS NOT NULL AND t.location IS DISTINCT FROM s.point)
           OR (s.attach AND t.hid IS NULL)
           OR s.set_house_id
           ) AS differs, s.attach AND t.hid IS NULL AS attached,
           now() AS stamp  -- not in the CASE below: Citus takes only immutable functions there
      FROM src s JOIN smarthealth_household t ON t.id = s.household_id
     WHERE t.source_updated IS NULL OR (s.source_at IS NOT NULL AND s.source_at > t.source_updated)
), up AS (
UPDATE smarthealth_household t SET
       house_no = COALESCE(NULLIF(d.house_no, ''), t.house_no), moo = COALESCE(d.moo, t.moo),
       road = COALESCE(NULLIF(d.road, ''), t.road),
       subdistrict_code = COALESCE(NULLIF(d.subdistrict_code, ''), t.subdistrict_code),
       location = COALESCE(d.point, t.location),
       volunteer_pid = COALESCE(NULLIF(d.vhvid, ''), t.volunteer_pid),
       head_pid = COALESCE(NULLIF(d.headid, ''), t.head_pid),
       hospcode = CASE WHEN d.attach AND t.hid IS NULL THEN d.hospcode ELSE t.hospcode END,
       hid = CASE WHEN d.attach AND t.hid IS NULL THEN d.hid ELSE t.hid END,
       house_id = CASE WHEN d.set_house_id THEN d.house_id ELSE t.house_id END,
       source_updated = COALESCE(d.source_at, t.source_updated),
       updated_at = CASE WHEN d.differs THEN d.stamp ELSE t.updated_at END
  FROM diff d
 WHERE t.id = d.household_id
RETURNING t.id, d.differs, d.attached
)
SELECT id, attached FROM up WHERE differs
"""


class HomeStep(Step):
    spec = HOME
    deferrable = True  # the keys it creates are in the key map before its finish (settle)
    table = "_m43_home"
    group_columns = ("HOSPCODE", "HID")
    space = "household"
    columns = {
        "hospcode": "text", "hid": "text", "household_id": "bigint", "new_id": "bigint", "attach": "boolean",
        "house_id": "text",
        "candidate": "boolean", "house_no": "text", "moo": "smallint", "road": "text",
        "subdistrict_code": "text", "lon": "float8", "lat": "float8", "vhvid": "text", "headid": "text",
        "source_at": "timestamptz", "set_house_id": "boolean",
    }

    def begin(self) -> None:
        super().begin()
        self.staged = 0
        self.new_rows = 0  # staged rows of no registered household
        self.house_candidates = 0  # staged rows of a registered household bringing a house ID
        self.records = NewRecords(self.context, "smarthealth_household")

    def prepare(self, frame: pd.DataFrame, checks: Checks) -> pd.DataFrame | None:
        f = frame
        self.hospcode(f, checks)
        self.required(f, checks, "HID")
        checks.reject(f["HID"].str.len() > 14, "HID", BAD_HID)
        house_id = f["HOUSE_ID"]
        valid_house = digits_of(house_id, 11)
        checks.warn((house_id != "") & ~valid_house, "HOUSE_ID", BAD_HOUSE_ID)
        moo, bad_moo = numbers(f["VILLAGE"])
        in_range = (moo >= 1) & (moo <= 98) & (moo == moo.round())
        checks.warn(bad_moo | (moo.notna() & ~in_range & ~moo.isin([0, 99])), "VILLAGE", BAD_MOO)
        lat, bad_lat = numbers(f["LATITUDE"])
        lon, bad_lon = numbers(f["LONGITUDE"])
        zero = (lat == 0) | (lon == 0)  # what some programs write for "not measured"
        checks.warn(bad_lat | bad_lon, "LATITUDE", BAD_POINT)
        checks.warn((lat.notna() != lon.notna()) & ~zero, "LATITUDE", HALF_POINT)
        given = lat.notna() & lon.notna() & ~zero
        inside = THAILAND.contains(lat, lon)
        swapped = ~inside & THAILAND.contains(lon, lat)
        checks.warn(given & swapped, "LATITUDE", SWAPPED)
        checks.warn(given & ~inside & ~swapped, "LATITUDE", OUTSIDE)
        updated, bad_update, be = timestamps(f["D_UPDATE"])
        checks.warn(bad_update | (f["D_UPDATE"] == ""), "D_UPDATE", BAD_D_UPDATE)
        self.warn_buddhist(checks, "D_UPDATE", be, updated)

        good = checks.good
        if not good.any():
            return None
        g = f[good]
        key = keys(g["HOSPCODE"], g["HID"])
        house_id = house_id[good].where(valid_house[good], "")
        unique = [h for h in pd.unique(house_id) if h]
        found = dict(self.context.lookup(
            # LATERAL … LIMIT 1: a probe of the unique index per house ID (see context.KeyMap)
            "SELECT t.house_id, t.id FROM unnest(string_to_array(%s, chr(31))) AS h CROSS JOIN LATERAL "
            "(SELECT t.house_id, t.id FROM smarthealth_household t WHERE t.house_id = h LIMIT 1) t",
            [packed(unique)])) if unique else {}
        by_house = house_id.map(found).astype("float64")
        by_key = self.context.households.lookup(key)
        conflict = by_key.notna() & by_house.notna() & (by_key != by_house)
        # A key the registry does not hold: a household found by its house ID, or one this file
        # creates (its id handed out now, see identities), the same for every row of the key.
        household, new_id, attach, left_off = self.records.resolve(key, by_key, house_id, by_house)
        conflict |= left_off
        checks.warn(conflict, "HOUSE_ID", HOUSE_ID_ELSEWHERE)
        house_id = house_id.where(~conflict, "")
        by_house = by_house.where(~conflict)
        stage = pd.DataFrame(index=g.index)
        stage["hospcode"], stage["hid"] = g["HOSPCODE"], g["HID"]
        stage["household_id"] = ids_text(pd.Series(household, index=key.index))
        stage["new_id"] = ids_text(pd.Series(new_id, index=key.index))
        stage["attach"] = np.where(attach, "t", "f")
        stage["house_id"] = nullable(house_id)
        stage["candidate"] = np.where((house_id != "") & by_house.isna(), "t", "f")
        self.new_rows += int(np.isfinite(new_id).sum())
        self.house_candidates += int(((house_id != "") & by_house.isna() & ~np.isnan(household)).sum())
        stage["house_no"] = normalise_text(g["HOUSE"]).str[:75]
        stage["moo"] = ids_text(moo[good].where(in_range[good]))
        stage["road"] = normalise_text(g["ROAD"]).str[:120]
        parts = [g[c] for c in ("CHANGWAT", "AMPUR", "TAMBON")]
        known = digits_of(parts[0], 2) & digits_of(parts[1], 2) & digits_of(parts[2], 2)
        for part in parts:
            known &= ~part.isin(["00", "99"])
        stage["subdistrict_code"] = (parts[0] + parts[1] + parts[2]).where(known, "")
        point = given[good] & inside[good]
        stage["lon"], stage["lat"] = lon[good].where(point), lat[good].where(point)  # NaN: no point
        stage["vhvid"], stage["headid"] = g["VHVID"].str[:15], g["HEADID"].str[:15]
        stage["source_at"] = local_time(updated[good])
        stage["set_house_id"] = "f"
        self.staged += len(stage)
        return stage

    def settle(self) -> None:
        # Every key this file staged, attached or not (the keys the registry held are in the map).
        self.context.households.add(*self.records.keys())
        self.created = self.records.created().tolist()
        # What the finish needs of them: let go of the keys while later files are read.
        self.repeated = self.records.count() < self.staged
        self.records = None

    def finish(self) -> set[int]:
        context = self.context
        if self.repeated:  # a key twice: the newest D_UPDATE, then the later row
            context.scratch_as("_m43_h", "SELECT DISTINCT ON (hospcode, hid) * FROM _m43_home "
                                         "ORDER BY hospcode, hid, source_at DESC NULLS LAST, _row DESC")
        else:
            context.scratch_rename("_m43_home", "_m43_h")
        inserted = context.inserted(_FRESH) if self.new_rows else 0
        # Rarely some new rows share a house ID with another key: they are of its new household.
        merged = context.execute(_MERGED) if self.new_rows > inserted else []
        context.changed_households += self.created
        if self.house_candidates:
            context.execute(_SET_HOUSE_ID)
        rows = context.execute(_UPDATE)
        changed = [pk for pk, _attached in rows]
        context.changed_households += changed
        self.counted(inserted, len(changed))
        context.kept.added["household"] += inserted + sum(attached for _pk, attached in rows)
        unclean = {row for (row,) in context.execute(_UNATTACHED)} | {row for (row,) in merged}
        context.submit("DROP TABLE _m43_h")
        return unclean


class VillageStep(Step):
    """Moo numbers of the subdistrict and, with a name column, the community names of their
    households (applied once HOME is loaded: `village_names`)."""

    spec = VILLAGE
    deferrable = True  # what it reads is for the result and village_names, once every file is in
    table = "_m43_village"
    columns = {"subdistrict": "text", "moo": "smallint", "name": "text"}
    fingerprinted = False  # a few rows, applied whole every time

    def prepare(self, frame: pd.DataFrame, checks: Checks) -> pd.DataFrame | None:
        f = frame
        self.hospcode(f, checks)
        checks.reject(~digits_of(f["VID"], 8), "VID", BAD_VID)
        good = checks.good
        if not good.any():
            return None
        g = f[good]
        stage = pd.DataFrame(index=g.index)
        stage["subdistrict"], stage["moo"] = g["VID"].str[:6], g["VID"].str[6:8].astype(int).astype(str)
        stage["name"] = normalise_text(g["VILLNAME"]).str[:120]
        return stage

    def finish(self) -> set[int]:
        moos = [moo for (moo,) in self.context.execute(
            f"SELECT DISTINCT moo FROM {self.table} WHERE moo > 0 ORDER BY moo")]
        self.result.details["moo"] = moos
        return set()


# Where the administrator's answers for VILLNAMEs the register does not hold are remembered
# (imports.ValueMapping, target: the community's id; villages.py). Not a dataset of the import
# registry: the value mappings page of the imports lists none of them, the villages page does.
VILLAGE_MAPPINGS, VILLAGE_MAPPING_COLUMN = "moph43:village", "community"

# A name compared as the register compares it (communities.Community.key): no spaces, any case,
# with or without the word ชุมชน in front.
_NAME_KEY = "regexp_replace(lower(regexp_replace({}, '\\s', '', 'g')), '^ชุมชน(.)', '\\1')"
_VILLAGES = """
    v AS (SELECT DISTINCT ON (subdistrict, moo) * FROM _m43_village
           WHERE moo > 0 ORDER BY subdistrict, moo, _row DESC)"""
_PICK = """
    pick AS (
        SELECT h.id AS household_id, {row} AS village_row, COALESCE(
            (SELECT c.id FROM communities_community c
              WHERE c.boundary IS NOT NULL AND h.location IS NOT NULL AND ST_Covers(c.boundary, h.location)
              ORDER BY c.name LIMIT 1),
            (SELECT min(c.id) FROM communities_community c WHERE h.moo = ANY(c.moos) HAVING count(*) = 1),
            {by_name}) AS community_id
          FROM smarthealth_household h {join}
         WHERE h.community_ref_id IS NULL AND (h.location IS NOT NULL OR h.moo IS NOT NULL)
           -- an empty register names nobody: no household is looked at (evaluated once)
           AND EXISTS (SELECT 1 FROM communities_community))"""
# A VILLNAME the register does not hold, mapped by the administrator (villages.py): remembered as a
# ValueMapping of VILLAGE_MAPPINGS whose target is the community's id.
_MAPPED = ("(SELECT c.id FROM imports_valuemapping m JOIN communities_community c ON c.id::text = m.target"
           " WHERE m.dataset = %(mapping_dataset)s AND m.column = %(mapping_column)s AND "
           + _NAME_KEY.format("m.source_text") + " = " + _NAME_KEY.format("{name}")
           + " ORDER BY m.id LIMIT 1)")
_BY_NAME = ("(SELECT c.id FROM communities_community c WHERE v.name <> '' AND "
            + _NAME_KEY.format("c.name") + " = " + _NAME_KEY.format("v.name") + " ORDER BY c.name LIMIT 1)")
_BY_NAME = "COALESCE(" + _BY_NAME + ", CASE WHEN v.name <> '' THEN " + _MAPPED.format(name="v.name") + " END)"
_SETTLE = """
    named AS (
        UPDATE smarthealth_household h SET community_ref_id = c.id, community = c.name, updated_at = now()
          FROM pick p JOIN communities_community c ON c.id = p.community_id
         WHERE h.id = p.household_id
        RETURNING p.village_row)
    SELECT count(DISTINCT village_row), count(*) FROM named"""


def village_names(context: Context, result: FileResult | None) -> None:
    """The households still without a community get one from the register: the boundary that
    covers the house, else the one community that lists its moo, else the register's community
    named as its VILLAGE row's VILLNAME. A VILLNAME the register does not know creates nothing:
    it is listed (`villages_not_in_register`) for the administrator to add or map."""
    if result is None:  # HOME without VILLAGE: the boundary and the moo only
        pick = _PICK.format(row="NULL::int", by_name="NULL::bigint", join="")
        context.execute("WITH " + pick + "," + _SETTLE)
        return
    pick = _PICK.format(row="v._row", by_name=_BY_NAME, join="""LEFT JOIN v ON h.moo = v.moo
               AND (h.subdistrict_code = v.subdistrict OR h.subdistrict_code = '')""")
    mapping = {"mapping_dataset": VILLAGE_MAPPINGS, "mapping_column": VILLAGE_MAPPING_COLUMN}
    rows = context.execute("WITH " + _VILLAGES + "," + pick + "," + _SETTLE, mapping)
    villages, households = rows[0]
    result.updated += villages
    result.details["households_named"] = households
    unknown = context.execute("WITH " + _VILLAGES + """
        SELECT DISTINCT v.name FROM v WHERE v.name <> '' AND NOT EXISTS (
            SELECT 1 FROM communities_community c WHERE """ + _NAME_KEY.format("c.name") + " = "
                              + _NAME_KEY.format("v.name") + ") AND " + _MAPPED.format(name="v.name")
                              + " IS NULL ORDER BY 1", mapping)
    if unknown:
        result.details["villages_not_in_register"] = [name for (name,) in unknown]
        result.warnings += len(unknown)


def volunteers_match(context: Context, result: FileResult | None) -> None:
    """Households whose VHVID person is exactly one active volunteer user (same first and last
    name): that user becomes their volunteer, unless the household already has one and its HOME
    row did not change in this import. From the households' few distinct VHVIDs to their persons
    (by key) to the users: never a scan of every person by name."""
    rows = context.execute("""
        WITH wanted AS (
            SELECT DISTINCT hospcode, volunteer_pid AS pid FROM smarthealth_household
             WHERE volunteer_pid <> '' AND (volunteer_id IS NULL OR id = ANY(%(changed)s::bigint[]))
               -- no volunteer user at all: nobody to match, no household looked at (evaluated once)
               AND EXISTS (SELECT 1 FROM accounts_user u JOIN accounts_user_groups ug ON ug.user_id = u.id
                             JOIN auth_group g ON g.id = ug.group_id
                            WHERE u.is_active AND g.name = %(group)s)
        ), named AS (
            SELECT w.hospcode, w.pid, u.id AS user_id, count(*) OVER (PARTITION BY w.hospcode, w.pid) AS n
              FROM wanted w
              JOIN smarthealth_person p ON p.hospcode = w.hospcode AND p.pid = w.pid
              JOIN accounts_user u ON u.is_active AND btrim(u.first_name) <> ''
                   AND btrim(u.first_name) = btrim(p.first_name) AND btrim(u.last_name) = btrim(p.last_name)
             WHERE EXISTS (SELECT 1 FROM accounts_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                            WHERE ug.user_id = u.id AND g.name = %(group)s)
        ), up AS (
            UPDATE smarthealth_household h SET volunteer_id = named.user_id, updated_at = now()
              FROM named
             WHERE named.n = 1 AND h.hospcode = named.hospcode AND h.volunteer_pid = named.pid
               AND (h.volunteer_id IS NULL OR h.id = ANY(%(changed)s::bigint[]))
               AND h.volunteer_id IS DISTINCT FROM named.user_id
            RETURNING h.id
        )
        SELECT (SELECT count(*) FROM up),
               (SELECT count(*) FROM smarthealth_household
                 WHERE volunteer_pid <> '' AND volunteer_id IS NULL AND id NOT IN (SELECT id FROM up))""",
        {"changed": context.changed_households, "group": Role.VOLUNTEER.value})
    assigned, waiting = rows[0]
    if result is not None:
        result.details["volunteers_assigned"] = assigned
        result.details["volunteers_waiting"] = waiting
