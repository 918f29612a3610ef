"""Care records for the synthetic town: ADL assessments of the elderly, NCD screenings, the
volunteers' households and the home visits of the past six months.

Targets: ADL for most elderly (≈ 85 % socially active, ≈ 12 % homebound, ≈ 3 % bedbound);
≈ 70 % of adults 35+ screened in the past year, most DM/HT patients dark green or yellow, a few
orange or red, a handful black; monthly visits to the bedbound, less often to the homebound and
uncontrolled patients, about a quarter of them overdue. Colours and groups come from rules.py,
never from here, so the demo can never disagree with the app.
"""

import datetime as dt
import heapq
import random
from dataclasses import dataclass

from ..rules import BARTHEL_ITEMS, NCD_DIAGNOSES, AdlGroup, Complication, NcdColour, adl_group, ncd_colour
from .names import VISIT_NOTES
from .population import DemoHousehold, DemoPerson

VISIT_WINDOW_DAYS = 183  # visits are generated for the past six months


@dataclass(slots=True)
class AdlRow:
    person: DemoPerson
    assessed_on: dt.date
    score: int
    group: str
    items: dict | None
    source: str
    assessed_by: int | None
    pk: int = 0


@dataclass(slots=True)
class NcdRow:
    person: DemoPerson
    screened_on: dt.date
    sbp: int | None
    dbp: int | None
    fbs: int | None
    complication: str
    colour: str
    screened_by: int | None


@dataclass(slots=True)
class VisitRow:
    person: DemoPerson
    visited_on: dt.date
    visitor: int | None
    sbp: int | None
    dbp: int | None
    fbs: int | None
    weight_kg: float | None
    notes: str
    next_visit_due: dt.date
    adl: AdlRow | None = None


# --- ADL --------------------------------------------------------------------------------------
# Barthel items a frail person loses first (bathing, stairs …) to last (feeding, continence).
_LOSS_ORDER = ("bathing", "stairs", "grooming", "dressing", "mobility", "transfer", "toilet",
               "bladder", "bowels", "feeding")
_ITEM_MAX = {item.code: item.max_score for item in BARTHEL_ITEMS}


def barthel_items(score: int, rng: random.Random) -> dict[str, int]:
    """Ten item scores adding up to `score`, lost roughly in the usual order of decline."""
    items = dict(_ITEM_MAX)
    deficit = 20 - score
    while deficit:
        for code in _LOSS_ORDER:
            if deficit and items[code] and rng.random() < 0.6:
                items[code] -= 1
                deficit -= 1
    return {item.code: items[item.code] for item in BARTHEL_ITEMS}


def _plan_adl_group(person: DemoPerson, rng: random.Random) -> str | None:
    """The current ADL group of a person who gets assessed, or None when not assessed."""
    stroke = "STROKE" in person.conditions
    physical = person.disability == "physical"
    if person.age < 60 and not ((stroke or physical) and person.age >= 15):
        return None
    if rng.random() > (0.9 if person.age >= 60 else 0.8):
        return None
    bed, home = (0.08, 0.25) if person.age >= 80 else (0.03, 0.12) if person.age >= 70 else (0.015, 0.06)
    if person.age < 60:
        bed, home = 0.0, 0.0
    if stroke:
        bed, home = bed + 0.25, home + 0.35
    elif physical:
        bed, home = bed + 0.08, home + 0.25
    roll = rng.random()
    return AdlGroup.BEDBOUND if roll < bed else AdlGroup.HOMEBOUND if roll < bed + home else AdlGroup.SOCIAL


def _score_in(group: str, rng: random.Random) -> int:
    if group == AdlGroup.BEDBOUND:
        return rng.randint(0, 4)
    if group == AdlGroup.HOMEBOUND:
        return rng.randint(5, 11)
    return rng.choices(range(12, 21), weights=(1, 1, 2, 2, 3, 4, 6, 9, 14))[0]


def plan_adl(persons: list[DemoPerson], rng: random.Random) -> dict[int, int]:
    """Decide who is assessed and their current score; sets person.adl_group. id(person) → score."""
    scores = {}
    for person in persons:
        if person.status == "moved":
            continue
        group = _plan_adl_group(person, rng)
        if group is not None:
            score = _score_in(group, rng)
            person.adl_group = adl_group(score).value
            scores[id(person)] = score
    return scores


def adl_rows(persons, scores: dict[int, int], visits_by_person: dict[int, list[VisitRow]], *,
             today: dt.date, nurse: int | None, rng: random.Random) -> list[AdlRow]:
    """The assessments: the current one (on the latest home visit for the dependent, who are
    re-checked at home) and, for some, an earlier one, often a little better (decline)."""
    rows = []
    for person in persons:
        score = scores.get(id(person))
        if score is None:
            continue
        visits = visits_by_person.get(id(person))
        if visits and person.adl_group != AdlGroup.SOCIAL:
            latest = visits[-1]
            current = AdlRow(person, latest.visited_on, score, person.adl_group,
                             barthel_items(score, rng), "visit", latest.visitor)
            latest.adl = current
        else:
            on = today - dt.timedelta(days=rng.randint(5, 330))
            imported = rng.random() < 0.3
            current = AdlRow(person, on, score, person.adl_group,
                             None if imported else barthel_items(score, rng),
                             "import" if imported else "form", None if imported else nurse)
        if person.status == "deceased":
            current.assessed_on = min(current.assessed_on, today - dt.timedelta(days=200))
        if rng.random() < 0.4:
            earlier_score = min(20, score + rng.choice((0, 0, 1, 2, 3, 5)))
            rows.append(AdlRow(person, current.assessed_on - dt.timedelta(days=rng.randint(180, 420)),
                               earlier_score, adl_group(earlier_score).value, None, "import", None))
        rows.append(current)
    return rows


# --- NCD screening ----------------------------------------------------------------------------
# Value ranges that land a reading in each colour (the cut-offs themselves live in rules.py).
_BP = {
    NcdColour.WHITE: ((100, 119), (62, 79)), NcdColour.LIGHT_GREEN: ((120, 139), (80, 89)),
    NcdColour.DARK_GREEN: ((112, 139), (68, 89)), NcdColour.YELLOW: ((140, 159), (90, 99)),
    NcdColour.ORANGE: ((160, 179), (100, 109)), NcdColour.RED: ((180, 210), (110, 124)),
}
_FBS = {
    NcdColour.WHITE: (75, 99), NcdColour.LIGHT_GREEN: (100, 125), NcdColour.DARK_GREEN: (85, 125),
    NcdColour.YELLOW: (126, 154), NcdColour.ORANGE: (155, 182), NcdColour.RED: (183, 320),
}
_UNDIAGNOSED = ((NcdColour.WHITE, 62), (NcdColour.LIGHT_GREEN, 30), (NcdColour.YELLOW, 5.5),
                (NcdColour.ORANGE, 2), (NcdColour.RED, 0.5))
_DIAGNOSED = ((NcdColour.DARK_GREEN, 56), (NcdColour.YELLOW, 30), (NcdColour.ORANGE, 9.5),
              (NcdColour.RED, 4.5))
_BASE = {True: NcdColour.DARK_GREEN, False: NcdColour.WHITE}


def _draw(table, rng: random.Random) -> NcdColour:
    colours, weights = zip(*table, strict=True)
    return rng.choices(colours, weights=weights)[0]


def readings(person: DemoPerson, target: NcdColour, rng: random.Random, *, fbs_always=True):
    """(sbp, dbp, fbs) whose worst colour is `target`: the person's own disease drives it."""
    diagnosed = bool(NCD_DIAGNOSES & set(person.conditions))
    base = _BASE[diagnosed]
    if "DM" in person.conditions and "HT" not in person.conditions:
        driver = "fbs"
    elif "HT" in person.conditions and "DM" not in person.conditions:
        driver = "bp"
    else:
        driver = rng.choice(("bp", "fbs"))
    bp_colour = target if driver == "bp" else base
    fbs_colour = target if driver == "fbs" else rng.choice((base, target))
    (s_low, s_high), (d_low, d_high) = _BP[bp_colour]
    sbp = rng.randint(s_low, s_high)
    dbp = rng.randint(d_low, d_high) if rng.random() < 0.5 else rng.randint(_BP[base][1][0], d_low)
    dbp = min(dbp, sbp - 25)
    fbs = rng.randint(*_FBS[fbs_colour]) if fbs_always or "DM" in person.conditions else None
    return sbp, dbp, fbs


def _complication(person: DemoPerson, rng: random.Random) -> str:
    if "CKD" in person.conditions and rng.random() < 0.6:
        return Complication.KIDNEY.value
    if "STROKE" in person.conditions and rng.random() < 0.6:
        return Complication.STROKE.value
    if rng.random() < 0.015:
        return rng.choice((Complication.EYE, Complication.FOOT, Complication.HEART)).value
    return ""


def _screening(person, on, target, complication, nurse, rng) -> NcdRow:
    diagnosed = bool(NCD_DIAGNOSES & set(person.conditions))
    sbp, dbp, fbs = readings(person, target, rng)
    colour = ncd_colour(sbp=sbp, dbp=dbp, fbs=fbs, diagnosed=diagnosed, complication=bool(complication))
    return NcdRow(person, on, sbp, dbp, fbs, complication, colour.value, nurse)


def ncd_rows(persons, *, today: dt.date, nurse: int | None, rng: random.Random) -> list[NcdRow]:
    """Screenings of adults 35+; patients are followed up every few months. Sets ncd_colour."""
    rows = []
    for person in persons:
        if person.age < 35 or person.status == "moved":
            continue
        diagnosed = bool(NCD_DIAGNOSES & set(person.conditions))
        table = _DIAGNOSED if diagnosed else _UNDIAGNOSED
        if rng.random() < (0.85 if diagnosed else 0.64) and person.status == "living":
            latest = today - dt.timedelta(days=rng.randint(1, 120 if diagnosed else 360))
            complication = _complication(person, rng) if diagnosed else ""
            current = _screening(person, latest, _draw(table, rng), complication, nurse, rng)
            person.ncd_colour = current.colour
            earlier = []
            for k in range(rng.randint(0, 3) if diagnosed else 0):
                on = latest - dt.timedelta(days=90 * (k + 1) + rng.randint(-12, 12))
                if (today - on).days >= 365:
                    break
                kept = complication if rng.random() < 0.5 else ""
                earlier.append(_screening(person, on, _draw(table, rng), kept, nurse, rng))
            rows += [*reversed(earlier), current]
        elif rng.random() < 0.4:  # screened once, more than a year ago: due again
            on = today - dt.timedelta(days=rng.randint(380, 900))
            old = _screening(person, on, _draw(table, rng), "", None, rng)
            person.ncd_colour = old.colour
            rows.append(old)
    return rows


# --- volunteers -------------------------------------------------------------------------------
def _has_bedbound(household: DemoHousehold) -> bool:
    return any(p.adl_group == AdlGroup.BEDBOUND and p.status == "living" for p in household.members)


def _nearest(households, anchor: DemoHousehold, count: int):
    return heapq.nsmallest(count, households, key=lambda h: (h.x - anchor.x) ** 2 + (h.y - anchor.y) ** 2)


def assign_volunteers(households: list[DemoHousehold], *, demo_volunteer: int | None,
                      extra_volunteers: list[int], per_volunteer: int, rng: random.Random) -> None:
    """An อสม. looks after the houses around their own: the demo volunteer gets `per_volunteer`
    neighbouring households, at least two of them with a bedbound member; each extra volunteer
    gets the households around a house of their own elsewhere in town."""
    free = list(households)
    if demo_volunteer is not None:
        bedbound = [h for h in free if _has_bedbound(h)]
        anchor = min(bedbound or free, key=lambda h: h.x ** 2 + h.y ** 2)
        chosen = _nearest(free, anchor, per_volunteer)
        with_bedbound = [h for h in chosen if _has_bedbound(h)]
        plain = [h for h in chosen if not _has_bedbound(h)]
        # At least three bedbound households: the farthest plain ones give way to the nearest.
        wanted = max(0, min(3, len(bedbound)) - len(with_bedbound))
        extra = _nearest([h for h in bedbound if h not in with_bedbound], anchor, wanted)
        for household in [*with_bedbound, *plain[:len(plain) - len(extra)], *extra]:
            household.volunteer_id = demo_volunteer
    for volunteer in extra_volunteers:
        free = [h for h in free if h.volunteer_id is None]
        if not free:
            break
        anchor = rng.choice(free)
        for household in _nearest(free, anchor, per_volunteer):
            household.volunteer_id = volunteer


# --- home visits ------------------------------------------------------------------------------
# How often each need is visited (days): the care plans of the municipality's health centre.
_INTERVAL = {"bedbound": 30, "homebound": 60, NcdColour.BLACK: 30, NcdColour.RED: 30,
             NcdColour.ORANGE: 60, NcdColour.YELLOW: 90}


def _visit_need(person: DemoPerson) -> str | None:
    if person.status != "living":
        return None
    if person.adl_group in (AdlGroup.BEDBOUND, AdlGroup.HOMEBOUND):
        return str(person.adl_group)
    if person.ncd_colour in _INTERVAL and NCD_DIAGNOSES & set(person.conditions):
        return person.ncd_colour
    return None


def visit_rows(persons, *, today: dt.date, nurse: int | None,
               rng: random.Random) -> dict[int, list[VisitRow]]:
    """id(person) → their visits, oldest first. ~25 % are overdue: the last visit's due date has
    passed (the volunteer fell behind, the family was away)."""
    by_person = {}
    for person in persons:
        need = _visit_need(person)
        if need is None:
            continue
        interval = _INTERVAL[need]
        if rng.random() < 0.25:
            last = today - dt.timedelta(days=interval + rng.randint(3, 45))
        else:
            last = today - dt.timedelta(days=rng.randint(0, interval - 2))
        dates = [last]
        while True:
            previous = dates[-1] - dt.timedelta(days=max(7, int(interval * rng.uniform(0.6, 1.1))))
            if (today - previous).days > VISIT_WINDOW_DAYS:
                break
            dates.append(previous)
        volunteer = person.household.volunteer_id
        notes = VISIT_NOTES["ncd" if need in NcdColour.values else need]
        colour = NcdColour(person.ncd_colour) if person.ncd_colour in _BP else NcdColour.DARK_GREEN
        visits = []
        for k, on in enumerate(reversed(dates)):
            nurse_turn = volunteer is None or (need == "bedbound" and k % 3 == 2)
            sbp, dbp, fbs = readings(person, colour if rng.random() < 0.6 else NcdColour.DARK_GREEN, rng,
                                     fbs_always=False)
            weight = None if need == "bedbound" or rng.random() < 0.2 else round(rng.uniform(38, 88), 1)
            visits.append(VisitRow(
                person, on, nurse if nurse_turn else volunteer, sbp, dbp, fbs, weight,
                rng.choice(notes) if rng.random() < 0.8 else "", on + dt.timedelta(days=interval),
            ))
        by_person[id(person)] = visits
    return by_person
