"""The synthetic town: households placed in the pilot's neighbourhoods and the people living in
them, with the age structure and chronic-disease prevalence of a small southern Thai town.

Targets (NSO / NHES figures for the South, rounded): ~17 % aged 60+, ~20 % under 15; among
adults ~25 % hypertension and ~9 % diabetes, both rising with age; ~2 % with a registered
disability. Pure Python on a seeded random.Random: the same town every run (for a given day).
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from kernel.national_id import check_digit

from ..rules import Disability
from .names import (
    BOY_NAMES,
    FEMALE_NAMES,
    GIRL_NAMES,
    MALE_NAMES,
    SURNAMES,
    Area,
)

MOOS = 8
M_PER_DEG_LAT = 110_574.0


@dataclass(slots=True)
class DemoHousehold:
    house_id: str
    house_no: str
    moo: int
    community: str
    road: str
    lon: float
    lat: float
    x: float  # metres on the area's frame, for choosing a volunteer's neighbours
    y: float
    pk: int = 0
    volunteer_id: int | None = None
    members: list = field(default_factory=list)


@dataclass(slots=True)
class DemoPerson:
    household: DemoHousehold
    cid: str
    prefix: str
    first_name: str
    last_name: str
    sex: str
    birth_date: dt.date
    age: int
    phone: str = ""
    conditions: list = field(default_factory=list)
    disability: str = Disability.NONE.value
    status: str = "living"
    pk: int = 0
    public_id: str = ""
    # Filled by care.py: the current ADL group and NCD colour, for visits and volunteers.
    adl_group: str | None = None
    ncd_colour: str | None = None


# --- places -----------------------------------------------------------------------------------
def _lonlat(lon0: float, lat0: float, angle: float, x: float, y: float) -> tuple[float, float]:
    a = math.radians(angle)
    east = x * math.cos(a) - y * math.sin(a)
    north = x * math.sin(a) + y * math.cos(a)
    return lon0 + east / (111_320.0 * math.cos(math.radians(lat0))), lat0 + north / M_PER_DEG_LAT


def _position(area: Area, box, rng: random.Random) -> tuple[float, float]:
    """A house position: most houses cluster near the centre (or along the main road), the rest
    spread over the whole area; never in the canal, never west of the river bank."""
    x_min, x_max, y_min, y_max = box
    while True:
        if rng.random() < 0.55:
            x = rng.gauss(0.0, (x_max - x_min) / 5)
            y = rng.gauss(0.0, area.spread_y or (y_max - y_min) / 5)
        else:
            x = rng.uniform(x_min, x_max)
            y = rng.gauss(0.0, area.spread_y * 1.8) if area.spread_y else rng.uniform(y_min, y_max)
        if not (x_min <= x <= x_max and y_min <= y <= y_max):
            continue
        if area.avoid_y and abs(y - area.avoid_y[0]) < area.avoid_y[1]:
            continue
        if area.min_east_m is not None:
            a = math.radians(area.angle)
            if x * math.cos(a) - y * math.sin(a) < area.min_east_m:
                continue
        return x, y


def build_households(*, count: int, area: Area, size: str, lon0: float, lat0: float,
                     house_id_prefix: str, rng: random.Random) -> list[DemoHousehold]:
    """`count` households; moo 1–8 are bands west to east, two communities per moo (north and
    south half), the road from the house's block. House numbers run per moo (`12`, `12/3`)."""
    box = area.box_large if size == "large" else area.box_small
    x_min, x_max = box[0], box[1]
    band = (x_max - x_min) / MOOS
    places = sorted((_position(area, box, rng) for _ in range(count)), key=lambda p: (p[0], p[1]))
    next_no = [0] * (MOOS + 1)
    households = []
    for running, (x, y) in enumerate(places, start=1):
        moo = min(MOOS, int((x - x_min) // band) + 1)
        community = area.communities[(moo - 1) * 2 + (0 if y >= 0 else 1)]
        road = area.roads[(int((y - box[2]) // 300) + moo) % len(area.roads)]
        if rng.random() < 0.3:
            road = f"{road} ซอย {rng.randint(1, 12)}"
        if next_no[moo] == 0 or rng.random() < 0.65:
            next_no[moo] += rng.randint(1, 3)
            house_no = str(next_no[moo])
        else:  # a house split off its family's plot gets the plot number and a sub-number
            house_no = f"{next_no[moo]}/{rng.randint(1, 9)}"
        lon, lat = _lonlat(lon0, lat0, area.angle, x, y)
        households.append(DemoHousehold(
            house_id=f"{house_id_prefix}{running:06d}", house_no=house_no, moo=moo,
            community=community, road=road, lon=lon, lat=lat, x=x, y=y,
        ))
    return households


# --- people -----------------------------------------------------------------------------------
# Household shapes (weights tuned so the whole town lands on the targets above): each is a list of
# (age range, kind) where kind says how the member relates to the first adult.
_ELDER = ((60, 69), (60, 69), (60, 69), (70, 79), (70, 79), (80, 96))


def _elder_age(rng: random.Random) -> int:
    low, high = rng.choice(_ELDER)
    return rng.randint(low, high)


def _shape(rng: random.Random) -> list[tuple[int, str]]:
    """Ages and roles of one household's 2–5 members: 'spouse' shares the surname."""
    r = rng.random()
    if r < 0.11:  # an elderly couple living on their own
        a = _elder_age(rng)
        return [(a, "head"), (max(60, a + rng.randint(-6, 4)), "spouse")]
    if r < 0.18:  # an elderly parent with a grown child
        members = [(_elder_age(rng), "head"), (rng.randint(30, 55), "child")]
        if rng.random() < 0.4:
            members.append((rng.randint(25, 50), "child_spouse"))
        return members
    if r < 0.37:  # three generations
        members = [(_elder_age(rng), "head")]
        if rng.random() < 0.45:
            members.append((max(60, members[0][0] + rng.randint(-6, 3)), "spouse"))
        members += [(rng.randint(30, 48), "child"), (rng.randint(28, 46), "child_spouse")]
        members += [(rng.randint(0, 14), "grandchild") for _ in range(rng.randint(0, 5 - len(members)))]
        return members
    if r < 0.85:  # parents and children
        a = rng.randint(24, 55)
        members = [(a, "head"), (max(20, a + rng.randint(-5, 4)), "spouse")]
        kids = rng.choices((0, 1, 2, 3), weights=(14, 34, 38, 14))[0]
        for _ in range(kids):
            members.append((max(0, min(a - 18, rng.randint(0, 14) if a < 45 else rng.randint(6, 24))),
                            "child"))
        return members
    # working-age adults sharing a house: siblings, a young couple, rubber-tappers renting
    return [(rng.randint(18, 59), "head" if k == 0 else "sibling") for k in range(rng.randint(2, 4))]


def _prefix(sex: str, age: int, married: bool) -> str:
    if age < 15:
        return "ด.ช." if sex == "M" else "ด.ญ."
    if sex == "M":
        return "นาย"
    return "นาง" if married else "นางสาว"


def _given_name(rng: random.Random, sex: str, age: int) -> str:
    if age < 20:
        return rng.choice(BOY_NAMES if sex == "M" else GIRL_NAMES)
    return rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)


def _birth_date(rng: random.Random, today: dt.date, age: int) -> dt.date:
    """A birth date giving exactly `age` today."""
    last_birthday_days_ago = rng.randint(0, 364)
    on = today - dt.timedelta(days=last_birthday_days_ago)
    try:
        born = on.replace(year=on.year - age)
    except ValueError:  # 29 February
        born = on.replace(year=on.year - age, day=28)
    return born


# Registration offices (สำนักทะเบียน) of the first registration: mostly the town itself, some
# people registered elsewhere in the province, in a neighbouring one or in Bangkok.
_ELSEWHERE = ("9201", "9203", "9204", "9001", "8101", "8001", "1001", "8401", "9101", "9301")


def synthetic_cid(rng: random.Random, *, born: dt.date, office: str, taken: set[str]) -> str:
    """A SYNTHETIC national ID: the structure of a real one (type 1 for people born from 1984 on,
    type 3 for those registered in the 1984 census, a registration-office code, a valid check
    digit), the other digits from the seeded random generator. It is not anyone's ID on purpose;
    an accidental match with a real person's number cannot be ruled out, and is meaningless."""
    while True:
        kind = "1" if born.year >= 1984 else "3"
        if rng.random() < 0.8:
            prefix = office
        else:
            prefix = rng.choice(_ELSEWHERE)
        first12 = f"{kind}{prefix}{rng.randrange(10**7):07d}"
        cid = first12 + str(check_digit(first12))
        if cid not in taken:
            taken.add(cid)
            return cid


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice('689')}{rng.randint(0, 9)}-{rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}"


# Chronic conditions by age: (lowest age, P(HT), P(DM | no HT), P(DM | HT)). DM and HT travel
# together (metabolic syndrome): a person with HT is several times likelier to have DM.
_NCD_BY_AGE = (
    (70, 0.58, 0.15, 0.30),
    (60, 0.50, 0.13, 0.27),
    (45, 0.33, 0.08, 0.22),
    (35, 0.16, 0.03, 0.14),
    (15, 0.04, 0.006, 0.06),
)
_DISABILITY_TYPES = (
    (Disability.PHYSICAL, 48), (Disability.HEARING, 16), (Disability.VISUAL, 12),
    (Disability.INTELLECTUAL, 8), (Disability.MENTAL, 8), (Disability.LEARNING, 4),
    (Disability.AUTISM, 4),
)


def _conditions(rng: random.Random, age: int, sex: str) -> list[str]:
    if age < 15:
        return []
    _low, p_ht, p_dm, p_dm_ht = next(row for row in _NCD_BY_AGE if age >= row[0])
    codes = []
    if rng.random() < p_ht:
        codes.append("HT")
    if rng.random() < (p_dm_ht if codes else p_dm):
        codes.append("DM")
    old = age >= 60
    if rng.random() < (0.12 if "DM" in codes else 0.015 if old else 0.002):
        codes.append("CKD")
    if rng.random() < (0.05 if "HT" in codes and old else 0.012 if old else 0.001):
        codes.append("STROKE")
    if rng.random() < ((0.045 if sex == "M" else 0.015) if old else 0.001):
        codes.append("COPD")
    if rng.random() < (0.02 if age >= 50 else 0.002):
        codes.append("CANCER")
    return codes


def _disability(rng: random.Random, age: int, conditions: list[str]) -> str:
    p = 0.007 if age < 15 else 0.012 if age < 60 else 0.045
    if "STROKE" in conditions:
        p = 0.45
    if rng.random() >= p:
        return Disability.NONE.value
    if "STROKE" in conditions:
        return Disability.PHYSICAL.value
    kinds, weights = zip(*_DISABILITY_TYPES, strict=True)
    return rng.choices(kinds, weights=weights)[0].value


def populate(households: list[DemoHousehold], *, today: dt.date, office: str,
             rng: random.Random) -> list[DemoPerson]:
    """Fill each household with 2–5 members; returns every person (households keep theirs)."""
    taken: set[str] = set()
    persons = []
    for household in households:
        surname = rng.choice(SURNAMES)
        head_sex = rng.choice("MF")
        for age, role in _shape(rng):
            if role == "spouse":
                sex = "F" if head_sex == "M" else "M"
            elif role == "head":
                sex = head_sex
            else:
                sex = rng.choice("MF")
            last_name = surname if role != "child_spouse" else rng.choice(SURNAMES)
            married = ((role in ("head", "spouse", "child_spouse") and age >= 22)
                       or (age >= 45 and rng.random() < 0.8))
            born = _birth_date(rng, today, age)
            conditions = _conditions(rng, age, sex)
            status = "living"
            roll = rng.random()
            if 18 <= age < 40 and roll < 0.03:
                status = "moved"  # working in Phuket or Bangkok, still in the house register
            elif age >= 75 and roll < 0.02:
                status = "deceased"
            person = DemoPerson(
                household=household, cid=synthetic_cid(rng, born=born, office=office, taken=taken),
                prefix=_prefix(sex, age, married), first_name=_given_name(rng, sex, age),
                last_name=last_name, sex=sex, birth_date=born, age=age,
                phone=_phone(rng) if age >= 15 and rng.random() < (0.75 if age < 60 else 0.45) else "",
                conditions=conditions, disability=_disability(rng, age, conditions), status=status,
            )
            household.members.append(person)
            persons.append(person)
    return persons
