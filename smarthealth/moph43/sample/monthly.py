"""next_month: the unit's export one month later. The same rows, a share of them changed in place
with a newer D_UPDATE (a new phone, a move to another house, coordinates recorded for a home) or
appended (new diagnoses, disabilities, ADL assessments, screenings, home visits), a few deaths and
moves out, births, and the newcomer an Excel file already knew. Nothing is removed: the bad rows
stay where they were."""

import dataclasses
import datetime as dt
import math
import random

from smarthealth.demo.names import BOY_NAMES, GIRL_NAMES

from . import codes
from .export import Export, MonthChanges, Row
from .layouts import HEADERS
from .options import Dates, SampleOptions, parse_d8
from .population import Home, People, Person
from .rows import person_row
from .truth import C, H, P, age_on

_M_PER_DEG = 110_574.0
_SEQ_FILES = ("FUNCTIONAL", "NCDSCREEN", "COMMUNITY_SERVICE", "SPECIALPP", "SERVICE")


def _following(options: SampleOptions) -> SampleOptions:
    year, month = (options.year + 1, 1) if options.month == 12 else (options.year, options.month + 1)
    return dataclasses.replace(options, year=year, month=month)


def _set(row: Row, index: int, value: str) -> Row:
    return (*row[:index], value, *row[index + 1:])


class _Month:
    def __init__(self, export: Export, options: SampleOptions, rng: random.Random) -> None:
        self.export, self.options, self.rng = export, options, rng
        self.dates = Dates()
        self.files = {name: list(rows) for name, rows in export.files.items()}
        self.changes = MonthChanges()
        self.first = export.exported_at.date() + dt.timedelta(days=1)
        self.last = options.exported_at.date()
        self.bad = {(b.file, b.index) for b in export.bad_rows}
        self.touched: set[str] = set()  # PIDs already given an event this month
        seqs = [int(r[2]) for n in _SEQ_FILES for r in self.files.get(n, ()) if len(r) > 2 and r[2].isdigit()]
        self.seq = max(seqs, default=0)
        self.providers = sorted({r[7] for r in self.files["FUNCTIONAL"] if len(r) > 7 and r[7]}) \
            or [f"{options.hospcode}00001"]

    # --- helpers ------------------------------------------------------------------------------
    def good(self, name: str) -> list[int]:
        return [i for i in range(len(self.export.files[name])) if (name, i) not in self.bad]

    def day(self) -> dt.date:
        return self.first + dt.timedelta(days=self.rng.randint(0, (self.last - self.first).days))

    def stamp(self, day: dt.date) -> str:
        later = min(self.last, day + dt.timedelta(days=self.rng.randint(0, 2)))
        return self.dates.dt14(later, self.rng.randint(8 * 3600, 16 * 3600 + 1800))

    def next_seq(self) -> str:
        self.seq += 1
        return f"{self.seq:08d}"

    def update(self, name: str, index: int, row: Row) -> None:
        self.files[name][index] = row
        self.changes.updated.setdefault(name, []).append(index)

    def append(self, name: str, row: Row) -> None:
        added = self.changes.added.get(name)
        start = added.start if added is not None else len(self.files[name])
        self.files[name].append(row)
        self.changes.added[name] = range(start, len(self.files[name]))

    def share(self, name: str, share: float) -> int:
        return max(1, round(len(self.good(name)) * share))

    # --- the month ----------------------------------------------------------------------------
    def run(self, share: float) -> None:
        persons = self.files["PERSON"]
        self.homes = {self.files["HOME"][i][1]: i for i in self.good("HOME")}
        self.hids = list(self.homes)
        keepers = {v for i in self.good("HOME") for v in self.files["HOME"][i][H["VHVID"]:H["HEADID"] + 1]}
        self.active = [i for i in self.good("PERSON") if persons[i][P["DISCHARGE"]] == "9"
                       and persons[i][P["TYPEAREA"]] in ("1", "3", "5")]
        self.rng.shuffle(self.active)
        free = [i for i in self.active if persons[i][P["PID"]] not in keepers
                and persons[i][P["VSTATUS"]] not in ("1", "2")]
        n = len(self.good("PERSON"))
        deaths, moves, births = (max(1, round(n * rate)) for rate in (0.0007, 0.001, 0.0008))
        old = [i for i in free if self.age(persons[i]) >= 60] + [i for i in free if self.age(persons[i]) < 60]
        for i in old[:deaths]:
            self.discharge(i, "1")
        for i in free[-moves:]:
            if persons[i][P["PID"]] not in self.touched:
                self.discharge(i, "2")
        self.births(births)
        self.newcomer()
        others = [i for i in free if persons[i][P["PID"]] not in self.touched]
        for i in others[:max(0, math.ceil(n * share) - deaths - moves - births - 1)]:
            self.person_update(i)
        self.homes_update(self.share("HOME", share))
        self.services(share)

    def age(self, row: Row) -> int:
        born = parse_d8(row[P["BIRTH"]])
        return age_on(born, self.last) if born else 0

    def discharge(self, index: int, code: str) -> None:
        row, day = self.files["PERSON"][index], self.day()
        row = _set(_set(_set(row, P["DISCHARGE"], code), P["DDISCHARGE"], self.dates.d8(day)),
                   P["D_UPDATE"], self.stamp(day))
        self.update("PERSON", index, row)
        key = (row[0], row[P["PID"]])
        self.touched.add(key[1])
        (self.changes.died if code == "1" else self.changes.moved_out).append(key)
        if code == "1" and "DEATH" in self.files:
            cause = self.rng.choice(("I219", "I639", "J189", "R54"))
            self.append("DEATH", (row[0], key[1], "", "", "", self.dates.d8(day), cause, "", "", "", "",
                                  cause, "", "2", "", row[P["D_UPDATE"]], row[P["CID"]]))

    def births(self, count: int) -> None:
        persons = self.files["PERSON"]
        cids = {r[P["CID"]] for r in persons if len(r) > P["CID"]} | {r[4] for r in self.files["PROVIDER"]}
        pids = [int(r[P["PID"]]) for r in persons if len(r) > P["PID"] and r[P["PID"]].isdigit()]
        newcomer_pid = int(self.export.newcomer[P["PID"]]) if self.export.newcomer else 0
        people = People(options=self.options, rng=self.rng, dates=self.dates, cids=cids,
                        next_pid=max([*pids, newcomer_pid], default=0) + 1)
        mothers = [i for i in self.active if persons[i][P["SEX"]] == "2" and 18 <= self.age(persons[i]) <= 42
                   and persons[i][P["NATION"]] == codes.THAI and persons[i][P["HID"]]
                   and persons[i][P["PID"]] not in self.touched]
        for i in mothers[:count]:
            mother, born = persons[i], self.day()
            sex = self.rng.choice("12")
            baby = Person(pid=f"{people.next_pid:06d}", cid=people.cid(born=born), sex=sex, birth=born, age=0,
                          name=self.rng.choice(BOY_NAMES if sex == "1" else GIRL_NAMES),
                          lname=mother[P["LNAME"]], religion=mother[P["RELIGION"]],
                          mother=mother[P["CID"]], father=mother[P["COUPLE"]],
                          home=Home(hid=mother[P["HID"]], house_id="", moo=0, house="", road="", lat="",
                                    lon=""))
            people.next_pid += 1
            baby.d_update = self.stamp(born)
            self.append("PERSON", person_row(baby, hospcode=self.options.hospcode, dates=self.dates))
            self.changes.born.append((self.options.hospcode, baby.pid))
            self.touched.add(mother[P["PID"]])

    def newcomer(self) -> None:
        row = self.export.newcomer
        if row is None:
            return
        day = self.day()
        row = _set(_set(row, P["MOVEIN"], self.dates.d8(day)), P["D_UPDATE"], self.stamp(day))
        self.append("PERSON", row)
        self.changes.newcomer = (row[0], row[P["PID"]])
        for chronic in self.export.newcomer_chronic:
            self.append("CHRONIC", _set(chronic, C["D_UPDATE"], self.stamp(day)))

    def person_update(self, index: int) -> None:
        row, day, rng = self.files["PERSON"][index], self.day(), self.rng
        key = (row[0], row[P["PID"]])
        if rng.random() < 0.7 or len(self.homes) < 2:
            row = _set(row, P["MOBILE"], f"0{rng.choice('689')}{rng.randrange(10**8):08d}")
            self.changes.new_phone.append(key)
        else:
            hid = rng.choice(self.hids)
            if hid == row[P["HID"]]:
                hid = self.hids[(self.hids.index(hid) + 1) % len(self.hids)]
            row = _set(row, P["HID"], hid)
            self.changes.moved_home.append(key)
        self.update("PERSON", index, _set(row, P["D_UPDATE"], self.stamp(day)))
        self.touched.add(key[1])

    def homes_update(self, count: int) -> None:
        home_rows, rng, options = self.files["HOME"], self.rng, self.options
        without = [i for i in self.homes.values() if not home_rows[i][H["LATITUDE"]]]
        with_point = [i for i in self.homes.values() if home_rows[i][H["LATITUDE"]]]
        rng.shuffle(without)
        located = math.ceil(count * 0.6) if without else 0
        for i in without[:located]:
            east, north = rng.uniform(-0.5, 0.5) * options.radius_m, rng.uniform(-0.5, 0.5) * options.radius_m
            if options.min_east_m is not None:
                east = max(east, options.min_east_m)
            lat = options.centre_lat + north / _M_PER_DEG
            lon = options.centre_lon + east / (111_320.0 * math.cos(math.radians(options.centre_lat)))
            row = _set(_set(home_rows[i], H["LATITUDE"], f"{lat:.6f}"), H["LONGITUDE"], f"{lon:.6f}")
            self.update("HOME", i, _set(row, H["D_UPDATE"], self.stamp(self.day())))
            self.changes.homes_located.append(row[H["HID"]])
        for i in rng.sample(with_point, min(len(with_point), count - located)):
            row = _set(home_rows[i], H["SOIMAIN"], f"ซอย {rng.randint(1, 20)}")
            self.update("HOME", i, _set(row, H["D_UPDATE"], self.stamp(self.day())))

    def services(self, share: float) -> None:
        persons, rng, hospcode = self.files["PERSON"], self.rng, self.options.hospcode
        ready = [i for i in self.active if persons[i][P["PID"]] not in self.touched]
        adults = [persons[i] for i in ready if self.age(persons[i]) >= 35]
        elderly = [r for r in adults if self.age(r) >= 60]
        disabled = {r[2] for r in self.files["DISABILITY"] if len(r) > 3}
        chronic: dict[str, set[str]] = {}
        for i in self.good("CHRONIC"):
            r = self.files["CHRONIC"][i]
            chronic.setdefault(r[1], set()).add(r[C["CHRONIC"]])
        for r in rng.sample(adults, min(len(adults), self.share("CHRONIC", share))):
            icd = "E119" if "I10" in chronic.get(r[P["PID"]], ()) else rng.choice(("I10", "I10", "E119"))
            day = self.day()
            self.append("CHRONIC", (hospcode, r[P["PID"]], self.dates.d8(day), icd, hospcode, hospcode, "",
                                    codes.TYPEDISCH_ACTIVE, self.stamp(day), r[P["CID"]]))
        candidates = [persons[i] for i in ready if persons[i][P["PID"]] not in disabled]
        for r in rng.sample(candidates, min(len(candidates), self.share("DISABILITY", share))):
            day, kind = self.day(), rng.choice("1233")
            self.append("DISABILITY", (hospcode, "", r[P["PID"]], kind, "3", codes.DISABILITY[kind][3][0],
                                       self.dates.d8(day), self.dates.d8(day), self.stamp(day), r[P["CID"]]))
        for r in rng.sample(elderly, min(len(elderly), self.share("FUNCTIONAL", share))):
            day, score = self.day(), rng.choice((20, 20, 19, 17, 14, 10, 6, 3))
            self.append("FUNCTIONAL", (hospcode, r[P["PID"]], self.next_seq(), self.dates.d8(day),
                                       codes.TEST_BARTHEL, str(score), codes.dependent_for_barthel(score),
                                       rng.choice(self.providers), self.stamp(day), r[P["CID"]]))
        for r in rng.sample(adults, min(len(adults), self.share("NCDSCREEN", share))):
            day = self.day()
            sbp = rng.randint(105, 175)
            dbp = rng.randint(60, min(105, sbp - 25))
            tested = rng.random() < 0.7
            self.append("NCDSCREEN", (
                hospcode, r[P["PID"]], self.next_seq(), self.dates.d8(day), "2", "1", "1", "2", "2",
                f"{rng.uniform(45, 85):.1f}", str(rng.randint(148, 178)), str(rng.randint(70, 100)), str(sbp),
                str(dbp), "", "", f"{rng.uniform(80, 160):.2f}" if tested else "", "3" if tested else "9",
                hospcode, rng.choice(self.providers), self.stamp(day), r[P["CID"]]))
        visited = elderly or adults
        for r in rng.sample(visited, min(len(visited), self.share("COMMUNITY_SERVICE", share))):
            icds = chronic.get(r[P["PID"]], set())
            code = (codes.VISIT_HT if "I10" in icds else codes.VISIT_DM if "E119" in icds
                    else codes.VISIT_ELDER)
            day = self.day()
            self.append("COMMUNITY_SERVICE", (hospcode, r[P["PID"]], self.next_seq(), self.dates.d8(day),
                                              code, rng.choice(self.providers), self.stamp(day), r[P["CID"]]))


def next_month(export: Export, *, changed_share: float = 0.01, seed: int | None = None) -> Export:
    """The following month's export of the same unit: ~`changed_share` of each file's rows changed
    or added (at least one), everything else byte-for-byte the same. `export.changes` says what."""
    options = _following(export.options)
    rng = random.Random(seed if seed is not None else export.options.seed * 7919 + export.month_index)
    month = _Month(export, options, rng)
    month.run(changed_share)
    for name in HEADERS:
        month.files.setdefault(name, [])
    return Export(options=options, files=month.files, bad_rows=list(export.bad_rows), newcomer=None,
                  newcomer_chronic=[], month_index=export.month_index + 1, changes=month.changes)
