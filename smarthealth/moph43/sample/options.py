"""What to generate (SampleOptions) and the dates every file is written with."""

import calendar
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class SampleOptions:
    """One health centre's export. Every share is of all persons; the defaults are a รพ.สต. in
    Kantang municipality (Trang), exported at the end of February 2025 (CE)."""

    persons: int = 1000
    seed: int = 1
    hospcode: str = "07547"
    subdistrict_code: str = "920201"  # CCAATT: CHANGWAT, AMPUR, TAMBON of HOME and VILLAGE.VID
    year: int = 2025  # the export's month (CE): D_UPDATE and service dates are up to its last day
    month: int = 2
    moos: int = 8
    centre_lat: float = 7.405
    centre_lon: float = 99.515
    radius_m: float = 2500.0
    # Nothing west of this (metres east of the centre): Kantang's river bank. None for no limit.
    min_east_m: float | None = -700.0
    no_coordinates_share: float = 0.40  # of homes: LATITUDE/LONGITUDE empty
    foreign_share: float = 0.05  # foreigners without a CID (PASSPORT + LABOR)
    foreign_with_id_share: float = 0.01  # foreigners with a 13-digit 0-prefixed ID (LABOR 13)
    # TYPEAREA mix of Thai persons (foreigners are 3, a tenth of them 4)
    typearea_weights: tuple[tuple[str, float], ...] = (
        ("1", 0.74), ("3", 0.14), ("2", 0.06), ("4", 0.05), ("5", 0.01))
    discharged_share: float = 0.01  # DISCHARGE 1 died / 2 moved out / 3 missing, before the export
    homes_per_volunteer: int = 12  # one อสม. (VSTATUS 2) per this many homes of a moo
    cured_share: float = 0.2  # of cancer rows: TYPEDISCH 07 (treatment complete) with DATE_DISCH
    other_files: bool = True  # a few rows in SERVICE, DIAGNOSIS_OPD, DRUG_OPD, ADDRESS, DEATH, …
    bad_rows: bool = False  # inject a few invalid rows into every file the platform reads
    bad_per_kind: int = 1  # how many rows of each kind of defect per file

    def __post_init__(self) -> None:
        if not (len(self.hospcode) == 5 and self.hospcode.isdigit()):
            raise ValueError(f"hospcode must be 5 digits, not {self.hospcode!r}")
        if not (len(self.subdistrict_code) == 6 and self.subdistrict_code.isdigit()):
            raise ValueError(f"subdistrict_code must be 6 digits (CCAATT), not {self.subdistrict_code!r}")
        if not 1 <= self.month <= 12 or not 1950 <= self.year <= 2100:
            raise ValueError(f"no month {self.year}-{self.month}")
        if self.persons < 1 or not 1 <= self.moos <= 99:
            raise ValueError("persons must be at least 1 and moos 1–99")

    @property
    def changwat(self) -> str:
        return self.subdistrict_code[:2]

    @property
    def ampur(self) -> str:
        return self.subdistrict_code[2:4]

    @property
    def tambon(self) -> str:
        return self.subdistrict_code[4:6]

    @property
    def exported_at(self) -> dt.datetime:
        """The export's time: the last day of the month, 18:00 (local time, naive as in the files)."""
        last = calendar.monthrange(self.year, self.month)[1]
        return dt.datetime(self.year, self.month, last, 18, 0, 0)


@dataclass(slots=True)
class Dates:
    """`YYYYMMDD` and `YYYYMMDDHHMMSS` (CE) text of dates, cached: a town has few distinct days."""

    _d8: dict[int, str] = field(default_factory=dict)
    _dt14: dict[tuple[int, int], str] = field(default_factory=dict)

    def d8(self, day: dt.date) -> str:
        ordinal = day.toordinal()
        text = self._d8.get(ordinal)
        if text is None:
            text = self._d8[ordinal] = f"{day.year:04d}{day.month:02d}{day.day:02d}"
        return text

    def dt14(self, day: dt.date, seconds: int) -> str:
        """The day at about `seconds` after midnight. Times are kept to 10-minute slots (with
        minutes and seconds scattered inside the slot) so that a day has few distinct values:
        100,000 rows then share their D_UPDATE strings instead of holding one each."""
        key = (day.toordinal(), seconds // 600)
        text = self._dt14.get(key)
        if text is None:
            ordinal, slot = key
            minute = slot % 6 * 10 + (ordinal * 7 + slot) % 10
            text = self._dt14[key] = (f"{self.d8(day)}{slot // 6:02d}{minute:02d}"
                                      f"{(ordinal * 13 + slot * 29) % 60:02d}")
        return text


def parse_d8(text: str) -> dt.date | None:
    """A `YYYYMMDD` date (the first 8 characters of a D or DT value), None when not one."""
    if len(text) < 8 or not text[:8].isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
