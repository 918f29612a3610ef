"""Invalid rows, as real exports carry them (reference §5 pitfalls 7–9): a few per file, at random
places, each recorded as a BadRow with its kind, column and reason.

Bad PERSON rows are extra invented persons (never a good person made bad), so the good rows'
figures stay what they are; bad service rows either name an unknown or rejected person, or copy a
good person's row with an earlier date, so that a forgiving importer that repairs them (a BE year
read as CE) still does not change anyone's latest ADL or screening.
"""

import datetime as dt
import random

from . import codes
from .care import Care
from .export import BadRow, Row
from .layouts import HEADERS
from .options import Dates, SampleOptions
from .population import People, Town
from .rows import home_row, person_row, village_rows
from .truth import D, F, N, P

# kind → (column, reason). Kinds a forgiving importer may repair instead of rejecting:
# REPAIRABLE (their BadRow.repaired holds the row as it would then read).
BAD_KINDS = {
    "bad_date": ("", "not a date (month 13)"),
    "be_year": ("", "a Buddhist-Era year in a CE date"),
    "bad_cid": ("CID", "the national ID's check digit does not match"),
    "placeholder_cid": ("CID", "a placeholder national ID (1111111111111)"),
    "typearea_9": ("TYPEAREA", "TYPEAREA 9 is not a code"),
    "race_99": ("RACE", "RACE 99 is not a 3-digit nationality code"),
    "ragged": ("", "a short row: required columns are missing"),
    "swapped_coordinates": ("LATITUDE", "latitude and longitude swapped: outside Thailand"),
    "unknown_pid": ("PID", "no PERSON row with this PID"),
    "person_rejected": ("PID", "the PERSON row of this PID is itself rejected"),
    "bad_code": ("DISABTYPE", "DISABTYPE 8 is not a code (1–7)"),
    "bad_score": ("TESTRESULT", "a Barthel score above 20"),
    "sbp_below_dbp": ("SBP_1", "systolic pressure below diastolic"),
}
REPAIRABLE = frozenset({"be_year", "race_99", "swapped_coordinates"})
KINDS_BY_FILE = {
    "PERSON": ("bad_date", "bad_cid", "placeholder_cid", "typearea_9", "race_99", "be_year", "ragged"),
    "HOME": ("swapped_coordinates", "ragged"),
    "VILLAGE": ("ragged",),
    "CHRONIC": ("unknown_pid", "bad_date", "person_rejected", "ragged"),
    "DISABILITY": ("unknown_pid", "bad_code", "person_rejected", "ragged"),
    "FUNCTIONAL": ("unknown_pid", "bad_date", "bad_score", "person_rejected", "ragged"),
    "NCDSCREEN": ("unknown_pid", "bad_date", "be_year", "sbp_below_dbp", "person_rejected", "ragged"),
    "COMMUNITY_SERVICE": ("unknown_pid", "bad_date", "person_rejected", "ragged"),
}
_DATE_COLUMN = {"PERSON": "BIRTH", "CHRONIC": "DATE_DIAG", "FUNCTIONAL": "DATE_SERV",
                "NCDSCREEN": "DATE_SERV", "COMMUNITY_SERVICE": "DATE_SERV"}
_SEQ_FILES = ("FUNCTIONAL", "NCDSCREEN", "COMMUNITY_SERVICE")


def _set(row: Row, index: int, value: str) -> Row:
    return (*row[:index], value, *row[index + 1:])


def _be(d8: str) -> str:
    return f"{int(d8[:4]) + 543}{d8[4:]}"


def _earlier(d8: str, days: int, dates: Dates) -> str:
    day = dt.date(int(d8[:4]), int(d8[4:6]), int(d8[6:8])) - dt.timedelta(days=days)
    return dates.d8(day)


class Injector:
    def __init__(self, *, town: Town, care: Care, files: dict[str, list[Row]], options: SampleOptions,
                 rng: random.Random, dates: Dates) -> None:
        self.town, self.care, self.files, self.options = town, care, files, options
        self.rng, self.dates = rng, dates
        self.people = People(options=options, rng=rng, dates=dates, cids=town.cids, next_pid=town.next_pid)
        self.bad: list[BadRow] = []
        self.rejected_person: tuple[str, str] | None = None  # (PID, CID) of a rejected PERSON row
        self.unknown = 0

    def run(self) -> list[BadRow]:
        for name in ("PERSON", *[n for n in KINDS_BY_FILE if n != "PERSON"]):
            made: list[tuple[str, Row, Row | None]] = []
            for kind in KINDS_BY_FILE[name]:
                for _ in range(self.options.bad_per_kind):
                    made += self.make(name, kind)
            self.insert(name, made)
        self.town.next_pid = self.people.next_pid
        return self.bad

    def insert(self, name: str, made: list[tuple[str, Row, Row | None]]) -> None:
        rows = self.files[name]
        total = len(rows) + len(made)
        pool = range(1, total) if total - 1 >= len(made) else range(total)
        positions = sorted(self.rng.sample(pool, len(made)))
        merged: list[Row] = []
        taken = 0
        for position, (kind, row, repaired) in zip(positions, made, strict=True):
            step = position - len(merged)
            merged.extend(rows[taken:taken + step])
            taken += step
            column, reason = BAD_KINDS[kind]
            column = column or (_DATE_COLUMN.get(name, "D_UPDATE") if kind in ("bad_date", "be_year") else "")
            key = (row[0], row[2]) if name == "PERSON" and len(row) > 2 else \
                (row[0], row[1]) if name not in ("HOME", "VILLAGE", "DISABILITY") and len(row) > 1 else \
                (row[0], row[2]) if name == "DISABILITY" and len(row) > 2 else None
            depends = None
            if kind == "person_rejected" and self.rejected_person is not None:
                pid = self.rejected_person[0]
                depends = next(b.index for b in self.bad if b.file == "PERSON" and b.key == (row[0], pid))
            self.bad.append(BadRow(file=name, index=position, kind=kind, column=column, reason=reason,
                                   key=key, repaired=repaired, depends_on=depends))
            merged.append(row)
        merged.extend(rows[taken:])
        rows[:] = merged

    def make(self, name: str, kind: str) -> list[tuple[str, Row, Row | None]]:
        if name == "PERSON":
            return [(kind, *self.person(kind))]
        if name == "HOME":
            return [(kind, *self.home(kind))]
        if name == "VILLAGE":
            row = village_rows(self.town, options=self.options, rng=self.rng, dates=self.dates)[0]
            moo = self.options.moos + 1
            return [(kind, (row[0], f"{self.options.subdistrict_code}{moo:02d}", *row[2:10]), None)]
        return [(kind, *self.service(name, kind))]

    def person(self, kind: str) -> tuple[Row, Row | None]:
        rng = self.rng
        p = self.people.person(age=rng.randint(20, 70), sex=rng.choice("12"))
        p.typearea = "1"
        homes = self.town.homes
        p.home = rng.choice(homes) if homes else None
        row = person_row(p, hospcode=self.options.hospcode, dates=self.dates)
        repaired = None
        if kind == "bad_date":
            row = _set(row, P["BIRTH"], f"{p.birth.year}1345")
        elif kind == "be_year":
            repaired, row = row, _set(row, P["BIRTH"], _be(row[P["BIRTH"]]))
        elif kind == "bad_cid":
            row = _set(row, P["CID"], p.cid[:12] + str((int(p.cid[12]) + 1) % 10))
            self.rejected_person = (p.pid, row[P["CID"]])
        elif kind == "placeholder_cid":
            row = _set(row, P["CID"], "1111111111111")
        elif kind == "typearea_9":
            row = _set(row, P["TYPEAREA"], "9")
        elif kind == "race_99":
            row = _set(row, P["RACE"], "99")
            repaired = row
        elif kind == "ragged":
            row = row[:12]
        return row, repaired

    def home(self, kind: str) -> tuple[Row, Row | None]:
        hid = str(self.town.next_hid)
        self.town.next_hid += 1
        template = self.rng.choice(self.town.homes) if self.town.homes else None
        if template is None:
            raise ValueError("bad HOME rows need at least one home")
        row = home_row(template, options=self.options)
        row = _set(_set(row, 1, hid), 2, "")
        lat, lon = self.town.moo_centres[template.moo - 1]
        if kind == "swapped_coordinates":
            repaired = _set(_set(row, 16, f"{lat:.6f}"), 17, f"{lon:.6f}")
            return _set(_set(row, 16, f"{lon:.6f}"), 17, f"{lat:.6f}"), repaired
        return row[:12], None

    def service(self, name: str, kind: str) -> tuple[Row, Row | None]:
        rng, care = self.rng, self.care
        pid_col = 2 if name == "DISABILITY" else 1
        if kind in ("unknown_pid", "person_rejected"):
            rows = self.files[name]
            template = rng.choice(rows) if rows else self.template(name)
            if kind == "unknown_pid":
                self.unknown += 1
                pid, cid = str(10**8 + self.unknown), ""
            else:
                if self.rejected_person is None:
                    raise ValueError("person_rejected needs a bad_cid PERSON row first")
                pid, cid = self.rejected_person
            row = _set(_set(template, pid_col, pid), len(template) - 1, cid)
            if name in _SEQ_FILES:
                row = _set(row, 2, care.next_seq())
            if name == "DISABILITY":
                row = _set(row, 1, "")
            return row, None
        rows = [r for r in self.files[name] if r[pid_col].isdigit() and int(r[pid_col]) < 10**8]
        if name == "FUNCTIONAL":
            rows = [r for r in rows if r[F["FUNCTIONAL_TEST"]] == codes.TEST_BARTHEL]
        template = rng.choice(rows) if rows else self.template(name)
        if name in _SEQ_FILES:
            template = _set(template, 2, care.next_seq())
        if kind == "ragged":
            return template[:3], None
        if kind == "bad_code":
            return _set(template, D["DISABTYPE"], "8"), None
        date_col = HEADERS[name].index(_DATE_COLUMN[name])
        older = _earlier(template[date_col], rng.randint(400, 700), self.dates)
        template = _set(template, date_col, older)
        if kind == "bad_date":
            return _set(template, date_col, f"{older[:4]}1341"), None
        if kind == "be_year":
            return _set(template, date_col, _be(older)), template
        if kind == "bad_score":
            return _set(_set(template, F["TESTRESULT"], "25"), F["DEPENDENT"], "1"), None
        if kind == "sbp_below_dbp":
            return _set(_set(template, N["SBP_1"], "70"), N["DBP_1"], "95"), None
        raise ValueError(f"no bad row of kind {kind} for {name}")

    def template(self, name: str) -> Row:
        """A row of a person of the town, for a file the town left empty (a tiny town)."""
        p = next(p for p in self.town.persons if p.discharge == "9")
        day = self.options.exported_at.date() - dt.timedelta(days=30)
        if name == "CHRONIC":
            return self.care.chronic_row(p, "I10", diagnosed=day)
        if name == "DISABILITY":
            d8 = self.dates.d8(day)
            return (self.options.hospcode, "", p.pid, "3", "1", "I694", d8, d8, self.care.stamp(day), p.cid)
        if name == "FUNCTIONAL":
            return self.care.functional_row(p, day, codes.TEST_BARTHEL, 15)
        if name == "NCDSCREEN":
            return self.care.ncd_row(p, day)
        return self.care.visit_row(p, day, codes.VISIT_ELDER)


def inject_bad_rows(*, town: Town, care: Care, files: dict[str, list[Row]], options: SampleOptions,
                    rng: random.Random, dates: Dates) -> list[BadRow]:
    return Injector(town=town, care=care, files=files, options=options, rng=rng, dates=dates).run()
