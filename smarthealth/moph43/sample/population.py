"""The town behind the export: homes placed around the centre by moo, and the people in them.

Households have the shapes of a small southern Thai town (couples, three generations, elderly
alone); foreign workers share workers' housing; some people are registered here but live away
(TYPEAREA 2), some only came for a service (TYPEAREA 4, no home). Names come from
smarthealth/demo/names.py; national IDs have the structure of real ones and a valid check digit
but random digits: invented people only.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from kernel.national_id import check_digit
from smarthealth.demo.names import BOY_NAMES, FEMALE_NAMES, GIRL_NAMES, MALE_NAMES, SURNAMES, area_for

from . import codes
from .options import Dates, SampleOptions

M_PER_DEG_LAT = 110_574.0
# Registration offices of people first registered elsewhere (the province, neighbours, Bangkok).
_OFFICES_ELSEWHERE = ("9201", "9203", "9001", "8101", "1001")
_AREA_BY_SUBDISTRICT = {"920201": "kantang", "810801": "nueaklong"}


@dataclass(slots=True, eq=False)
class Person:
    pid: str
    cid: str
    sex: str  # "1" male, "2" female
    birth: dt.date
    age: int  # on the export day
    name: str
    lname: str
    nation: str = codes.THAI
    typearea: str = "1"
    home: "Home | None" = None
    fstatus: str = "2"
    mstatus: str = "1"
    vstatus: str = ""
    father: str = ""
    mother: str = ""
    couple: str = ""
    movein: str = ""
    discharge: str = "9"
    ddischarge: dt.date | None = None
    labor: str = ""
    passport: str = ""
    mobile: str = ""
    religion: str = "01"
    d_update: str = ""
    icds: list[str] = field(default_factory=list)  # CHRONIC codes
    disab: str = ""  # DISABTYPE 1–7


@dataclass(slots=True, eq=False)
class Home:
    hid: str
    house_id: str
    moo: int
    house: str
    road: str
    lat: str
    lon: str
    housetype: str = "1"
    members: list[Person] = field(default_factory=list)
    head: Person | None = None
    vhv: Person | None = None
    d_update: str = ""


@dataclass(slots=True)
class Town:
    homes: list[Home]
    persons: list[Person]  # in PERSON row order
    moo_centres: list[tuple[float, float]]  # (lat, lon) of moo 1…
    roads: tuple[str, ...]
    cids: set[str]
    next_pid: int
    next_hid: int


class People:
    """Makes persons: PIDs in sequence (6 digits, as HOSxP pads them), unique synthetic IDs."""

    def __init__(self, *, options: SampleOptions, rng: random.Random, dates: Dates,
                 cids: set[str] | None = None, next_pid: int = 1) -> None:
        self.rng, self.dates, self.options = rng, dates, options
        self.today = options.exported_at.date()
        self.office = options.subdistrict_code[:4]
        self.cids = cids if cids is not None else set()
        self.next_pid = next_pid

    def cid(self, *, born: dt.date, kind: str | None = None) -> str:
        """Type 1 (born 1984 on) or 3, a registration office (mostly this district) and random
        digits with a valid check digit; `kind` "0"/"6" for a foreigner's ID."""
        rng = self.rng
        while True:
            first = kind or ("1" if born.year >= 1984 else "3")
            office = self.office if rng.random() < 0.8 else rng.choice(_OFFICES_ELSEWHERE)
            first12 = f"{first}{office}{rng.randrange(10**7):07d}"
            cid = first12 + str(check_digit(first12))
            if cid not in self.cids:
                self.cids.add(cid)
                return cid

    def birth_for_age(self, age: int) -> dt.date:
        born = self.today - dt.timedelta(days=self.rng.randint(0, 364))
        try:
            return born.replace(year=born.year - age)
        except ValueError:  # 29 February
            return born.replace(year=born.year - age, day=28)

    def person(self, *, age: int, sex: str, lname: str | None = None, foreign: str = "",
               with_id: bool = True) -> Person:
        """A Thai person (or a foreigner of nationality `foreign`) aged `age` on the export day."""
        rng = self.rng
        born = self.birth_for_age(age)
        if foreign:
            syllables = codes.FOREIGN_MALE if sex == "1" else codes.FOREIGN_FEMALE
            name = rng.choice(syllables) + rng.choice(syllables)
            lname = lname or rng.choice(codes.FOREIGN_MALE) + rng.choice(codes.FOREIGN_FEMALE)
        else:
            young = age < 20
            name = rng.choice((BOY_NAMES if young else MALE_NAMES) if sex == "1"
                              else (GIRL_NAMES if young else FEMALE_NAMES))
            lname = lname or rng.choice(SURNAMES)
        person = Person(pid=f"{self.next_pid:06d}", cid="", sex=sex, birth=born, age=age, name=name,
                        lname=lname)
        self.next_pid += 1
        if foreign:
            person.nation = foreign
            person.religion = "01"
            if with_id:
                person.cid = self.cid(born=born, kind="0")
                person.labor = codes.LABOR_WITH_ID
            else:
                person.labor = _weighted(rng, codes.LABOR_WITH_PASSPORT)
                prefix = codes.PASSPORT_PREFIX[foreign]
                person.passport = f"{prefix}{rng.randrange(10**7):07d}" if prefix else ""
        else:
            person.cid = self.cid(born=born)
            person.religion = "02" if rng.random() < 0.18 else "03" if rng.random() < 0.02 else "01"
        if age >= 15 and rng.random() < (0.7 if age < 60 else 0.4):
            person.mobile = f"0{rng.choice('689')}{rng.randrange(10**8):08d}"
        person.d_update = self.stamp(after=born)
        return person

    def stamp(self, *, after: dt.date, within_days: int = 900) -> str:
        """A D_UPDATE after `after` (and within `within_days` before the export), office hours."""
        latest = self.today
        earliest = max(after, latest - dt.timedelta(days=within_days))
        span = (latest - earliest).days
        day = earliest + dt.timedelta(days=self.rng.randint(0, max(span, 0)))
        return self.dates.dt14(day, self.rng.randint(8 * 3600, 16 * 3600 + 1800))


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


# --- places -----------------------------------------------------------------------------------
def _moo_centres(options: SampleOptions, rng: random.Random) -> list[tuple[float, float]]:
    """Moo centres in metres (east, north) of the centre: spread around it, inner moos first."""
    centres = []
    for k in range(options.moos):
        angle = 2 * math.pi * k / options.moos + rng.uniform(-0.3, 0.3)
        distance = options.radius_m * (0.15 + 0.5 * math.sqrt((k + 1) / options.moos))
        east, north = distance * math.cos(angle), distance * math.sin(angle)
        if options.min_east_m is not None and east < options.min_east_m + 200:
            east = options.min_east_m + 200 + rng.uniform(0, 300)
        centres.append((east, north))
    return centres


def _lat_lon(options: SampleOptions, east: float, north: float) -> tuple[float, float]:
    lat0 = options.centre_lat
    lon = options.centre_lon + east / (111_320.0 * math.cos(math.radians(lat0)))
    return lat0 + north / M_PER_DEG_LAT, lon


def _place(options: SampleOptions, rng: random.Random, centre: tuple[float, float]) -> tuple[float, float]:
    spread = options.radius_m * 0.16
    for _ in range(20):
        east, north = rng.gauss(centre[0], spread), rng.gauss(centre[1], spread)
        if east * east + north * north > options.radius_m ** 2:
            continue
        if options.min_east_m is not None and east < options.min_east_m:
            continue
        return east, north
    return centre


# --- households -------------------------------------------------------------------------------
_ELDER = ((60, 69), (60, 69), (60, 69), (70, 79), (70, 79), (80, 97))


def _elder_age(rng: random.Random) -> int:
    low, high = rng.choice(_ELDER)
    return rng.randint(low, high)


def _shape(rng: random.Random) -> list[tuple[int, str]]:
    """Ages and roles of one Thai household (head first)."""
    r = rng.random()
    if r < 0.10:  # someone living alone, often elderly
        return [(_elder_age(rng) if rng.random() < 0.7 else rng.randint(20, 59), "head")]
    if r < 0.21:  # an elderly couple
        a = _elder_age(rng)
        return [(a, "head"), (max(60, a + rng.randint(-6, 4)), "spouse")]
    if r < 0.41:  # three generations
        members = [(_elder_age(rng), "head")]
        if rng.random() < 0.45:
            members.append((max(60, members[0][0] + rng.randint(-6, 3)), "spouse"))
        members += [(rng.randint(30, 48), "child"), (rng.randint(28, 46), "child_spouse")]
        members += [(rng.randint(0, 14), "grandchild") for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
        return members
    if r < 0.86:  # parents and children
        a = rng.randint(24, 57)
        members = [(a, "head"), (max(20, a + rng.randint(-5, 4)), "spouse")]
        for _ in range(rng.choices((0, 1, 2, 3), weights=(20, 36, 32, 12))[0]):
            members.append((max(0, min(a - 18, rng.randint(0, 14) if a < 45 else rng.randint(6, 24))),
                            "child"))
        return members
    return [(rng.randint(18, 59), "head" if k == 0 else "sibling") for k in range(rng.randint(2, 4))]


def _fill_thai_home(home: Home, people: People, typeareas: list[tuple[str, float]]) -> None:
    rng = people.rng
    surname = rng.choice(SURNAMES)
    head_sex = rng.choice("12")
    values, weights = zip(*typeareas, strict=True)
    household_area = rng.choices(values, weights=weights)[0]
    head = spouse = None
    for age, role in _shape(rng):
        sex = head_sex if role == "head" else ("2" if head_sex == "1" else "1") if role == "spouse" \
            else rng.choice("12")
        p = people.person(age=age, sex=sex, lname=None if role == "child_spouse" else surname)
        # most of a household shares one status; a few members differ (a son working in Phuket)
        p.typearea = household_area if rng.random() < 0.9 else rng.choices(values, weights=weights)[0]
        if p.typearea == "3" and rng.random() < 0.6:
            p.movein = people.dates.d8(people.today - dt.timedelta(days=rng.randint(30, 3650)))
        if role == "head":
            head, p.fstatus = p, "1"
        elif role == "spouse":
            spouse = p
        if age >= 22 and role in ("head", "spouse", "child", "child_spouse") and rng.random() < 0.8:
            p.mstatus = "2"
        elif age >= 65 and rng.random() < 0.4:
            p.mstatus = "3"
        if age < 15 and role == "child" and head is not None:
            for parent in (head, spouse):
                if parent is not None and parent.age - age >= 16:
                    if parent.sex == "1":
                        p.father = parent.cid
                    else:
                        p.mother = parent.cid
        p.home = home
        home.members.append(p)
    if head is not None and spouse is not None and spouse.mstatus == "2":
        head.mstatus = "2"
        head.couple, spouse.couple = spouse.cid, head.cid
    home.head = head


def _fill_workers_home(home: Home, people: People, *, with_id: bool) -> None:
    rng = people.rng
    nation = _weighted(rng, codes.FOREIGN_NATIONS)
    home.housetype = "5"
    for k in range(rng.randint(3, 7)):
        age = rng.randint(18, 50) if k < 2 or rng.random() < 0.8 else rng.randint(0, 14)
        p = people.person(age=age, sex=rng.choice("1112"), foreign=nation, with_id=with_id)
        p.typearea = "3"
        p.movein = people.dates.d8(people.today - dt.timedelta(days=rng.randint(30, 2000)))
        p.home = home
        if k == 0:
            home.head, p.fstatus = p, "1"
        home.members.append(p)


def build_town(options: SampleOptions, rng: random.Random, dates: Dates) -> Town:
    """Homes and persons: exactly `options.persons` PERSON rows (besides injected bad rows)."""
    people = People(options=options, rng=rng, dates=dates)
    area = area_for(_AREA_BY_SUBDISTRICT.get(options.subdistrict_code, ""))
    total = options.persons
    weights = dict(options.typearea_weights)
    n_outside = round(total * weights.get("4", 0.0))  # TYPEAREA 4: no home, ADDRESS elsewhere
    n_foreign = round(total * options.foreign_share)
    n_foreign_id = round(total * options.foreign_with_id_share)
    in_homes = [(code, w) for code, w in options.typearea_weights if code != "4"] or [("1", 1.0)]

    centres = _moo_centres(options, rng)
    homes: list[Home] = []
    persons: list[Person] = []
    house_no = [0] * (options.moos + 1)

    def new_home(moo: int) -> Home:
        east, north = _place(options, rng, centres[moo - 1])
        lat, lon = _lat_lon(options, east, north)
        if house_no[moo] == 0 or rng.random() < 0.7:
            house_no[moo] += rng.randint(1, 3)
            number = str(house_no[moo])
        else:
            number = f"{house_no[moo]}/{rng.randint(1, 9)}"
        n = len(homes) + 1
        has_point = rng.random() >= options.no_coordinates_share
        # DOPA house code: the district, a 9 (never a demo-seed ID) and a running number; a few
        # homes (a shed, a boat) have none
        house_id = f"{options.subdistrict_code[:4]}9{n:06d}" if rng.random() < 0.92 else ""
        road = rng.choice(area.roads) if rng.random() < 0.7 else ""
        home = Home(hid=str(n), house_id=house_id, moo=moo, house=number, road=road,
                    lat=f"{lat:.6f}" if has_point else "", lon=f"{lon:.6f}" if has_point else "")
        homes.append(home)
        return home

    foreign_left = [n_foreign, n_foreign_id]
    thai_in_homes = total - n_outside - n_foreign - n_foreign_id
    placed_thai = 0
    while placed_thai < thai_in_homes or foreign_left[0] > 0 or foreign_left[1] > 0:
        moo = rng.randint(1, options.moos)
        want_thai = placed_thai < thai_in_homes
        foreign_turn = not want_thai or rng.random() < (n_foreign + n_foreign_id) / max(1, total) / 1.6
        if foreign_turn and (foreign_left[0] > 0 or foreign_left[1] > 0):
            with_id = foreign_left[1] > 0 and (foreign_left[0] == 0 or rng.random() < 0.2)
            home = new_home(moo)
            _fill_workers_home(home, people, with_id=with_id)
            slot = 1 if with_id else 0
            del home.members[foreign_left[slot]:]  # exactly the share asked for
            foreign_left[slot] -= len(home.members)
        elif want_thai:
            home = new_home(moo)
            _fill_thai_home(home, people, in_homes)
            del home.members[thai_in_homes - placed_thai:]
            placed_thai += len(home.members)
        else:
            continue
        if home.head not in home.members:
            home.head = home.members[0]
            home.head.fstatus = "1"
        persons.extend(home.members)
    for _ in range(n_outside):  # came for a service; they live (and are registered) elsewhere
        age = rng.randint(1, 85)
        p = people.person(age=age, sex=rng.choice("12"))
        p.typearea = "4"
        persons.append(p)
    rng.shuffle(persons)  # PERSON rows are not in household order in real exports either
    _discharge(persons, people, options)
    for p in persons:  # TYPEAREA 5 without a house: sleeping at the market, on a boat
        if p.typearea == "5" and p.home is not None and p.fstatus != "1" and rng.random() < 0.4:
            p.home.members.remove(p)
            p.home = None
    _roles(homes, rng, options)
    for home in homes:
        home.d_update = people.stamp(after=people.today - dt.timedelta(days=1200))
    return Town(homes=homes, persons=persons, moo_centres=[_lat_lon(options, *c) for c in centres],
                roads=area.roads, cids=people.cids, next_pid=people.next_pid, next_hid=len(homes) + 1)


def _discharge(persons: list[Person], people: People, options: SampleOptions) -> None:
    """A few people died, moved out or went missing before this export (DISCHARGE 1/2/3)."""
    rng = people.rng
    n = round(len(persons) * options.discharged_share)
    candidates = [p for p in persons if p.home is not None and p.fstatus != "1"]
    for p in rng.sample(candidates, min(n, len(candidates))):
        old = p.age >= 60 and rng.random() < 0.8
        p.discharge = "1" if old else rng.choices("123", weights=(2, 7, 1))[0]
        p.ddischarge = people.today - dt.timedelta(days=rng.randint(1, 900))
        if p.ddischarge <= p.birth:
            p.ddischarge = p.birth + dt.timedelta(days=1)
        p.d_update = people.dates.dt14(p.ddischarge + dt.timedelta(days=rng.randint(0, 5)), 10 * 3600)
        if p.d_update[:8] > people.dates.d8(people.today):
            p.d_update = people.dates.dt14(people.today, 9 * 3600)


def _roles(homes: list[Home], rng: random.Random, options: SampleOptions) -> None:
    """Village health volunteers (VSTATUS 2), one per `homes_per_volunteer` homes of their moo,
    each the VHVID of a block of neighbouring homes; one village headman (VSTATUS 1) per moo."""
    by_moo: dict[int, list[Home]] = {}
    for home in homes:
        by_moo.setdefault(home.moo, []).append(home)
    for moo_homes in by_moo.values():
        candidates = [p for h in moo_homes for p in h.members
                      if p.typearea == "1" and p.nation == codes.THAI and 25 <= p.age <= 65
                      and p.discharge == "9"]
        if not candidates:
            continue
        if len(candidates) >= 2:
            headman = rng.choice(candidates)
            headman.vstatus = "1"
            candidates.remove(headman)
        wanted = max(1, round(len(moo_homes) / options.homes_per_volunteer))
        volunteers = rng.sample(candidates, min(wanted, len(candidates)))
        for v in volunteers:
            v.vstatus = "2"
        block = math.ceil(len(moo_homes) / len(volunteers))
        for k, home in enumerate(moo_homes):
            home.vhv = volunteers[min(k // block, len(volunteers) - 1)]
