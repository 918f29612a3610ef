"""PERSON → the registry's persons (§3.1).

Who is who: a row is the registry's person with its national ID (keyed hash) or with its health
centre key (HOSPCODE, PID). When the key is known it wins, so every later file of the centre
reaches the same person; when only the ID is known (a person first registered by a form or an
Excel import), that person gets the key, never a second record. If the key and the ID name two
different records, the key's record is updated and the row warns that the ID belongs to another
record (the two are for a person to merge, not for an import to guess).

A placeholder or invalid national ID is read as none (the row warns): the person is then known by
the key and the passport. Who lives here: TYPEAREA 1, 3, 5 not discharged are residents
(`living`); TYPEAREA 2 and 4, and DISCHARGE 3 (missing), are `away`; DISCHARGE 1 `deceased` and
2 `moved`, from DDISCHARGE (status_since). Month after month: a row whose D_UPDATE is not newer
than the one stored never overwrites it; a person absent from the file is left as it is.
"""

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from imports.parsing import normalise_text

from .. import crypto
from ..imports import name_prefixes
from .context import ids_text, keys, local_time, nullable, packed
from .identities import NewRecords
from .layouts import PERSON
from .report import Checks
from .steps import REQUIRED, Step
from .values import national_ids, timestamps

TOO_LONG = _("Too long (at most %(n)s characters).")
BAD_SEX = _("SEX must be 1 (male) or 2 (female).")
BAD_TYPEAREA = _("TYPEAREA must be 1–5.")
BAD_DISCHARGE = _("DISCHARGE must be 1 (died), 2 (moved out), 3 (missing) or 9 (not discharged).")
BAD_DDISCHARGE = _("DDISCHARGE is not a date: the date of the discharge is left empty.")
BAD_D_UPDATE = _("D_UPDATE is not a date-time (YYYYMMDDHHMMSS): a later row always replaces this one.")
PLACEHOLDER_CID = _("A placeholder national ID: the person is registered without a national ID.")
INVALID_CID = _("Not a valid national ID (13 digits with their check digit): the person is registered "
                "without a national ID.")
CID_ELSEWHERE = _("This national ID belongs to another record of the registry than this PID's: the "
                  "record of this PID is updated without it. Merge the two records by hand.")
NO_HOUSEHOLD = _("No HOME row has this HID: the person is registered without a household.")

RESIDENT_TYPEAREAS = ("1", "3", "5")
NOT_RESIDENT = "not_resident"  # a row's note (the result counts them)
SEXES = {"1": "M", "2": "F"}

# The new persons, with the ids handed out while the file was read (identities.NewRecords): one
# row per new id, the resident's and newest first (a CTE: Citus deparses the same subquery in
# FROM wrongly).
_FRESH = """
WITH fresh AS (SELECT DISTINCT ON (new_id) * FROM _m43_p WHERE new_id IS NOT NULL
                ORDER BY new_id, resident DESC, source_at DESC NULLS LAST, _row DESC)
INSERT INTO smarthealth_person (id, public_id, cid_hash, cid_encrypted, cid_last3, hospcode, pid,
    passport_encrypted, passport_last3, nationality, prefix, first_name, last_name, sex, birth_date,
    household_id, phone, chronic_conditions, disability, status, status_since, source_updated,
    created_at, updated_at)
SELECT new_id, gen_random_uuid(), cid_hash, COALESCE(cid_encrypted, ''), COALESCE(cid_last3, ''), hospcode,
       pid, COALESCE(passport_encrypted, ''), COALESCE(passport_last3, ''), nationality, prefix, first_name,
       last_name, sex, birth_date, household_id, phone, '{}', 'none', status, status_since, source_at,
       now(), now()
  FROM fresh
"""

# New rows whose key is not the new person's: another key with the same national ID made it
# (the same person). Their own key is left unattached (applied again next time).
_MERGED = """
SELECT s._row FROM _m43_p s JOIN smarthealth_person p ON p.id = s.new_id
 WHERE (p.hospcode, p.pid) IS DISTINCT FROM (s.hospcode, s.pid)
"""

# Rows of a registered person whose key it does not carry (it had another when found by its ID).
_UNATTACHED = """
SELECT s._row FROM _m43_p s JOIN smarthealth_person t ON t.id = s.person_id
 WHERE t.hospcode IS DISTINCT FROM s.hospcode OR t.pid IS DISTINCT FROM s.pid
"""

# The national ID of a row goes onto its (existing) person when nobody holds it yet: one row per ID.
_SET_CID = """
UPDATE _m43_p s SET set_cid = true
  FROM (SELECT DISTINCT ON (cid_hash) _row FROM _m43_p
         WHERE cid_hash IS NOT NULL AND cid_encrypted IS NOT NULL AND person_id IS NOT NULL
         ORDER BY cid_hash, resident DESC, source_at DESC NULLS LAST, _row DESC) one
 WHERE s._row = one._row AND NOT EXISTS (SELECT 1 FROM smarthealth_person t WHERE t.cid_hash = s.cid_hash)
"""

_UPDATE = """
WITH src AS (
    SELECT DISTINCT ON (s.person_id) s.*
      FROM _m43_p s WHERE s.person_id IS NOT NULL
     ORDER BY s.person_id, s.set_cid DESC, s.resident DESC, s.source_at DESC NULLS LAST, s._row DESC
), diff AS (
    SELECT s.*, (
           (t.prefix, t.first_name, t.last_name, t.sex, t.birth_date, t.status, t.status_since)
               IS DISTINCT FROM (COALESCE(NULLIF(s.prefix, ''), t.prefix), s.first_name, s.last_name, s.sex,
                                 s.birth_date, s.status, s.status_since)
           OR (s.phone <> '' AND t.phone IS DISTINCT FROM s.phone)
           OR (s.nationality <> '' AND t.nationality IS DISTINCT FROM s.nationality)
           OR (s.household_id IS NOT NULL AND t.household_id IS DISTINCT FROM s.household_id)
           OR (s.attach AND t.pid IS NULL)
           OR s.set_cid
           OR (s.passport_last3 IS NOT NULL AND t.passport_last3 IS DISTINCT FROM s.passport_last3)
           ) AS differs, s.attach AND t.pid IS NULL AS attached,
           now() AS stamp  -- not in the CASE below: Citus takes only immutable functions there
      FROM src s JOIN smarthealth_person t ON t.id = s.person_id
     WHERE t.source_updated IS NULL OR (s.source_at IS NOT NULL AND s.source_at > t.source_updated)
), up AS (
UPDATE smarthealth_person t SET
       prefix = COALESCE(NULLIF(d.prefix, ''), t.prefix), first_name = d.first_name, last_name = d.last_name,
       sex = d.sex, birth_date = d.birth_date, status = d.status, status_since = d.status_since,
       phone = COALESCE(NULLIF(d.phone, ''), t.phone),
       nationality = COALESCE(NULLIF(d.nationality, ''), t.nationality),
       household_id = COALESCE(d.household_id, t.household_id),
       hospcode = CASE WHEN d.attach AND t.pid IS NULL THEN d.hospcode ELSE t.hospcode END,
       pid = CASE WHEN d.attach AND t.pid IS NULL THEN d.pid ELSE t.pid END,
       cid_hash = CASE WHEN d.set_cid THEN d.cid_hash ELSE t.cid_hash END,
       cid_encrypted = CASE WHEN d.set_cid THEN d.cid_encrypted ELSE t.cid_encrypted END,
       cid_last3 = CASE WHEN d.set_cid THEN d.cid_last3 ELSE t.cid_last3 END,
       passport_encrypted = COALESCE(d.passport_encrypted, t.passport_encrypted),
       passport_last3 = COALESCE(d.passport_last3, t.passport_last3),
       source_updated = COALESCE(d.source_at, t.source_updated),
       updated_at = CASE WHEN d.differs THEN d.stamp ELSE t.updated_at END
  FROM diff d
 WHERE t.id = d.person_id
RETURNING d.differs, d.attached
)
SELECT count(*) FILTER (WHERE differs), count(*) FILTER (WHERE attached) FROM up
"""


def _hash_bits(cid_hash: str) -> int:
    """A national ID's keyed hash (256 bits in hex) by its first 128 bits, as an int: a third of
    the string's memory at 100,000 new persons, and no two IDs share them."""
    return int(cid_hash[:32], 16)


class PersonStep(Step):
    spec = PERSON
    deferrable = True  # the keys it creates are in the key map before its finish (settle)
    table = "_m43_person"
    columns = {
        "hospcode": "text", "pid": "text", "person_id": "bigint", "new_id": "bigint", "attach": "boolean",
        "cid_hash": "text",
        "cid_encrypted": "text", "cid_last3": "text", "passport_encrypted": "text", "passport_last3": "text",
        "nationality": "text", "prefix": "text", "first_name": "text", "last_name": "text", "sex": "text",
        "birth_date": "date", "household_id": "bigint", "phone": "text", "status": "text",
        "status_since": "date", "source_at": "timestamptz", "resident": "boolean", "set_cid": "boolean",
    }

    def begin(self) -> None:
        super().begin()
        self.staged = 0
        self.new_rows = 0  # staged rows of no registered person
        self.cid_candidates = 0  # staged rows of a registered person bringing a national ID
        self.records = NewRecords(self.context, "smarthealth_person", compact=_hash_bits)

    def prepare(self, frame: pd.DataFrame, checks: Checks) -> pd.DataFrame | None:
        f = frame
        self.hospcode(f, checks)
        self.required(f, checks, "PID", "NAME", "LNAME", "SEX", "TYPEAREA")
        checks.reject(f["PID"].str.len() > 15, "PID", TOO_LONG, n=15)
        first, last = normalise_text(f["NAME"]), normalise_text(f["LNAME"])
        checks.reject(first.str.len() > 100, "NAME", TOO_LONG, n=100)
        checks.reject(last.str.len() > 100, "LNAME", TOO_LONG, n=100)
        sex = f["SEX"].map(SEXES)
        checks.reject((f["SEX"] != "") & sex.isna(), "SEX", BAD_SEX)
        birth = self.day(f, checks, "BIRTH")
        typearea = f["TYPEAREA"]
        checks.reject((typearea != "") & ~typearea.isin(["1", "2", "3", "4", "5"]), "TYPEAREA", BAD_TYPEAREA)
        discharge = f["DISCHARGE"].where(f["DISCHARGE"] != "", "9")
        checks.reject(~discharge.isin(["1", "2", "3", "9"]), "DISCHARGE", BAD_DISCHARGE)
        since = self.day(f, checks, "DDISCHARGE", required=False, past=False)
        updated, bad_update, be = timestamps(f["D_UPDATE"])
        checks.warn(bad_update | (f["D_UPDATE"] == ""), "D_UPDATE", BAD_D_UPDATE)
        self.warn_buddhist(checks, "D_UPDATE", be, updated)
        valid, placeholder, invalid = national_ids(f["CID"])
        checks.warn(placeholder, "CID", PLACEHOLDER_CID)
        checks.warn(invalid, "CID", INVALID_CID)
        households = self.context.households.lookup(keys(f["HOSPCODE"], f["HID"]))
        checks.warn((f["HID"] != "") & households.isna(), "HID", NO_HOUSEHOLD)

        self._remember_rejected(f, checks)
        good = checks.good
        if not good.any():
            return None
        g, valid = f[good], valid[good]
        key = keys(g["HOSPCODE"], g["PID"])
        resident = g["TYPEAREA"].isin(RESIDENT_TYPEAREAS) & (discharge[good] == "9")
        self.note(g.index[~resident.to_numpy()], NOT_RESIDENT)
        status = np.select([discharge[good] == "1", discharge[good] == "2", discharge[good] == "3", resident],
                           ["deceased", "moved", "away", "living"], "away")
        stage = pd.DataFrame(index=g.index)
        stage["hospcode"], stage["pid"] = g["HOSPCODE"], g["PID"]
        self._identify(g, valid, key, stage, checks)
        stage["nationality"] = g["NATION"].str[:3]
        stage["prefix"] = name_prefixes(normalise_text(g["PRENAME"])).str[:30]
        stage["first_name"], stage["last_name"] = first[good], last[good]
        stage["sex"], stage["birth_date"] = sex[good], nullable(birth[good])
        stage["household_id"] = ids_text(households[good])
        phone = g["MOBILE"].where(g["MOBILE"] != "", g["TELEPHONE"])
        stage["phone"] = phone.str[:20]
        stage["status"] = status
        stage["status_since"] = nullable(since[good].where(discharge[good].isin(["1", "2", "3"]), ""))
        stage["source_at"] = local_time(updated[good])
        stage["resident"] = np.where(resident, "t", "f")
        stage["set_cid"] = "f"
        self.staged += len(stage)
        return stage

    def _remember_rejected(self, f: pd.DataFrame, checks: Checks) -> None:
        bad = checks.bad & (f["PID"] != "") & (f["HOSPCODE"] != "")
        if bad.any():
            rejected = self.context.rejected_persons
            for key, line in zip(keys(f["HOSPCODE"][bad], f["PID"][bad]), f.index[bad], strict=True):
                # the first such line of the file (rows may come in two rounds: load)
                rejected[key] = min(rejected.get(key, int(line)), int(line))

    def _identify(self, g: pd.DataFrame, valid: pd.Series, key: pd.Series, stage: pd.DataFrame,
                  checks: Checks) -> None:
        """person_id, attach and the national ID's hash and token of each good row."""
        cids = g["CID"].where(valid, "")
        unique = [cid for cid in pd.unique(cids) if cid]
        hashes = dict(zip(unique, crypto.cid_hash_many(unique), strict=True))
        cid_hash = cids.map(hashes)
        found = dict(self.context.lookup(
            # LATERAL … LIMIT 1: a probe of the unique index per ID (see context.KeyMap)
            "SELECT p.cid_hash, p.id FROM unnest(string_to_array(%s, chr(31))) AS h CROSS JOIN LATERAL "
            "(SELECT p.cid_hash, p.id FROM smarthealth_person p WHERE p.cid_hash = h LIMIT 1) p",
            [packed(hashes.values())])) if hashes else {}
        by_cid = cid_hash.map(found).astype(np.float64)
        by_key = self.context.persons.lookup(key)
        conflict = by_key.notna() & by_cid.notna() & (by_key != by_cid)
        # A key the registry does not hold: a person found by the ID, or one this file creates
        # (its id handed out now, see identities), the same for every row of the key.
        person, new_id, attach, left_off = self.records.resolve(key, by_key, cid_hash, by_cid)
        conflict |= left_off
        checks.warn(conflict, "CID", CID_ELSEWHERE)
        cid_hash = cid_hash.where(~conflict)
        by_cid = by_cid.where(~conflict)
        stage["person_id"] = ids_text(pd.Series(person, index=key.index))
        stage["new_id"] = ids_text(pd.Series(new_id, index=key.index))
        stage["attach"] = np.where(attach, "t", "f")
        # A token only where the ID is not stored yet (new persons, an ID added at the source).
        token = cid_hash.notna() & by_cid.isna()
        self.new_rows += int(np.isfinite(new_id).sum())
        self.cid_candidates += int((token & ~np.isnan(person)).sum())
        stage["cid_hash"] = cid_hash.where(cid_hash.notna(), None)
        stage["cid_encrypted"] = None
        stage["cid_last3"] = None
        if token.any():
            stage.loc[token, "cid_encrypted"] = crypto.cid_encrypt_many(cids[token].tolist())
            stage.loc[token, "cid_last3"] = cids[token].str[-3:]
        passport = normalise_text(g["PASSPORT"]).str[:30]
        stage["passport_encrypted"] = None
        stage["passport_last3"] = None
        has_passport = passport != ""
        if has_passport.any():
            stage.loc[has_passport, "passport_encrypted"] = crypto.passport_encrypt_many(
                passport[has_passport].tolist())
            stage.loc[has_passport, "passport_last3"] = passport[has_passport].str[-3:]

    def describe(self, notes: dict[str, int]) -> None:
        self.result.details["not_resident"] = notes.get(NOT_RESIDENT, 0)

    def settle(self) -> None:
        context = self.context
        # Every key this file staged, attached or not (the keys the registry held are in the map).
        context.persons.add(*self.records.keys())
        created = self.records.created()
        if len(created):
            context.fresh_persons = context.fresh_persons.append(pd.Index(created, dtype=np.float64))
        for key in [k for k in context.rejected_persons if self.records.has(k)]:
            del context.rejected_persons[key]  # another row of the same person was good
        # What the finish needs of them: let go of the keys while later files are read.
        self.repeated = self.records.count() < self.staged
        self.records = None

    def finish(self) -> set[int]:
        context = self.context
        if self.repeated:  # a key twice: the newest D_UPDATE, then the later row
            context.scratch_as("_m43_p", "SELECT DISTINCT ON (hospcode, pid) * FROM _m43_person "
                                         "ORDER BY hospcode, pid, source_at DESC NULLS LAST, _row DESC")
        else:
            context.scratch_rename("_m43_person", "_m43_p")
        inserted = context.inserted(_FRESH) if self.new_rows else 0
        # Rarely some new rows share a national ID with another key: they are of its new person.
        merged = context.execute(_MERGED) if self.new_rows > inserted else []
        if self.cid_candidates:
            context.execute(_SET_CID)
        updated, attached = context.execute(_UPDATE)[0]
        self.counted(inserted, updated)
        context.kept.added["person"] += inserted + attached
        unclean = {row for (row,) in context.execute(_UNATTACHED)} | {row for (row,) in merged}
        context.submit("DROP TABLE _m43_p")
        return unclean


__all__ = ["REQUIRED", "PersonStep"]
