"""PERSON, HOME and VILLAGE rows (current layout) from the town."""

import random

from . import codes
from .options import Dates, SampleOptions
from .population import Home, Person, Town

Row = tuple[str, ...]
_EDUCATION_ADULT = ("02", "02", "03", "03", "03", "04", "05", "05", "06", "00")
_ABO = ("1", "2", "4", "4", "3", "9")


def prename(p: Person) -> str:
    if p.age < 15:
        return codes.PRENAME_BOY if p.sex == "1" else codes.PRENAME_GIRL
    if p.sex == "1":
        return codes.PRENAME_MR
    return codes.PRENAME_MRS if p.mstatus in ("2", "3", "4", "5") else codes.PRENAME_MISS


def person_row(p: Person, *, hospcode: str, dates: Dates) -> Row:
    number = int(p.pid)
    education = "01" if p.age < 6 else "02" if p.age < 13 else _EDUCATION_ADULT[number % 10]
    return (
        hospcode, p.cid, p.pid, p.home.hid if p.home is not None else "", prename(p), p.name, p.lname,
        p.pid, p.sex, dates.d8(p.birth), p.mstatus if p.age >= 15 else "1", "", "",
        p.nation, p.nation, p.religion, education, p.fstatus, p.father, p.mother, p.couple, p.vstatus,
        p.movein, p.discharge, dates.d8(p.ddischarge) if p.ddischarge else "", _ABO[number % 6],
        "1", p.labor, p.passport, p.typearea, p.d_update, "", p.mobile,
    )


def home_row(h: Home, *, options: SampleOptions) -> Row:
    n = int(h.hid)
    return (
        options.hospcode, h.hid, h.house_id, h.housetype, "", "", h.house, "",
        f"ซอย {n % 7 + 1}" if h.road and n % 5 == 0 else "", h.road, "", f"{h.moo:02d}",
        options.tambon, options.ampur, options.changwat, "", h.lat, h.lon, "1", "1",
        h.vhv.pid if h.vhv is not None else "", h.head.pid if h.head is not None else "",
        "1" if n % 11 else "5", "1", str(n % 7 + 1), str(n % 5 + 1), "1", "1", "1", "1", "1", "1",
        "1", "1", "1", "1" if n % 13 else "0", "", h.d_update,
    )


def village_rows(town: Town, *, options: SampleOptions, rng: random.Random, dates: Dates) -> list[Row]:
    """One VILLAGE row per moo, VID = CCAATTMM; a village centre for most, counts of facilities."""
    residents = [0] * (options.moos + 1)
    stateless = [0] * (options.moos + 1)
    for home in town.homes:
        for p in home.members:
            if p.typearea in ("1", "3", "5") and p.discharge == "9":
                residents[home.moo] += 1
                stateless[home.moo] += p.nation != codes.THAI
    rows = []
    for moo in range(1, options.moos + 1):
        lat, lon = town.moo_centres[moo - 1]
        has_point = moo % 4 != 0
        counts = [str(rng.choices((0, 1, 2, 3), weights=(5, 3, 2, 1))[0]) for _ in range(20)]
        rows.append((
            options.hospcode, f"{options.subdistrict_code}{moo:02d}", *counts,
            "1", str(rng.randint(1, 6)), str(rng.randint(0, 2)),
            f"{lat:.6f}" if has_point else "", f"{lon:.6f}" if has_point else "", "",
            str(residents[moo]), "", str(stateless[moo]), str(rng.randint(0, 2)), "1",
            str(rng.randint(0, 1)), "0",
            dates.dt14(options.exported_at.date().replace(day=1), 9 * 3600 + moo * 60),
        ))
    return rows
