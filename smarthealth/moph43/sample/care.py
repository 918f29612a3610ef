"""The health rows of the town: CHRONIC, DISABILITY, FUNCTIONAL, NCDSCREEN, COMMUNITY_SERVICE and
SPECIALPP, with the prevalence of a small southern Thai town (NHES figures for the South,
rounded): hypertension and diabetes rising with age, ~2 % disabled, Barthel ADL for the elderly,
one NCD screening a year for most adults of 35 and over, home visits for those who need them.
Service dates lie in the year before the export (before the discharge for those discharged).
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from sys import intern

from . import codes
from .options import Dates, SampleOptions, parse_d8
from .population import Person, Town, _weighted

Row = tuple[str, ...]
_NUMBERS = tuple(str(n) for n in range(400))  # readings and scores: one string object each


def _num(n: int) -> str:
    return _NUMBERS[n] if 0 <= n < 400 else str(n)

# (lowest age, P(HT), P(DM | no HT), P(DM | HT))
_NCD_BY_AGE = ((70, 0.58, 0.15, 0.30), (60, 0.50, 0.13, 0.27), (45, 0.33, 0.08, 0.22),
               (35, 0.16, 0.03, 0.14), (15, 0.04, 0.006, 0.06))


@dataclass(slots=True)
class Care:
    """Builds the rows; `seq` numbers visits (SEQ) across all files, as a unit's program does."""

    options: SampleOptions
    rng: random.Random
    dates: Dates
    seq: int = 0
    providers: tuple[str, ...] = ()
    files: dict[str, list[Row]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.providers = tuple(f"{self.options.hospcode}{k:05d}" for k in range(1, 7))
        for name in ("CHRONIC", "DISABILITY", "FUNCTIONAL", "NCDSCREEN", "COMMUNITY_SERVICE",
                     "SPECIALPP"):
            self.files[name] = []

    @property
    def today(self) -> dt.date:
        return self.options.exported_at.date()

    def next_seq(self) -> str:
        self.seq += 1
        return f"{self.seq:08d}"

    def serv_day(self, p: Person, *, days: int = 365, before: dt.date | None = None) -> dt.date:
        """A service day within `days` before the export (or before `before`, or the discharge)."""
        end = min(before or self.today, p.ddischarge or self.today)
        start = max(p.birth, end - dt.timedelta(days=days))
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def stamp(self, day: dt.date) -> str:
        """D_UPDATE a few days after the service, never after the export."""
        later = min(self.today, day + dt.timedelta(days=self.rng.randint(0, 3)))
        return self.dates.dt14(later, self.rng.randint(8 * 3600, 16 * 3600 + 1800))

    # --- registries ---------------------------------------------------------------------------
    def chronic(self, p: Person) -> None:
        rng, age = self.rng, p.age
        if age < 15:
            return
        _low, p_ht, p_dm, p_dm_ht = next(row for row in _NCD_BY_AGE if age >= row[0])
        conditions = []
        if rng.random() < p_ht:
            conditions.append("HT")
        if rng.random() < (p_dm_ht if conditions else p_dm):
            conditions.append("DM")
        old = age >= 60
        if rng.random() < (0.12 if "DM" in conditions else 0.015 if old else 0.002):
            conditions.append("CKD")
        if rng.random() < (0.05 if "HT" in conditions and old else 0.012 if old else 0.001):
            conditions.append("STROKE")
        if rng.random() < ((0.045 if p.sex == "1" else 0.015) if old else 0.001):
            conditions.append("COPD")
        if rng.random() < (0.02 if age >= 50 else 0.002):
            conditions.append("CANCER_M" if p.sex == "1" else "CANCER_F")
        icds = [_weighted(rng, codes.ICD_BY_CONDITION[c]) for c in conditions]
        if age >= 35 and rng.random() < 0.12:
            icds.append(_weighted(rng, codes.ICD_UNMAPPED))
        p.icds = icds
        for icd in icds:
            self.files["CHRONIC"].append(self.chronic_row(p, icd))

    def chronic_row(self, p: Person, icd: str, *, diagnosed: dt.date | None = None) -> Row:
        rng, today = self.rng, self.today
        if diagnosed is None:
            earliest = max(p.birth + dt.timedelta(days=365 * 15), today - dt.timedelta(days=365 * 20))
            latest = p.ddischarge or today - dt.timedelta(days=30)
            diagnosed = earliest + dt.timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
            diagnosed = max(p.birth, min(diagnosed, latest))
        typedisch, closed = codes.TYPEDISCH_ACTIVE, ""
        if icd.startswith("C") and rng.random() < self.options.cured_share:
            typedisch = "07"
            closed_on = min(today, diagnosed + dt.timedelta(days=rng.randint(180, 900)))
            closed = self.dates.d8(closed_on)
        elif p.discharge == "1" and p.ddischarge and rng.random() < 0.5:
            typedisch, closed = "02", self.dates.d8(p.ddischarge)
        hosp_dx = self.options.hospcode if rng.random() < 0.6 else "00000"
        return (self.options.hospcode, p.pid, self.dates.d8(diagnosed), icd, hosp_dx, self.options.hospcode,
                closed, typedisch, self.stamp(max(diagnosed, parse_d8(closed) or diagnosed)), p.cid)

    def disability(self, p: Person) -> None:
        rng = self.rng
        stroke = any(codes.condition_for_icd(icd) == "STROKE" for icd in p.icds)
        chance = 0.45 if stroke else 0.007 if p.age < 15 else 0.012 if p.age < 60 else 0.045
        if rng.random() >= chance:
            return
        p.disab = "3" if stroke else _weighted(rng, codes.DISABILITY_WEIGHTS)
        _value, _label, _visit, diagnoses = codes.DISABILITY[p.disab]
        detected = self.serv_day(p, days=365 * 8)
        began = detected - dt.timedelta(days=rng.randint(0, 700))
        self.files["DISABILITY"].append((
            self.options.hospcode, p.cid if p.cid and rng.random() < 0.7 else "", p.pid, p.disab,
            rng.choice("123"), rng.choice(diagnoses), self.dates.d8(detected),
            self.dates.d8(max(began, p.birth)), self.stamp(detected), p.cid,
        ))

    # --- services -----------------------------------------------------------------------------
    def barthel(self, p: Person) -> int | None:
        """Barthel ADL rows for the elderly and disabled; returns the latest score."""
        rng = self.rng
        if p.age < 60 and not (p.disab and rng.random() < 0.6):
            return None
        if p.age >= 60 and rng.random() >= 0.85:
            return None
        stroke = any(codes.condition_for_icd(icd) == "STROKE" for icd in p.icds)
        bed, home = ((0.25, 0.35) if stroke else (0.15, 0.30) if p.disab == "3"
                     else (0.06, 0.14) if p.age >= 80 else (0.02, 0.06) if p.age >= 70 else (0.01, 0.03))
        roll = rng.random()
        score = (rng.randint(0, 4) if roll < bed else rng.randint(5, 11) if roll < bed + home
                 else max(12, 20 - int(abs(rng.gauss(0, 2.5)))))
        latest = self.serv_day(p, days=300)
        if rng.random() < 0.3:  # an earlier assessment, often a little better
            earlier = latest - dt.timedelta(days=rng.randint(90, 330))
            if earlier > p.birth:
                self.functional(p, earlier, codes.TEST_BARTHEL, min(20, score + rng.randint(0, 3)))
        self.functional(p, latest, codes.TEST_BARTHEL, score)
        if rng.random() < 0.15:
            self.functional(p, latest, codes.TEST_IADL, rng.randint(0, 9))
        if rng.random() < 0.05:
            self.functional(p, latest, codes.TEST_TAI, rng.choice(codes.TAI_GROUPS))
        return score

    def functional(self, p: Person, day: dt.date, test: str, result: int | str) -> None:
        self.files["FUNCTIONAL"].append(self.functional_row(p, day, test, result))

    def functional_row(self, p: Person, day: dt.date, test: str, result: int | str) -> Row:
        dependent = codes.dependent_for_barthel(int(result)) if test == codes.TEST_BARTHEL else ""
        return (self.options.hospcode, p.pid, self.next_seq(), self.dates.d8(day), test, intern(str(result)),
                dependent, self.rng.choice(self.providers), self.stamp(day), p.cid)

    def screenings(self, p: Person) -> None:
        rng = self.rng
        if p.typearea == "4":
            if rng.random() < 0.3:
                self.files["NCDSCREEN"].append(self.ncd_row(p, self.serv_day(p)))
            return
        if p.age < 35 or p.typearea == "2" or rng.random() >= 0.9:
            return
        first = self.serv_day(p)
        self.files["NCDSCREEN"].append(self.ncd_row(p, first))
        if rng.random() < 0.25:
            second = first - dt.timedelta(days=rng.randint(120, 330))
            if second > p.birth:
                self.files["NCDSCREEN"].append(self.ncd_row(p, second))

    def ncd_row(self, p: Person, day: dt.date) -> Row:
        rng = self.rng
        ht = any(codes.condition_for_icd(icd) == "HT" for icd in p.icds)
        dm = any(codes.condition_for_icd(icd) == "DM" for icd in p.icds)
        sbp = int(min(210, max(90, rng.gauss(112 + 0.55 * max(0, p.age - 35) + (14 if ht else 0), 14))))
        dbp = int(min(120, max(50, min(sbp - 20, rng.gauss(0.55 * sbp + 8, 7)))))
        sbp2 = dbp2 = ""
        if rng.random() < 0.3:
            s2 = max(dbp + 20, sbp + int(rng.gauss(-4, 5)))
            sbp2, dbp2 = _num(s2), _num(max(45, min(s2 - 20, dbp + int(rng.gauss(-2, 4)))))
        bstest = (rng.choice("13") if dm else rng.choices("91324", weights=(30, 25, 30, 10, 5))[0])
        level = ""
        if bstest != "9":
            mean = 150 if dm else 96
            value = max(60.0, rng.gauss(mean + (30 if bstest in "24" else 0), 35 if dm else 12))
            level = intern(f"{value:.0f}" if bstest in "34" else f"{value:.2f}")  # capillary DTX is whole
        height = rng.randint(150, 178) if p.sex == "1" else rng.randint(145, 168)
        weight = max(35.0, rng.gauss(height - 100 - (5 if p.sex == "2" else 0), 11))
        return (
            self.options.hospcode, p.pid, self.next_seq() if rng.random() < 0.9 else "", self.dates.d8(day),
            rng.choice("1122"), rng.choices("1349", weights=(70, 10, 15, 5))[0],
            rng.choices("12349", weights=(60, 20, 10, 5, 5))[0], rng.choice("1229"), rng.choice("1229"),
            intern(f"{weight:.1f}"), _num(height), _num(int(weight * 0.6 + 40)), _num(sbp), _num(dbp),
            sbp2, dbp2,
            level, bstest, self.options.hospcode, rng.choice(self.providers), self.stamp(day), p.cid,
        )

    def visits(self, p: Person, *, adl: int | None, alone: bool) -> None:
        rng = self.rng
        wanted: list[str] = []
        mapped = {codes.condition_for_icd(icd) for icd in p.icds}
        if "HT" in mapped and rng.random() < 0.4:
            wanted += [codes.VISIT_HT] * rng.randint(1, 2)
        if "DM" in mapped and rng.random() < 0.4:
            wanted += [codes.VISIT_DM] * rng.randint(1, 2)
        if "STROKE" in mapped and rng.random() < 0.6:
            wanted.append(codes.VISIT_STROKE)
        if p.disab and rng.random() < 0.7:
            wanted += [codes.DISABILITY[p.disab][2]] * rng.randint(1, 3)
        if p.age >= 60:
            if adl is not None and adl < 12:
                wanted += [codes.VISIT_ELDER] * rng.randint(2, 4)
            elif rng.random() < 0.35:
                wanted.append(codes.VISIT_ELDER_ALONE if alone else codes.VISIT_ELDER)
            elif rng.random() < 0.1:
                wanted.append(codes.VISIT_ELDER_UNSPECIFIED)
        for code in wanted:
            self.files["COMMUNITY_SERVICE"].append(self.visit_row(p, self.serv_day(p), code))
        if p.age >= 60 and rng.random() < 0.08:  # fall-risk screening: a file the platform ignores
            day = self.serv_day(p)
            self.files["SPECIALPP"].append((
                self.options.hospcode, p.pid, self.next_seq(), self.dates.d8(day), "2", "1B1200",
                self.options.hospcode, rng.choice(self.providers), self.stamp(day), p.cid,
            ))


    def visit_row(self, p: Person, day: dt.date, code: str) -> Row:
        return (self.options.hospcode, p.pid, self.next_seq(), self.dates.d8(day), code,
                self.rng.choice(self.providers), self.stamp(day), p.cid)


def build_care(town: Town, *, options: SampleOptions, rng: random.Random, dates: Dates) -> Care:
    """Every health row of the town, person by person in PERSON order."""
    care = Care(options=options, rng=rng, dates=dates)
    for p in town.persons:
        care.chronic(p)
        care.disability(p)
        adl = care.barthel(p) if p.typearea in ("1", "3", "5") else None
        care.screenings(p)
        if p.typearea != "4":
            care.visits(p, adl=adl, alone=p.home is not None and len(p.home.members) == 1)
    return care
