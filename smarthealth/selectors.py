"""Reads of personal data: the ONLY way to get households and persons (STYLE "one place for access
rules"). Each selector takes the user and raises PermissionDenied when the user may not read.

Scope: nurses, municipal administrators and superusers see every household; anyone else with
the view permission (the village health volunteer) sees only the households assigned to them
and their members.
"""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from communities.models import Community
from communities.selectors import community_names
from kernel.national_id import normalise_national_id
from kernel.permissions import require_perm

from . import crypto
from .audit import audit_log
from .erasure import erased_q
from .models import AccessLog, AdlAssessment, ChronicCondition, HomeVisit, Household, NcdScreening, Person
from .rules import (
    AGE_BAND_LIMITS,
    ELDERLY_AGE,
    ELDERLY_FILTER,
    NCD_DIAGNOSES,
    NCD_SEVERITY,
    NEED_LEVELS,
    AdlGroup,
    AgeBand,
    Disability,
    NcdColour,
    Need,
    years_before,
)

_SEES_EVERYONE = {Role.NURSE, Role.ADMIN}


def condition_names() -> dict[str, str]:
    """Chronic condition code → its name in the reader's language: pages name a condition
    (เบาหวาน), never show its code (DM)."""
    return {condition.code: condition.name for condition in ChronicCondition.objects.all()}


def _sees_everyone(user) -> bool:
    return user.is_superuser or user.role in _SEES_EVERYONE


# --- annotations ------------------------------------------------------------------------------
def with_current_adl(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate current_adl_score, current_adl_group, current_adl_on (latest assessment)."""
    latest = AdlAssessment.objects.filter(person=OuterRef("pk")).order_by("-assessed_on", "-id")
    return qs.annotate(
        current_adl_score=Subquery(latest.values("score")[:1]),
        current_adl_group=Subquery(latest.values("group")[:1]),
        current_adl_on=Subquery(latest.values("assessed_on")[:1]),
    )


def with_current_ncd(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate current_ncd_colour, current_ncd_on (latest screening)."""
    latest = NcdScreening.objects.filter(person=OuterRef("pk")).order_by("-screened_on", "-id")
    return qs.annotate(
        current_ncd_colour=Subquery(latest.values("colour")[:1]),
        current_ncd_on=Subquery(latest.values("screened_on")[:1]),
    )


def with_visit_dates(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate last_visit_on, next_visit_due (of the latest home visit)."""
    latest = HomeVisit.objects.filter(person=OuterRef("pk")).order_by("-visited_on", "-id")
    return qs.annotate(last_visit_on=Subquery(latest.values("visited_on")[:1]),
                       next_visit_due=Subquery(latest.values("next_visit_due")[:1]))


def _age_band_q(band: str, today: dt.date) -> Q:
    if band == ELDERLY_FILTER:
        return Q(birth_date__lte=years_before(today, ELDERLY_AGE))
    if band not in AGE_BAND_LIMITS:
        return Q(pk__in=[])
    low, high = AGE_BAND_LIMITS[AgeBand(band)]
    # Age ≥ low ⇔ born on or before today − low years; age ≤ high ⇔ born after today − (high+1).
    q = Q(birth_date__lte=years_before(today, low))
    if high is not None:
        q &= Q(birth_date__gt=years_before(today, high + 1))
    return q


# --- households and persons -------------------------------------------------------------------
def person_is_visible_to(user, person: Person) -> bool:
    """Whether `user` may read `person` (the same scope as persons_for, without a query)."""
    if user is None or not user.is_authenticated or not user.has_perm("smarthealth.view_person"):
        return False
    if _sees_everyone(user):
        return True
    household = person.household
    return household is not None and household.volunteer_id == user.pk


def households_for(user) -> QuerySet[Household]:
    require_perm(user, "smarthealth.view_household")
    households = Household.objects.select_related("volunteer")
    return households if _sees_everyone(user) else households.filter(volunteer=user)


def community_choices_for(user) -> list[str]:
    """The community filter's choices (issue 19): the register's communities (communities.Community),
    never a name typed on a household. Staff who see every household choose from the whole
    register; a volunteer from the register's communities of the households assigned to them."""
    if _sees_everyone(user):
        return community_names()
    ids = households_for(user).exclude(community_ref=None).values("community_ref")
    return list(Community.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))


def _persons_scope(user) -> QuerySet[Person]:
    require_perm(user, "smarthealth.view_person")
    # An erased person (PDPA erasure) keeps a nameless row for the figures, never a place in a list.
    persons = Person.objects.select_related("household").exclude(erased_q())
    return persons if _sees_everyone(user) else persons.filter(household__volunteer=user)


def persons_for(user, *, filters: dict | None = None) -> QuerySet[Person]:
    """Persons the user may see, annotated with their current ADL and NCD (see with_current_*).

    filters (all optional; unknown values match nothing rather than everything):
    q (part of a first or last name, or a full 13-digit national ID), cid_hash (crypto.cid_hash of
    a national ID), community, moo,
    condition (a ChronicCondition code), adl_group (AdlGroup or "none" = never assessed),
    ncd_colour (NcdColour or "none"), age_band (AgeBand or "60_plus"), status (Person.Status),
    disability ("any" or a Disability), household (a Household pk).
    """
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    persons = with_current_ncd(with_current_adl(_persons_scope(user)))
    today = timezone.localdate()

    if cid_hash := filters.get("cid_hash"):
        # A national ID searched earlier, kept only as its keyed hash (kernel.searches).
        persons = persons.filter(cid_hash=str(cid_hash))
    if q := str(filters.get("q", "")).strip():
        try:
            persons = persons.filter(cid_hash=crypto.cid_hash(normalise_national_id(q)))
        except ValidationError:
            for word in q.split():
                persons = persons.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if community := filters.get("community"):
        persons = persons.filter(household__community=community)
    if (moo := filters.get("moo")) is not None:
        try:
            persons = persons.filter(household__moo=int(moo))
        except (TypeError, ValueError):
            persons = persons.none()
    if condition := filters.get("condition"):
        persons = persons.filter(chronic_conditions__contains=[str(condition)])
    if group := filters.get("adl_group"):
        # current_adl_group and current_ncd_colour are annotations of with_current_adl/_ncd, which
        # django-stubs cannot see through the queryset helpers.
        persons = (persons.filter(current_adl_group__isnull=True)  # type: ignore[misc]
                   if group == "none" else persons.filter(current_adl_group=group))  # type: ignore[misc]
    if colour := filters.get("ncd_colour"):
        persons = (persons.filter(current_ncd_colour__isnull=True)  # type: ignore[misc]
                   if colour == "none" else persons.filter(current_ncd_colour=colour))  # type: ignore[misc]
    if band := filters.get("age_band"):
        persons = persons.filter(_age_band_q(str(band), today))
    if status := filters.get("status"):
        persons = persons.filter(status=status)
    if disability := filters.get("disability"):
        persons = (persons.exclude(disability=Disability.NONE) if disability == "any"
                   else persons.filter(disability=disability))
    if household := filters.get("household"):
        persons = persons.filter(household_id=household)
    return persons


def _audited_view(user, person: Person, request, *, via: str | None = None) -> Person:
    audit_log(request=request, user=user, action=AccessLog.Action.VIEW, object_type="person",
              object_ref=str(person.public_id), detail={"via": via} if via else None)
    return person


def _audited_denial(user, request, *, object_type: str, object_ref: str, action: str, exists: bool,
                    via: str | None = None) -> None:
    """One DENIED row: the user asked for a record outside their scope ("out_of_scope": it exists)
    or for none at all ("unknown"). The user gets the same 404 either way; only the log tells."""
    detail = {"reason": "out_of_scope" if exists else "unknown", **({"via": via} if via else {})}
    audit_log(request=request, user=user, action=action, object_type=object_type, object_ref=object_ref,
              outcome=AccessLog.Outcome.DENIED, detail=detail)


def _person_or_denied(user, public_id, request, action: str) -> Person:
    scope = persons_for(user)
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError as exc:
        # Not an id at all: nothing typed is copied into the log (it could be anything).
        _audited_denial(user, request, object_type="person", object_ref="", action=action, exists=False)
        raise Http404 from exc
    person = scope.filter(public_id=wanted).first()
    if person is None:
        _audited_denial(user, request, object_type="person", object_ref=str(wanted), action=action,
                        exists=Person.objects.filter(public_id=wanted).exists())
        raise Http404
    return person


def person_get(user, public_id, *, request=None) -> Person:
    """One person by public_id, annotated like persons_for; writes one 'view' audit row.

    PermissionDenied without view_person; Http404 when unknown or outside the user's scope
    (a 404 does not tell a volunteer that the person exists elsewhere), with a DENIED row.
    """
    person = _person_or_denied(user, public_id, request, AccessLog.Action.VIEW)
    return _audited_view(user, person, request)


def person_in_scope(user, public_id, *, action: str, request=None) -> Person:
    """The person for a change or a reveal (annotated like persons_for), WITHOUT a 'view' row: the
    caller records what the request did. Http404 with a DENIED row (`action`) when unknown or
    outside the user's scope."""
    return _person_or_denied(user, public_id, request, action)


def household_in_scope(user, pk, *, action: str, request=None) -> Household:
    """One household the user may see, without an audit row on success (the caller writes what it
    shows); Http404 with a DENIED row (`action`) when unknown or outside the user's scope."""
    household = households_for(user).filter(pk=pk).first()
    if household is None:
        _audited_denial(user, request, object_type="household", object_ref=str(pk), action=action,
                        exists=Household.objects.filter(pk=pk).exists())
        raise Http404
    return household


def person_lookup_by_cid(user, cid, *, request=None) -> Person:
    """One person by national ID (ValidationError when the ID is malformed, Http404 when unknown
    or out of scope, with a DENIED row that never holds the ID); writes one 'view' audit row with
    detail {"via": "cid"}."""
    scope = persons_for(user)
    digits = normalise_national_id(cid)
    hashed = crypto.cid_hash(digits)
    try:
        person = scope.get(cid_hash=hashed)
    except Person.DoesNotExist as exc:
        elsewhere = Person.objects.filter(cid_hash=hashed).values_list("public_id", flat=True).first()
        _audited_denial(user, request, object_type="person", object_ref=str(elsewhere or ""),
                        action=AccessLog.Action.VIEW, exists=elsewhere is not None, via="cid")
        raise Http404 from exc
    return _audited_view(user, person, request, via="cid")


# --- aggregates (no personal data) ------------------------------------------------------------
def health_summary(user, *, today: dt.date | None = None) -> dict:
    """Counts over living persons: by sex, age band, current ADL group, current NCD colour,
    chronic condition, disability. Needs view_health_aggregates; user=None is for system code
    (scheduled national snapshots), never for a request."""
    if user is not None:
        require_perm(user, "smarthealth.view_health_aggregates")
    today = today or timezone.localdate()
    living = Person.objects.filter(status=Person.Status.LIVING)

    band_aggregates = {band.value: Count("pk", filter=_age_band_q(band.value, today))
                       for band in AgeBand}
    age_band_counts = living.aggregate(**band_aggregates)
    totals = living.aggregate(
        persons=Count("pk"),
        elderly=Count("pk", filter=_age_band_q(ELDERLY_FILTER, today)),
        disabled=Count("pk", filter=~Q(disability=Disability.NONE)),
    )

    def counts(qs, field, choices, missing: str | None = None) -> dict:
        rows = dict(qs.values_list(field).annotate(n=Count("pk")).order_by())
        result = {choice.value: rows.get(choice.value, 0) for choice in choices}
        if missing:
            result[missing] = rows.get(None, 0)
        return result

    annotated = with_current_ncd(with_current_adl(living))
    condition_rows = (living.annotate(code=_unnest("chronic_conditions")).values_list("code")
                      .annotate(n=Count("pk")).order_by())
    return {
        "persons": totals["persons"],
        "households": Household.objects.count(),
        "elderly": totals["elderly"],
        "disabled": totals["disabled"],
        "by_sex": counts(living, "sex", Person.Sex),
        "by_age_band": age_band_counts,
        "by_adl_group": counts(annotated, "current_adl_group", AdlGroup, missing="unassessed"),
        "by_ncd_colour": counts(annotated, "current_ncd_colour", NcdColour, missing="unscreened"),
        "by_condition": dict(condition_rows),
        "by_disability": {k: v for k, v in counts(living, "disability", Disability).items()
                          if k != Disability.NONE},
    }


def _unnest(field: str):
    return Func(field, function="unnest", output_field=CharField())


# --- needs for the map ------------------------------------------------------------------------
def _latest_level(model, date_field: str, value_field: str, levels: dict) -> Subquery:
    """The need level of one person's latest ADL assessment or screening, as ONE subquery.

    Levels are ranked so that a person's need is the greatest of its parts (bedbound > homebound
    > NCD red > orange > yellow > disabled > elderly), which lets each part be computed once;
    a CASE chain over the annotations would repeat each subquery in every branch."""
    latest = model.objects.filter(person=OuterRef("pk")).order_by(f"-{date_field}", "-id")
    return Subquery(latest.annotate(level=Case(
        *[When(**{f"{value_field}__in": values}, then=Value(level)) for level, values in levels.items()],
        default=Value(0), output_field=IntegerField(),
    )).values("level")[:1])


def _person_need_level(today: dt.date):
    """An integer expression: the most urgent need of one person (rules.Need / NEED_LEVELS)."""
    adl = _latest_level(AdlAssessment, "assessed_on", "group", {
        NEED_LEVELS[Need.BEDBOUND]: [AdlGroup.BEDBOUND],
        NEED_LEVELS[Need.HOMEBOUND]: [AdlGroup.HOMEBOUND],
    })
    ncd = _latest_level(NcdScreening, "screened_on", "colour", {
        NEED_LEVELS[Need.NCD_RED]: [NcdColour.RED, NcdColour.BLACK],
        NEED_LEVELS[Need.NCD_ORANGE]: [NcdColour.ORANGE],
        NEED_LEVELS[Need.NCD_YELLOW]: [NcdColour.YELLOW],
    })
    none = Value(NEED_LEVELS[Need.NONE])
    return Greatest(
        Coalesce(adl, none),
        Coalesce(ncd, none),
        Case(When(~Q(disability=Disability.NONE), then=Value(NEED_LEVELS[Need.DISABLED])), default=none),
        Case(When(birth_date__lte=years_before(today, ELDERLY_AGE), then=Value(NEED_LEVELS[Need.ELDERLY])),
             default=none),
        output_field=IntegerField(),
    )


def household_need_levels(qs: QuerySet[Household]) -> QuerySet[Household]:
    """Annotate each household with `need_level` (int, higher = more urgent) of its most urgent
    living member; `household.need` gives its rules.Need code. Pass an access-checked queryset
    (households_for); nothing about a person is exposed but the level. Filter with
    `need_level__in`, never on a code."""
    today = timezone.localdate()
    members = Person.objects.filter(household=OuterRef("pk"), status=Person.Status.LIVING).annotate(
        level=_person_need_level(today)
    ).order_by("-level")
    return qs.annotate(need_level=Coalesce(Subquery(members.values("level")[:1]),
                                           Value(NEED_LEVELS[Need.NONE])))


def care_flag_groups(persons: QuerySet, *, today: dt.date):
    """`persons` (annotated with current_adl_group and current_ncd_colour) grouped by what the care
    lists count: is_elderly, is_disabled, is_ncd_patient, current ADL group and NCD colour, each
    group with its size `n`. One GROUP BY over a few flags rather than a COUNT per list: each
    COUNT would repeat the latest-ADL/NCD subqueries, which is slow at 100,000 persons."""

    def flag(q):
        return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())

    return (
        persons
        .annotate(is_elderly=flag(Q(birth_date__lte=years_before(today, ELDERLY_AGE))),
                  is_disabled=flag(~Q(disability=Disability.NONE)),
                  is_ncd_patient=flag(Q(chronic_conditions__overlap=sorted(NCD_DIAGNOSES))))
        .order_by()
        .values("is_elderly", "is_disabled", "is_ncd_patient", "current_adl_group", "current_ncd_colour")
        .annotate(n=Count("pk"))
    )


# --- care lists -------------------------------------------------------------------------------
# "Uncontrolled DM / HT": the latest screening of a diabetes or hypertension patient is one of these.
UNCONTROLLED = (NcdColour.YELLOW, NcdColour.ORANGE, NcdColour.RED)
# "No visit in 30 days" makes a bedridden person overdue even without a due date.
VISIT_INTERVAL_DAYS = 30


def with_last_visit(qs, *, today: dt.date):
    """Annotate last_visit_on, next_visit_due (of the latest visit) and is_overdue."""
    qs = with_visit_dates(qs)
    cutoff = today - dt.timedelta(days=VISIT_INTERVAL_DAYS)
    return qs.annotate(is_overdue=Case(
        When(Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=cutoff) | Q(next_visit_due__lt=today),
             then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    ))


def _ncd_severity():
    return Case(*[When(current_ncd_colour=c, then=Value(NCD_SEVERITY[c])) for c in UNCONTROLLED],
                default=Value(0), output_field=IntegerField())


_BY_HOUSE = ("household__community", "household__moo", "household__house_no", "first_name",
             "last_name", "id")


def care_queryset(user, kind: str, active: dict, *, today: dt.date | None = None):
    """The persons on one care list with the given (validated) filters, access-checked."""
    today = today or timezone.localdate()
    base = {"status": Person.Status.LIVING, "community": active.get("community"),
            "moo": active.get("moo")}
    if kind == "elderly":
        qs = persons_for(user, filters={**base, "age_band": ELDERLY_FILTER,
                                        "adl_group": active.get("adl_group")})
        return qs.order_by(*_BY_HOUSE)
    if kind == "bedridden":
        qs = with_last_visit(persons_for(user, filters={**base, "adl_group": AdlGroup.BEDBOUND}),
                             today=today)
        if active.get("overdue"):
            qs = qs.filter(is_overdue=True)
        return qs.order_by("-is_overdue", "last_visit_on", *_BY_HOUSE)
    if kind == "uncontrolled":
        qs = persons_for(user, filters={**base, "condition": active.get("condition")})
        colours = [active["colour"]] if active.get("colour") else list(UNCONTROLLED)
        qs = qs.filter(chronic_conditions__overlap=sorted(NCD_DIAGNOSES))
        # current_ncd_colour is persons_for's annotation, which django-stubs cannot see.
        qs = qs.filter(current_ncd_colour__in=colours)  # type: ignore[misc]
        return qs.annotate(ncd_severity=_ncd_severity()).order_by("-ncd_severity", *_BY_HOUSE)
    if kind == "disabled":
        qs = persons_for(user, filters={**base, "disability": active.get("disability") or "any"})
        return qs.order_by("disability", *_BY_HOUSE)
    raise Http404


def care_counts(user, *, today: dt.date | None = None) -> dict:
    """Counts for the index page over the user's scope (one GROUP BY: `care_flag_groups`)."""
    today = today or timezone.localdate()
    groups = care_flag_groups(persons_for(user, filters={"status": Person.Status.LIVING}), today=today)
    counts = dict.fromkeys(
        ["elderly", "elderly_none", "bedridden", "uncontrolled", "disabled",
         *[f"elderly_{g.value}" for g in AdlGroup], *[f"uncontrolled_{c.value}" for c in UNCONTROLLED]],
        0,
    )
    for row in groups:
        n, adl, colour = row["n"], row["current_adl_group"], row["current_ncd_colour"]
        if row["is_elderly"]:
            counts["elderly"] += n
            counts[f"elderly_{adl or 'none'}"] += n
        if adl == AdlGroup.BEDBOUND:
            counts["bedridden"] += n
        if row["is_ncd_patient"] and colour in UNCONTROLLED:
            counts["uncontrolled"] += n
            counts[f"uncontrolled_{colour}"] += n
        if row["is_disabled"]:
            counts["disabled"] += n
    # The visit subqueries only for the (few) bedbound, not for everyone.
    counts["bedridden_overdue"] = care_queryset(user, "bedridden", {"overdue": "1"}, today=today).count()
    return counts


__all__ = [
    "UNCONTROLLED", "care_counts", "care_flag_groups", "care_queryset", "health_summary",
    "household_in_scope", "household_need_levels", "households_for", "person_get", "person_in_scope",
    "person_is_visible_to",
    "person_lookup_by_cid", "persons_for", "with_current_adl", "with_current_ncd", "with_last_visit",
    "with_visit_dates",
]
