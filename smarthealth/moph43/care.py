"""The care files: CHRONIC, DISABILITY, FUNCTIONAL, NCDSCREEN, COMMUNITY_SERVICE (§3.3–3.8).

Each row names its person by (HOSPCODE, PID): a row whose person is unknown is rejected, and
says so when that person's PERSON row was itself rejected in this import.

- CHRONIC: the ICD-10 code (no dot) → the municipality's condition codes through its table
  (ChronicIcdMapping, e.g. E10–E14 → DM). A person's conditions gain every mapped code; a row
  closed as cured (TYPEDISCH 01), treatment complete (07) or no treatment needed (08) removes
  its condition unless another open row maps to it. A code no range maps is counted and listed,
  not rejected. Nothing is removed because a row is absent.
- DISABILITY: DISABTYPE 1–7 → the person's disability. The registry keeps one type: with several
  rows, the most recent DATE_DETECT wins, then the lowest code.
- FUNCTIONAL: test 01 (Barthel) → an ADL assessment (source "import") with its group; other
  tests are counted as not used. An assessment made on a form the same day is left as it is.
- NCDSCREEN: blood pressure = the mean of both readings when the second exists (rounded half up),
  else the first; fasting glucose = BSLEVEL when BSTEST is 1 or 3 (fasting), none otherwise
  (BSTEST 9: not tested); the 7-colour group as every other screening gets it.
- COMMUNITY_SERVICE: a home visit per HOSPCODE|PID|SEQ|COMSERVICE, its THCC 208 code and, for a
  known code, its Thai description as the note.
"""

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from ..imports import ADL_GROUPS, ncd_colours
from ..rules import DBP_RANGE, DISABILITY_NATIONAL_CODES, FBS_RANGE, NCD_DIAGNOSES, SBP_RANGE
from .codes import COMMUNITY_SERVICES
from .context import ids_text, nullable, packed
from .layouts import CHRONIC, COMMUNITY_SERVICE, DISABILITY, FUNCTIONAL, NCDSCREEN
from .report import Checks
from .source import FEW_LINES
from .steps import Step, counting
from .values import dates, numbers, round_half_up, whole

CLOSING_TYPEDISCH = ("01", "07", "08")  # cured, treatment complete, no treatment needed
BARTHEL = "01"
FASTING_BSTEST = ("1", "3")
NOT_MAPPED = "icd:"  # a CHRONIC row's note: its ICD-10 code, mapped to no condition
NOT_USED = "not_used"  # a FUNCTIONAL row's note: another test than Barthel

BAD_DISABTYPE = _("DISABTYPE must be 1–7.")
BAD_DATE_DETECT = _("DATE_DETECT is not a date: the row counts as the oldest of the person's.")
BAD_SCORE = _("The Barthel score (TESTRESULT) must be a whole number 0–20.")
NOT_A_NUMBER = _("Not a number.")
SBP_OUT = _("Systolic pressure must be %(low)s–%(high)s mmHg.")
DBP_OUT = _("Diastolic pressure must be %(low)s–%(high)s mmHg.")
FBS_OUT = _("Fasting blood sugar must be %(low)s–%(high)s mg/dL.")
BOTH_PRESSURES = _("Enter both systolic and diastolic pressure, or neither.")
SBP_ABOVE_DBP = _("Systolic pressure must be higher than diastolic pressure.")
NOTHING_MEASURED = _("Neither a blood pressure nor a fasting blood sugar (BSTEST 1 or 3): nothing to record.")
BAD_SERVICE = _("COMSERVICE must be a code of at most 7 characters.")

_MAPPED = """
    FROM _m43_chronic s
    JOIN smarthealth_chronicicdmapping m ON s.icd >= m.icd_from AND left(s.icd, length(m.icd_to)) <= m.icd_to
    JOIN smarthealth_chroniccondition c ON c.id = m.condition_id AND c.active
"""

_CHRONIC_APPLY = """
WITH per AS (
    SELECT person_id,
           COALESCE(array_agg(DISTINCT code) FILTER (WHERE NOT closing), '{}') AS open,
           COALESCE(array_agg(DISTINCT code) FILTER (WHERE closing), '{}') AS closed
      FROM _m43_cm GROUP BY person_id
), next AS (
    SELECT p.id, ARRAY(SELECT DISTINCT x FROM unnest(p.chronic_conditions || per.open) AS x
                        WHERE x = ANY(per.open) OR NOT x = ANY(per.closed) ORDER BY x)::varchar(16)[] AS codes
      FROM smarthealth_person p JOIN per ON per.person_id = p.id
)
UPDATE smarthealth_person t SET chronic_conditions = next.codes, updated_at = now()
  FROM next WHERE t.id = next.id AND t.chronic_conditions IS DISTINCT FROM next.codes
"""

# Per (person, condition): created when an open row added it, updated when a closing row removed it.
_CHRONIC_COUNTS = """
WITH pairs AS (
    SELECT cm.person_id, cm.code, bool_or(NOT cm.closing) AS open, bool_or(cm.closing) AS closed,
           COALESCE(cm.code = ANY(o.chronic_conditions), false) AS had
      FROM _m43_cm cm LEFT JOIN _m43_old o ON o.id = cm.person_id  -- none: created by this import, '{}'
     GROUP BY cm.person_id, cm.code, o.chronic_conditions)
SELECT count(*) FILTER (WHERE open AND NOT had), count(*) FILTER (WHERE closed AND NOT open AND had)
  FROM pairs
"""

# Rows of persons this import created (`fresh`) cannot meet a row of the registry: they are
# inserted plainly, without ON CONFLICT's probe of the unique index first (a first import's all).
_ADL_INSERT = """
INSERT INTO smarthealth_adlassessment (person_id, assessed_on, score, "group", source, created_at)
SELECT DISTINCT ON (person_id, assessed_on) person_id, assessed_on, score, "group", 'import', now()
  FROM _m43_functional WHERE fresh ORDER BY person_id, assessed_on, _row DESC
"""

# An assessment of the same day made on a form (with its items) is not overwritten.
_ADL_UPSERT = """
INSERT INTO smarthealth_adlassessment AS t (person_id, assessed_on, score, "group", source, created_at)
SELECT DISTINCT ON (person_id, assessed_on) person_id, assessed_on, score, "group", 'import', now()
  FROM _m43_functional WHERE NOT fresh ORDER BY person_id, assessed_on, _row DESC
ON CONFLICT (person_id, assessed_on) DO UPDATE SET score = excluded.score, "group" = excluded."group"
WHERE t.source = 'import' AND (t.score, t."group") IS DISTINCT FROM (excluded.score, excluded."group")
RETURNING (xmax = 0) AS inserted
"""

# A screening's colour depends on whether its person has diabetes or hypertension once CHRONIC of
# this import is applied: both colours are worked out while the file is read (ncd_colours), the
# diagnosis picks one here, so reading NCDSCREEN never waits for CHRONIC's statements.
_NCD_COLOUR = "CASE WHEN p.chronic_conditions && %(dx)s::varchar(16)[] THEN s.colour_dx ELSE s.colour END"

_NCD_INSERT = f"""
INSERT INTO smarthealth_ncdscreening (person_id, screened_on, sbp, dbp, fbs, complication, colour, created_at)
SELECT DISTINCT ON (s.person_id, s.screened_on) s.person_id, s.screened_on, s.sbp, s.dbp, s.fbs, '',
       {_NCD_COLOUR}, now()
  FROM _m43_ncdscreen s JOIN smarthealth_person p ON p.id = s.person_id
 WHERE s.fresh ORDER BY s.person_id, s.screened_on, s._row DESC
"""

_NCD_UPSERT = f"""
INSERT INTO smarthealth_ncdscreening AS t (person_id, screened_on, sbp, dbp, fbs, complication, colour,
                                           created_at)
SELECT DISTINCT ON (s.person_id, s.screened_on) s.person_id, s.screened_on, s.sbp, s.dbp, s.fbs, '',
       {_NCD_COLOUR}, now()
  FROM _m43_ncdscreen s JOIN smarthealth_person p ON p.id = s.person_id
 WHERE NOT s.fresh ORDER BY s.person_id, s.screened_on, s._row DESC
ON CONFLICT (person_id, screened_on) DO UPDATE SET
    sbp = excluded.sbp, dbp = excluded.dbp, fbs = excluded.fbs,
    -- a complication recorded by hand keeps the screening black
    colour = CASE WHEN t.complication <> '' THEN t.colour ELSE excluded.colour END
WHERE (t.sbp, t.dbp, t.fbs) IS DISTINCT FROM (excluded.sbp, excluded.dbp, excluded.fbs)
   OR (t.complication = '' AND t.colour IS DISTINCT FROM excluded.colour)
RETURNING (xmax = 0) AS inserted
"""

_VISIT_UPSERT = """
INSERT INTO smarthealth_homevisit AS t (person_id, visited_on, notes, service_code, source_key, created_at)
SELECT DISTINCT ON (source_key) person_id, visited_on, note, code, source_key, now()
  FROM _m43_service ORDER BY source_key, _row DESC
ON CONFLICT (source_key) DO UPDATE SET person_id = excluded.person_id, visited_on = excluded.visited_on,
    service_code = excluded.service_code, notes = excluded.notes
WHERE (t.person_id, t.visited_on, t.service_code, t.notes)
      IS DISTINCT FROM (excluded.person_id, excluded.visited_on, excluded.service_code, excluded.notes)
RETURNING (xmax = 0) AS inserted
"""


def _recolour(context, persons: list[int]) -> None:
    """The screenings of persons whose DM/HT diagnosis this import changed get the colour the
    7-colour scheme gives them now (one with a recorded complication stays black)."""
    rows = context.execute("""
        SELECT s.id, s.sbp, s.dbp, s.fbs, s.colour, p.chronic_conditions && %(dx)s::varchar(16)[]
          FROM smarthealth_ncdscreening s JOIN smarthealth_person p ON p.id = s.person_id
         WHERE s.person_id = ANY(%(persons)s) AND s.complication = ''""",
        {"dx": sorted(NCD_DIAGNOSES), "persons": persons})
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=["id", "sbp", "dbp", "fbs", "colour", "diagnosed"])
    values = {name: pd.to_numeric(frame[name], errors="coerce") for name in ("sbp", "dbp", "fbs")}
    colour = ncd_colours(values["sbp"], values["dbp"], values["fbs"], frame["diagnosed"].astype(bool))
    changed = frame[colour != frame["colour"]]
    if not changed.empty:
        context.execute(
            "UPDATE smarthealth_ncdscreening s SET colour = v.colour "
            "FROM unnest(%s::bigint[], %s::text[]) AS v(id, colour) "
            "WHERE s.id = v.id AND s.id = ANY(%s::bigint[])",  # by the ids' index, not a scan of all
            [changed["id"].tolist(), colour[changed.index].tolist(), changed["id"].tolist()])


def _two_digits(code: pd.Series) -> pd.Series:
    """`1` → `01` (a code column some programs write without its leading zero)."""
    return code.where(code.str.len() != 1, "0" + code)


class ChronicStep(Step):
    spec = CHRONIC
    deferrable = True
    table = "_m43_chronic"
    columns = {"person_id": "bigint", "icd": "text", "closing": "boolean", "fresh": "boolean"}

    def begin(self) -> None:
        super().begin()
        self.icds: list[pd.Series] = []  # each staged line's code
    # A row maps to what the municipality's table says now: a changed table applies every row again.
    rules_sql = """
        SELECT md5(COALESCE(string_agg(m.icd_from || '-' || m.icd_to || '-' || c.code, ','
                                       ORDER BY m.icd_from, m.icd_to, c.code), ''))
          FROM smarthealth_chronicicdmapping m
          JOIN smarthealth_chroniccondition c ON c.id = m.condition_id AND c.active"""

    def prepare(self, frame, checks: Checks):
        f = frame
        self.hospcode(f, checks)
        ids = self.person_ids(f, checks)
        self.required(f, checks, "CHRONIC")
        self.day(f, checks, "DATE_DIAG", required=False)
        good = checks.good
        g = f[good]
        stage = pd.DataFrame(index=g.index)
        stage["person_id"] = ids_text(ids[good])
        stage["icd"] = g["CHRONIC"].str.upper().str.replace(r"[.\s]", "", regex=True)
        stage["closing"] = np.where(_two_digits(g["TYPEDISCH"]).isin(CLOSING_TYPEDISCH), "t", "f")
        stage["fresh"] = self.context.fresh(ids[good], self.table)
        self.icds.append(stage["icd"])
        return stage

    def finish(self) -> set[int]:
        context = self.context
        icds = pd.concat(self.icds) if self.icds else pd.Series(dtype=object)
        unmapped = [icd for (icd,) in context.execute("""
            SELECT icd FROM unnest(string_to_array(%s, chr(31))) AS s(icd)
             WHERE NOT EXISTS (SELECT 1 FROM smarthealth_chronicicdmapping m
                                 JOIN smarthealth_chroniccondition c ON c.id = m.condition_id AND c.active
                                WHERE s.icd >= m.icd_from AND left(s.icd, length(m.icd_to)) <= m.icd_to)""",
            [packed(pd.unique(icds))])] if len(icds) else []
        if unmapped:
            lines = icds[icds.isin(unmapped)]
            for icd, group in lines.groupby(lines, sort=False):
                self.note(group.index, NOT_MAPPED + str(icd))
        context.execute("DROP TABLE IF EXISTS _m43_cm")
        context.scratch_as("_m43_cm", "SELECT s._row, s.person_id, c.code, s.closing, s.fresh" + _MAPPED)
        context.execute("DROP TABLE IF EXISTS _m43_old")
        # The conditions before, of persons that had some: those this import created had none
        # (and no screening to colour again).
        context.scratch_as("_m43_old", "SELECT id, chronic_conditions FROM smarthealth_person "
                                       "WHERE id IN (SELECT person_id FROM _m43_cm WHERE NOT fresh)")
        if len(icds) <= FEW_LINES:  # a few rows, said to the planner (see load_file)
            context.execute("ANALYZE _m43_old")
        context.execute(_CHRONIC_APPLY)
        created, updated = context.execute(_CHRONIC_COUNTS)[0]
        self.counted(created, updated)
        changed = [pk for (pk,) in context.execute("""
            SELECT o.id FROM _m43_old o JOIN smarthealth_person p ON p.id = o.id
             WHERE (o.chronic_conditions && %(dx)s::varchar(16)[])
                   <> (p.chronic_conditions && %(dx)s::varchar(16)[])""",
            {"dx": sorted(NCD_DIAGNOSES)})]
        if changed:
            _recolour(self.context, changed)
        return set()

    def describe(self, notes: dict[str, int]) -> None:
        unmapped = {note[len(NOT_MAPPED):]: n for note, n in notes.items() if note.startswith(NOT_MAPPED)}
        by_count = sorted(unmapped.items(), key=lambda item: (-item[1], item[0]))
        self.result.details["not_mapped"] = dict(by_count)


class DisabilityStep(Step):
    spec = DISABILITY
    deferrable = True
    table = "_m43_disability"
    columns = {"person_id": "bigint", "value": "text", "code": "smallint", "detected": "date"}

    def prepare(self, frame, checks: Checks):
        f = frame
        self.hospcode(f, checks)
        ids = self.person_ids(f, checks)
        self.required(f, checks, "DISABTYPE")
        value = f["DISABTYPE"].map(DISABILITY_NATIONAL_CODES)
        checks.reject((f["DISABTYPE"] != "") & value.isna(), "DISABTYPE", BAD_DISABTYPE)
        detected, bad, _be = dates(f["DATE_DETECT"])
        checks.warn(bad, "DATE_DETECT", BAD_DATE_DETECT)
        good = checks.good
        stage = pd.DataFrame(index=f.index[good])
        stage["person_id"] = ids_text(ids[good])
        stage["value"], stage["code"] = value[good], f["DISABTYPE"][good]
        stage["detected"] = nullable(detected[good])
        return stage

    def finish(self) -> set[int]:
        created, updated = self.context.execute("""
            WITH chosen AS (
                SELECT DISTINCT ON (d.person_id) d.person_id, d.value, p.disability AS old
                  FROM _m43_disability d JOIN smarthealth_person p ON p.id = d.person_id
                 ORDER BY d.person_id, d.detected DESC NULLS LAST, d.code
            ), up AS (
                UPDATE smarthealth_person t SET disability = c.value, updated_at = now()
                  FROM chosen c WHERE t.id = c.person_id AND t.disability IS DISTINCT FROM c.value
                RETURNING c.old = 'none' AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up""")[0]
        self.counted(created, updated)
        return set()


class FunctionalStep(Step):
    spec = FUNCTIONAL
    deferrable = True
    table = "_m43_functional"
    columns = {"person_id": "bigint", "assessed_on": "date", "score": "smallint", "group": "text",
               "fresh": "boolean"}

    def prepare(self, frame, checks: Checks):
        f = frame
        barthel = _two_digits(f["FUNCTIONAL_TEST"]) == BARTHEL
        self.note(f.index[~barthel.to_numpy()], NOT_USED)
        f = f[barthel]  # other tests (IADL, TAI …) are counted, neither loaded nor rejected
        if f.empty:
            return None
        self.hospcode(f, checks)
        ids = self.person_ids(f, checks)
        assessed = self.day(f, checks, "DATE_SERV")
        self.required(f, checks, "TESTRESULT")
        score, bad = numbers(f["TESTRESULT"])
        outside = score.notna() & (~whole(score) | (score < 0) | (score > 20))
        checks.reject(bad | outside, "TESTRESULT", BAD_SCORE)
        good = checks.good.reindex(f.index)
        stage = pd.DataFrame(index=f.index[good])
        stage["person_id"] = ids_text(ids[good])
        stage["assessed_on"] = assessed[good]
        stage["score"] = ids_text(score[good])
        stage["group"] = score[good].map(ADL_GROUPS)
        stage["fresh"] = self.context.fresh(ids[good], self.table)
        return stage

    def finish(self) -> set[int]:
        self.counted(self.context.inserted(_ADL_INSERT), 0)
        self.counted(*self.context.execute(counting(_ADL_UPSERT))[0])
        return set()

    def describe(self, notes: dict[str, int]) -> None:
        self.result.details["not_used"] = notes.get(NOT_USED, 0)


class NcdScreenStep(Step):
    spec = NCDSCREEN
    deferrable = True
    table = "_m43_ncdscreen"
    # colour: the screening's colour for a person without diabetes or hypertension; colour_dx,
    # with one (_NCD_COLOUR picks)
    columns = {"person_id": "bigint", "screened_on": "date", "sbp": "smallint", "dbp": "smallint",
               "fbs": "smallint", "colour": "text", "colour_dx": "text", "fresh": "boolean"}

    def prepare(self, frame, checks: Checks):
        f = frame
        self.hospcode(f, checks)
        ids = self.person_ids(f, checks)
        screened = self.day(f, checks, "DATE_SERV")
        read = {}
        for column in ("SBP_1", "DBP_1", "SBP_2", "DBP_2", "BSLEVEL"):
            read[column], bad = numbers(f[column])
            checks.reject(bad, column, NOT_A_NUMBER)
        sbp = round_half_up(((read["SBP_1"] + read["SBP_2"]) / 2).where(read["SBP_2"].notna(), read["SBP_1"]))
        dbp = round_half_up(((read["DBP_1"] + read["DBP_2"]) / 2).where(read["DBP_2"].notna(), read["DBP_1"]))
        fbs = round_half_up(read["BSLEVEL"]).where(f["BSTEST"].isin(FASTING_BSTEST))
        for values, column, message, (low, high) in ((sbp, "SBP_1", SBP_OUT, SBP_RANGE),
                                                      (dbp, "DBP_1", DBP_OUT, DBP_RANGE),
                                                      (fbs, "BSLEVEL", FBS_OUT, FBS_RANGE)):
            outside = values.notna() & ((values < low) | (values > high))
            checks.reject(outside, column, message, low=low, high=high)
        checks.reject(sbp.isna() != dbp.isna(), "DBP_1", BOTH_PRESSURES)
        checks.reject(sbp.notna() & dbp.notna() & (sbp <= dbp), "SBP_1", SBP_ABOVE_DBP)
        checks.reject(sbp.isna() & fbs.isna(), "SBP_1", NOTHING_MEASURED)
        good = checks.good
        stage = pd.DataFrame(index=f.index[good])
        stage["person_id"] = ids_text(ids[good])
        stage["screened_on"] = screened[good]
        for name, values in (("sbp", sbp), ("dbp", dbp), ("fbs", fbs)):
            stage[name] = ids_text(values[good])
        for column, diagnosed in (("colour", False), ("colour_dx", True)):
            stage[column] = ncd_colours(sbp[good], dbp[good], fbs[good],
                                        pd.Series(diagnosed, index=stage.index))
        stage["fresh"] = self.context.fresh(ids[good], self.table)
        return stage

    def finish(self) -> set[int]:
        dx = {"dx": sorted(NCD_DIAGNOSES)}
        self.counted(self.context.inserted(_NCD_INSERT, dx), 0)
        self.counted(*self.context.execute(counting(_NCD_UPSERT), dx)[0])
        return set()


class CommunityServiceStep(Step):
    spec = COMMUNITY_SERVICE
    deferrable = True
    table = "_m43_service"
    columns = {"person_id": "bigint", "visited_on": "date", "code": "text", "note": "text",
               "source_key": "text"}

    def prepare(self, frame, checks: Checks):
        f = frame
        self.hospcode(f, checks)
        ids = self.person_ids(f, checks)
        visited = self.day(f, checks, "DATE_SERV")
        self.required(f, checks, "COMSERVICE")
        code = f["COMSERVICE"].str.upper()
        checks.reject(code.str.len() > 7, "COMSERVICE", BAD_SERVICE)
        good = checks.good
        g = f[good]
        # SEQ is the visit's number; without one, its date keeps two visits of one day apart.
        seq = g["SEQ"].str[:16].where(g["SEQ"] != "", f["DATE_SERV"][good])
        stage = pd.DataFrame(index=g.index)
        stage["person_id"] = ids_text(ids[good])
        stage["visited_on"] = visited[good]
        stage["code"] = code[good]
        stage["note"] = code[good].map(COMMUNITY_SERVICES).fillna("")
        stage["source_key"] = g["HOSPCODE"] + "|" + g["PID"] + "|" + seq + "|" + code[good]
        return stage

    def finish(self) -> set[int]:
        self.counted(*self.context.execute(counting(_VISIT_UPSERT))[0])
        return set()
