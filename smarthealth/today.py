"""Reads for the health team's "today" home page (smarthealth.widgets): whom the village health
volunteer should visit, the nurse's overdue bedbound visits, uncontrolled DM/HT and today's
screenings.

Built on the access-checked selectors only (a volunteer sees only her own households). Each read
that names people writes one 'list' audit row with the public ids of whom it showed, as every
list of the module does; counts alone are not personal data and write nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from kernel.maplinks import directions_url

from .audit import audit_log, persons_shown
from .models import AccessLog, NcdScreening, Person
from .rules import NCD_SEVERITY, AdlGroup, NcdColour
from .selectors import VISIT_INTERVAL_DAYS, care_queryset, persons_for, with_visit_dates

ROWS_SHOWN = 10
LIVING = Person.Status.LIVING
# How long a volunteer may fetch due people for before her list is cut (she has ~25 households;
# a nurse who puts the widget on her page sees the first households of the whole town).
_DUE_ROWS_READ = 300


@dataclass
class DueHousehold:
    """One household on the volunteer's list: its due members, the most urgent first."""

    household: Any
    members: list[Person] = field(default_factory=list)
    phone: str = ""
    navigate_url: str = ""

    @property
    def first(self) -> Person:
        return self.members[0]


def _need_rank():
    """Lower is more urgent: bedbound, homebound, NCD red/black, orange, everyone else."""
    return Case(
        When(current_adl_group=AdlGroup.BEDBOUND, then=Value(0)),
        When(current_adl_group=AdlGroup.HOMEBOUND, then=Value(1)),
        When(current_ncd_colour__in=[NcdColour.RED, NcdColour.BLACK], then=Value(2)),
        When(current_ncd_colour=NcdColour.ORANGE, then=Value(3)),
        default=Value(4), output_field=IntegerField(),
    )


def visits_due(user, *, today: dt.date | None = None) -> QuerySet[Person]:
    """Living persons in the user's scope whose visit is due by today: the next visit date has
    come, or they are bedbound and were never visited or not in VISIT_INTERVAL_DAYS (the care
    lists' rule). Ordered by need, then the longest since the last visit (never visited first).
    Annotated with need_rank, last_visit_on, next_visit_due and the current ADL / NCD."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=VISIT_INTERVAL_DAYS)
    persons = with_visit_dates(persons_for(user, filters={"status": LIVING}))
    bedbound_unseen = Q(current_adl_group=AdlGroup.BEDBOUND) & (
        Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=cutoff))
    return (
        # next_visit_due is an annotation (with_visit_dates), which the type checker cannot see.
        persons.filter(Q(next_visit_due__lte=today) | bedbound_unseen)  # type: ignore[misc]
        .annotate(need_rank=_need_rank())
        .order_by("need_rank", F("last_visit_on").asc(nulls_first=True), "next_visit_due",
                  "household_id", "pk")
    )


def _reasons(person: Person, today: dt.date) -> None:
    """What makes the person due, for the badges: overdue days, due today, never visited."""
    due = person.next_visit_due  # type: ignore[attr-defined]
    person.overdue_days = (today - due).days if due and due < today else 0  # type: ignore[attr-defined]
    person.due_today = due == today  # type: ignore[attr-defined]
    person.never_visited = person.last_visit_on is None  # type: ignore[attr-defined]


def households_to_visit(user, *, request=None, today: dt.date | None = None,
                        limit: int = ROWS_SHOWN) -> tuple[list[DueHousehold], int]:
    """The first `limit` households with someone due (see visits_due), the neediest first, each
    with a phone to call (a due member's, else another living member's) and a link to navigate
    there; and how many households have someone due in all. One 'list' audit row."""
    today = today or timezone.localdate()
    due = visits_due(user, today=today)
    households: dict[int, DueHousehold] = {}
    for person in due.select_related("household")[:_DUE_ROWS_READ]:
        if person.household_id is None:
            continue
        row = households.get(person.household_id)
        if row is None:
            if len(households) >= limit:
                continue  # only further members of the households already on the list
            row = households[person.household_id] = DueHousehold(household=person.household)
        _reasons(person, today)
        row.members.append(person)
    total = due.exclude(household=None).order_by().values("household_id").distinct().count()

    shown = [person for row in households.values() for person in row.members]
    callers = _phones(user, households)
    for row in households.values():
        phone = next((p.phone for p in row.members if p.phone), "")
        if not phone and row.household.pk in callers:
            caller = callers[row.household.pk]
            phone = caller.phone
            shown.append(caller)  # their number is on the page: they were shown too
        row.phone = phone
        location = row.household.location
        row.navigate_url = directions_url(location.y, location.x) if location else ""
    if shown or total:
        audit_log(request=request, user=user, action=AccessLog.Action.LIST, object_type="person",
                  object_ref="home_visits_due",
                  detail={"households": len(households), "total": total, **persons_shown(shown)})
    return list(households.values()), total


def _phones(user, households: dict[int, DueHousehold]) -> dict[int, Person]:
    """A living member with a phone for each household none of whose due members has one."""
    wanted = [pk for pk, row in households.items() if not any(p.phone for p in row.members)]
    if not wanted:
        return {}
    found: dict[int, Person] = {}
    members = (persons_for(user, filters={"status": LIVING}).filter(household_id__in=wanted)
               .exclude(phone="").order_by("birth_date", "pk"))  # the eldest: usually who answers
    for person in members.only("pk", "public_id", "phone", "household_id"):
        if person.household_id is not None:
            found.setdefault(person.household_id, person)
    return found


def _listed(user, request, persons: list, ref: str, total: int) -> None:
    if persons or total:
        audit_log(request=request, user=user, action=AccessLog.Action.LIST, object_type="person",
                  object_ref=ref, detail={"total": total, **persons_shown(persons)})


def bedbound_overdue(user, *, request=None, today: dt.date | None = None,
                     limit: int = ROWS_SHOWN) -> tuple[list[Person], int]:
    """Bedbound persons whose visit is overdue (the care list's rule), the longest unvisited
    first (never visited before all), and how many there are. One 'list' audit row."""
    today = today or timezone.localdate()
    qs = care_queryset(user, "bedridden", {"overdue": "1"}, today=today).order_by(
        F("last_visit_on").asc(nulls_first=True), "next_visit_due", "household_id", "pk")
    rows = list(qs[:limit])
    total = qs.count() if len(rows) == limit else len(rows)
    for person in rows:
        _reasons(person, today)
    _listed(user, request, rows, "home_bedbound_overdue", total)
    return rows, total


def uncontrolled_ncd(user, *, request=None, limit: int = ROWS_SHOWN) -> tuple[list[Person], int]:
    """DM / HT patients whose latest screening is yellow, orange or red, the most severe first,
    and how many there are. One 'list' audit row."""
    qs = care_queryset(user, "uncontrolled", {})
    rows = list(qs[:limit])
    total = qs.count() if len(rows) == limit else len(rows)
    _listed(user, request, rows, "home_uncontrolled", total)
    return rows, total


def screenings_today(user, *, request=None, today: dt.date | None = None,
                     limit: int = ROWS_SHOWN) -> tuple[list[NcdScreening], int]:
    """Screenings recorded for today of persons in the user's scope, the most severe colour
    first, and how many there are. One 'list' audit row."""
    today = today or timezone.localdate()
    severity = Case(*[When(colour=colour, then=Value(rank)) for colour, rank in NCD_SEVERITY.items()],
                    default=Value(0), output_field=IntegerField())
    qs = (NcdScreening.objects.filter(screened_on=today, person__in=persons_for(user).values("pk"))
          .select_related("person__household").annotate(severity=severity).order_by("-severity", "-id"))
    rows: list[NcdScreening] = list(qs[:limit])
    total = qs.count() if len(rows) == limit else len(rows)
    _listed(user, request, [s.person for s in rows], "home_screenings_today", total)
    return rows, total

