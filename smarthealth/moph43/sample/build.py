"""build_export: the whole first month, deterministic for a seed."""

import datetime as dt
import random

from .bad import inject_bad_rows
from .care import Care, build_care
from .export import Export, Row
from .layouts import HEADERS
from .options import Dates, SampleOptions
from .others import other_files
from .population import People, Town, build_town
from .rows import home_row, person_row, village_rows


def build_export(options: SampleOptions) -> Export:
    """The export of `options.persons` invented persons, their homes, villages and health rows,
    with a few bad rows when `options.bad_rows`; the same options give the same rows."""
    rng = random.Random(options.seed)
    dates = Dates()
    town = build_town(options, rng, dates)
    care = build_care(town, options=options, rng=rng, dates=dates)
    files: dict[str, list[Row]] = {name: [] for name in HEADERS}
    files["HOME"] = [home_row(home, options=options) for home in town.homes]
    files["PERSON"] = [person_row(p, hospcode=options.hospcode, dates=dates) for p in town.persons]
    files["VILLAGE"] = village_rows(town, options=options, rng=rng, dates=dates)
    files.update(care.files)
    if options.other_files:
        files.update(other_files(town, care, options=options, rng=rng, dates=dates))
    newcomer, newcomer_chronic = _newcomer(town, care, options=options, rng=rng, dates=dates)
    bad = (inject_bad_rows(town=town, care=care, files=files, options=options, rng=rng, dates=dates)
           if options.bad_rows else [])
    # Persons and homes point at each other: break the cycles so that the whole town is freed
    # now, by reference counting, rather than whenever the cyclic collector gets to it.
    for home in town.homes:
        home.members, home.head, home.vhv = [], None, None
    return Export(options=options, files=files, bad_rows=bad, newcomer=newcomer,
                  newcomer_chronic=newcomer_chronic)


def _newcomer(town: Town, care: Care, *, options: SampleOptions, rng: random.Random,
              dates: Dates) -> tuple[Row | None, list[Row]]:
    """A relative moving in with a family next month (TYPEAREA 3), already in the municipality's
    Excel persons file, with hypertension."""
    homes = [h for h in town.homes if h.housetype == "1" and h.members]
    if not homes:
        return None, []
    people = People(options=options, rng=rng, dates=dates, cids=town.cids, next_pid=town.next_pid)
    p = people.person(age=rng.randint(45, 70), sex=rng.choice("12"))
    town.next_pid = people.next_pid
    p.typearea, p.home, p.mstatus = "3", rng.choice(homes), "3"
    chronic = [care.chronic_row(p, "I10", diagnosed=options.exported_at.date() - dt.timedelta(days=700))]
    return person_row(p, hospcode=options.hospcode, dates=dates), chronic
