"""What an import of the export must produce, computed from the rows with the rules of issue 15
(not with the importer's code): who the residents are, their conditions, ADL, screenings, and
the figures of GET /api/v1/health/summary/."""

import datetime as dt
from dataclasses import dataclass

from . import codes
from .export import Export, Key, Row
from .layouts import HEADERS
from .options import parse_d8

RESIDENT_TYPEAREAS = frozenset({"1", "3", "5"})
AGE_BANDS = (("0_14", 0, 14), ("15_59", 15, 59), ("60_69", 60, 69), ("70_79", 70, 79), ("80_plus", 80, 200))


def _index(name: str) -> dict[str, int]:
    return {column: i for i, column in enumerate(HEADERS[name])}


P, H, C, D, F, N = (_index(n) for n in ("PERSON", "HOME", "CHRONIC", "DISABILITY", "FUNCTIONAL", "NCDSCREEN"))


@dataclass(frozen=True, slots=True)
class PersonFacts:
    key: Key
    cid: str
    hid: str
    sex: str  # "M" / "F", as the platform stores it
    birth: dt.date
    typearea: str
    discharge: str
    ddischarge: dt.date | None
    nation: str
    passport: str
    vstatus: str

    @property
    def resident(self) -> bool:
        return self.typearea in RESIDENT_TYPEAREAS and self.discharge == "9"


@dataclass(frozen=True, slots=True)
class Screening:
    day: dt.date
    sbp_1: int
    dbp_1: int
    sbp_2: int | None
    dbp_2: int | None
    bslevel: float | None  # None when BSTEST is 9 (not tested)
    bstest: str


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class Truth:
    """Facts of the good rows (plus the bad rows of `accept_kinds`, as repaired)."""

    def __init__(self, export: Export, *, accept_kinds: frozenset[str] = frozenset()) -> None:
        self.export = export
        self.accept_kinds = accept_kinds
        self.persons: dict[Key, PersonFacts] = {}
        self.homes: dict[str, Row] = {}  # HID → HOME row
        self.chronic: dict[Key, list[tuple[str, str]]] = {}  # key → [(ICD, TYPEDISCH)]
        self.disabilities: dict[Key, set[str]] = {}  # key → Disability values
        self.adl: dict[Key, tuple[dt.date, int]] = {}  # latest Barthel (test 01)
        self.screening: dict[Key, Screening] = {}  # latest NCD screening
        self.rows: dict[str, int] = {}  # good rows per file
        self.visits: dict[Key, int] = {}
        for name in HEADERS:
            self.rows[name] = sum(1 for _ in self._rows(name))
        for row in self._rows("PERSON"):
            facts = PersonFacts(
                key=(row[P["HOSPCODE"]], row[P["PID"]]), cid=row[P["CID"]], hid=row[P["HID"]],
                sex="M" if row[P["SEX"]] == "1" else "F", birth=_date(row[P["BIRTH"]]),
                typearea=row[P["TYPEAREA"]], discharge=row[P["DISCHARGE"]],
                ddischarge=parse_d8(row[P["DDISCHARGE"]]), nation=row[P["NATION"]],
                passport=row[P["PASSPORT"]], vstatus=row[P["VSTATUS"]])
            self.persons[facts.key] = facts
        for row in self._rows("HOME"):
            self.homes[row[H["HID"]]] = row
        for row in self._rows("CHRONIC"):
            self.chronic.setdefault((row[0], row[C["PID"]]), []).append(
                (row[C["CHRONIC"]], row[C["TYPEDISCH"]]))
        for row in self._rows("DISABILITY"):
            value = codes.DISABILITY[row[D["DISABTYPE"]]][0]
            self.disabilities.setdefault((row[0], row[D["PID"]]), set()).add(value)
        for row in self._rows("FUNCTIONAL"):
            if row[F["FUNCTIONAL_TEST"]] != codes.TEST_BARTHEL:
                continue
            key, day = (row[0], row[F["PID"]]), _date(row[F["DATE_SERV"]])
            if key not in self.adl or day >= self.adl[key][0]:
                self.adl[key] = (day, int(row[F["TESTRESULT"]]))
        for row in self._rows("NCDSCREEN"):
            key, day = (row[0], row[N["PID"]]), _date(row[N["DATE_SERV"]])
            if key not in self.screening or day >= self.screening[key].day:
                self.screening[key] = Screening(
                    day=day, sbp_1=int(row[N["SBP_1"]]), dbp_1=int(row[N["DBP_1"]]),
                    sbp_2=_int(row[N["SBP_2"]]), dbp_2=_int(row[N["DBP_2"]]),
                    bslevel=float(row[N["BSLEVEL"]]) if row[N["BSLEVEL"]] else None,
                    bstest=row[N["BSTEST"]])
        for row in self._rows("COMMUNITY_SERVICE"):
            key = (row[0], row[1])
            self.visits[key] = self.visits.get(key, 0) + 1

    def _rows(self, name: str):
        """Good rows of a file, and bad rows of an accepted kind as repaired."""
        bad = {b.index: b for b in self.export.bad_rows if b.file == name}
        for i, row in enumerate(self.export.files.get(name, ())):
            if i not in bad:
                yield row
            elif bad[i].kind in self.accept_kinds and bad[i].repaired is not None:
                yield bad[i].repaired

    # --- who ----------------------------------------------------------------------------------
    @property
    def residents(self) -> frozenset[Key]:
        """TYPEAREA 1, 3 or 5 and not discharged: the municipality's residents."""
        return frozenset(k for k, p in self.persons.items() if p.resident)

    @property
    def not_counted(self) -> frozenset[Key]:
        """Active persons the figures must leave out: TYPEAREA 2 (registered, living away) and 4."""
        return frozenset(k for k, p in self.persons.items() if p.discharge == "9" and not p.resident)

    @property
    def discharged(self) -> dict[Key, tuple[str, dt.date | None]]:
        return {k: (p.discharge, p.ddischarge) for k, p in self.persons.items() if p.discharge != "9"}

    @property
    def without_cid(self) -> frozenset[Key]:
        return frozenset(k for k, p in self.persons.items() if not p.cid)

    @property
    def volunteers(self) -> frozenset[Key]:
        return frozenset(k for k, p in self.persons.items() if p.vstatus == "2")

    @property
    def homes_with_coordinates(self) -> int:
        return sum(1 for row in self.homes.values() if row[H["LATITUDE"]] and row[H["LONGITUDE"]])

    def conditions(self, key: Key, *, closed_typedisch: frozenset[str] = codes.CLOSED_TYPEDISCH
                   ) -> frozenset[str]:
        """The person's platform conditions (DM, HT, …) from CHRONIC, leaving out rows closed by
        TYPEDISCH (pass frozenset() for an importer that ignores TYPEDISCH)."""
        return frozenset(
            c for icd, typedisch in self.chronic.get(key, ())
            if typedisch not in closed_typedisch and (c := codes.condition_for_icd(icd)) is not None)

    # --- the figures --------------------------------------------------------------------------
    def summary(self, *, today: dt.date, closed_typedisch: frozenset[str] = codes.CLOSED_TYPEDISCH
                ) -> dict:
        """GET /api/v1/health/summary/ for a municipality holding only this export (by_ncd_colour
        left out: compute it from `screening` with smarthealth.rules.ncd_colour)."""
        residents = [self.persons[k] for k in self.residents]
        by_age = {band: 0 for band, _low, _high in AGE_BANDS}
        for p in residents:
            age = age_on(p.birth, today)
            for band, low, high in AGE_BANDS:
                if low <= age <= high:
                    by_age[band] += 1
        by_adl = {"social": 0, "homebound": 0, "bedbound": 0, "unassessed": 0}
        by_condition: dict[str, int] = {}
        by_disability = {value: 0 for value, _th, _visit, _icd in codes.DISABILITY.values()}
        disabled = 0
        for p in residents:
            adl = self.adl.get(p.key)
            by_adl[codes.adl_group_for(adl[1]) if adl else "unassessed"] += 1
            for condition in self.conditions(p.key, closed_typedisch=closed_typedisch):
                by_condition[condition] = by_condition.get(condition, 0) + 1
            types = self.disabilities.get(p.key)
            if types:
                disabled += 1
                for value in types:
                    by_disability[value] += 1
        return {
            "persons": len(residents),
            "households": len(self.homes),
            "elderly": sum(1 for p in residents if age_on(p.birth, today) >= 60),
            "disabled": disabled,
            "by_sex": {"M": sum(p.sex == "M" for p in residents), "F": sum(p.sex == "F" for p in residents)},
            "by_age_band": by_age,
            "by_adl_group": by_adl,
            "by_condition": by_condition,
            "by_disability": by_disability,
        }


def _date(text: str) -> dt.date:
    day = parse_d8(text)
    if day is None:
        raise ValueError(f"not a YYYYMMDD date: {text!r}")
    return day


def _int(text: str) -> int | None:
    return int(text) if text else None
