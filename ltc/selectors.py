"""Reads of the LTC module. Every read that returns a person goes through here: the health
registry's selectors decide who may see whom (persons_for: nurses and administrators everyone,
never an erased person), a caregiver sees only the active cases assigned to her, and every
personal read leaves an access-log row (smarthealth.audit). Counts and money carry no name."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from kernel.permissions import require_perm
from smarthealth.audit import audit_log
from smarthealth.erasure import ERASED_HASH_PREFIX, erased_q
from smarthealth.models import AccessLog, Person
from smarthealth.selectors import persons_for, with_current_adl

from .models import CarePlan, CgVisit, LtcCase, LtcSettings, Payment
from .rules import ADL_ELIGIBLE_MAX, FundLine, Group, Responsible, budget_year, coverage_percent, fund_total

MANAGE = "ltc.manage_ltc"
APPROVE = "ltc.approve_ltc"
CG_VISIT = "ltc.record_cg_visit"


def current_budget_year(today: dt.date | None = None) -> int:
    settings = LtcSettings.current()
    return budget_year(today or timezone.localdate(), start_month=settings.fund_year_start_month)


# --- scope ------------------------------------------------------------------------------------
def cases_for(user) -> QuerySet[LtcCase]:
    """The cases the user may open: CMs and administrators, those of every person they may see;
    the fund's officer, those with a plan sent to the fund (what the subcommittee decides on);
    a caregiver, the active cases assigned to her. PermissionDenied for anyone else."""
    cases = LtcCase.objects.select_related("person", "person__household", "care_manager", "caregiver")
    if user is not None and user.is_authenticated and user.has_perm(MANAGE):
        return cases.filter(person__in=persons_for(user).values("pk"))
    if user is not None and user.is_authenticated and user.has_perm(APPROVE):
        sent = CarePlan.objects.filter(case=OuterRef("pk"), submitted_on__isnull=False)
        return cases.filter(Exists(sent)).exclude(person__cid_hash__startswith=ERASED_HASH_PREFIX)
    require_perm(user, CG_VISIT)
    # An erased person (PDPA erasure) is in no list: smarthealth.erasure's marker.
    return cases.filter(caregiver__user=user, status=LtcCase.Status.ACTIVE).exclude(
        person__cid_hash__startswith=ERASED_HASH_PREFIX
    )


def case_get(
    user, pk, *, request=None, action: str = AccessLog.Action.VIEW, via: str = "ltc", logged: bool = True
) -> LtcCase:
    """One case by id, with one access-log row naming its person (`action`); Http404 and a DENIED
    row when it is unknown or outside the user's scope (a CG asking for another CG's person).
    `logged=False` for a change: the service that makes it writes the row (one row a request)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    case = cases_for(user).filter(pk=pk).first()
    if case is None:
        other = LtcCase.objects.filter(pk=pk).select_related("person").first()
        audit_log(
            request=request,
            user=user,
            action=action,
            object_type="person",
            object_ref=str(other.person.public_id) if other else "",
            outcome=AccessLog.Outcome.DENIED,
            detail={"reason": "out_of_scope" if other else "unknown", "via": via},
        )
        raise Http404
    if logged:
        case_shown(case, user=user, request=request, action=action, via=via)
    return case


def case_shown(
    case: LtcCase, *, user, request=None, action: str = AccessLog.Action.VIEW, via: str = "ltc"
) -> None:
    """The access-log row of a page that shows the case's person (a form shown again after a
    refused change, when case_get was asked for no row)."""
    audit_log(
        request=request,
        user=user,
        action=action,
        object_type="person",
        object_ref=str(case.person.public_id),
        detail={"via": via, "case": case.pk},
    )


def plan_get(user, pk, *, request=None, action: str = AccessLog.Action.VIEW, logged: bool = True) -> CarePlan:
    plan = CarePlan.objects.filter(pk=pk).select_related("case__person").first()
    if plan is None:
        raise Http404
    if plan.submitted_on is None and not (user is not None and user.has_perm(MANAGE)):
        # A draft is the CM's alone: the fund's officer sees what was sent to the subcommittee.
        audit_log(request=request, user=user, action=action, object_type="person",
                  object_ref=str(plan.case.person.public_id), outcome=AccessLog.Outcome.DENIED,
                  detail={"reason": "draft", "via": "ltc_plan"})
        raise Http404
    case_get(user, plan.case_id, request=request, action=action, via="ltc_plan", logged=logged)
    return CarePlan.objects.select_related("case__person__household", "written_by").get(pk=plan.pk)


# --- the register -----------------------------------------------------------------------------
def candidates_for(user) -> QuerySet[Person]:
    """Residents (the registry's `living`: who lives here, by its one rule) whose latest ADL is
    11 or less and who have no active case; annotated with current_adl_* and `declined`."""
    require_perm(user, MANAGE)
    active = LtcCase.objects.filter(person=OuterRef("pk"), status=LtcCase.Status.ACTIVE)
    declined = LtcCase.objects.filter(person=OuterRef("pk"), status=LtcCase.Status.NOT_ENROLLED)
    return (
        persons_for(user, filters={"status": Person.Status.LIVING})
        .filter(current_adl_score__lte=ADL_ELIGIBLE_MAX)  # type: ignore[misc]
        .exclude(Exists(active))
        .annotate(declined=Exists(declined))
        .order_by("current_adl_score", "first_name", "last_name", "id")
    )


def latest_plans(cases, *, year: int) -> dict[int, CarePlan]:
    """case id → its newest not-superseded plan of `year`."""
    found: dict[int, CarePlan] = {}
    for plan in (
        CarePlan.objects.filter(case__in=cases, budget_year=year)
        .exclude(status=CarePlan.Status.SUPERSEDED)
        .order_by("case_id", "-version")
    ):
        found.setdefault(plan.case_id, plan)
    return found


# --- money ------------------------------------------------------------------------------------
def fund_lines(*, year: int) -> tuple[list[FundLine], FundLine]:
    """Per group of the approved plans of budget year `year`: plans, approved, paid (all the
    payments against them), remaining; and the total. Counts and money only."""
    lines = {group: FundLine(group=group) for group in Group.values}
    approved = (
        CarePlan.objects.filter(budget_year=year, status=CarePlan.Status.APPROVED)
        .values("group")
        .annotate(n=Count("pk"), amount=Sum("approved_amount"))
        .order_by()
    )
    for row in approved:
        line = lines[row["group"]]
        line.plans, line.approved = row["n"], row["amount"] or Decimal("0")
    paid = (
        Payment.objects.filter(plan__budget_year=year)
        .values("plan__group")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    for paid_row in paid:
        lines[paid_row["plan__group"]].paid = paid_row["amount"] or Decimal("0")
    ordered = [lines[g] for g in Group.values]
    return ordered, fund_total(ordered)


def ltc_counts(*, today: dt.date | None = None) -> dict:
    """The dashboard's counts (no name): active cases by the group of their approved plan of this
    budget year, residents eligible (latest ADL ≤ 11), how many have an approved plan, the
    coverage, the fund's totals. For every reader with view_ltc_aggregates and the snapshot."""
    today = today or timezone.localdate()
    year = current_budget_year(today)
    living = with_current_adl(Person.objects.filter(status=Person.Status.LIVING).exclude(erased_q()))
    eligible = living.filter(current_adl_score__lte=ADL_ELIGIBLE_MAX)  # type: ignore[misc]
    approved = CarePlan.objects.filter(
        budget_year=year, status=CarePlan.Status.APPROVED, case__status=LtcCase.Status.ACTIVE
    )
    by_group = dict(approved.values_list("group").annotate(n=Count("case", distinct=True)).order_by())
    with_plan = eligible.filter(Exists(approved.filter(case__person=OuterRef("pk")))).count()
    n_eligible = eligible.count()
    active = LtcCase.objects.filter(status=LtcCase.Status.ACTIVE).count()
    _lines, total = fund_lines(year=year)
    return {
        "year": year,
        "eligible": n_eligible,
        "active": active,
        "with_plan": with_plan,
        "coverage": coverage_percent(with_plan=with_plan, eligible=n_eligible),
        "by_group": {g: by_group.get(g, 0) for g in Group.values},
        "approved": total.approved,
        "paid": total.paid,
        "remaining": total.remaining,
    }


# --- follow-up for the CM ---------------------------------------------------------------------
def followup_for(user, *, today: dt.date | None = None) -> dict:
    """What the CM has to do: plans to renew, re-assessments overdue, visits missed this month,
    ADL improved or worsened since enrolment, visits that differ from the plan not yet seen."""
    require_perm(user, MANAGE)
    today = today or timezone.localdate()
    settings = LtcSettings.current()
    year = current_budget_year(today)
    active = cases_for(user).filter(status=LtcCase.Status.ACTIVE)
    latest_adl = {p.pk: p for p in with_current_adl(Person.objects.filter(pk__in=active.values("person_id")))}
    plans = latest_plans(active, year=year)
    next_year = latest_plans(active, year=year + 1)
    from .rules import budget_year_bounds

    _first, last = budget_year_bounds(year, start_month=settings.fund_year_start_month)
    near_end = (last - today).days <= settings.renewal_warning_days
    renew, reassess, improved, worsened, missed = [], [], [], [], []
    month_start = today.replace(day=1)
    visits = dict(
        CgVisit.objects.filter(case__in=active, visited_on__gte=month_start, visited_on__lte=today)
        .values_list("case_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for case in active:
        plan = plans.get(case.pk)
        if plan is None or plan.status != CarePlan.Status.APPROVED or (near_end and case.pk not in next_year):
            renew.append((case, plan))
        person = latest_adl.get(case.person_id)
        adl_on = getattr(person, "current_adl_on", None)
        if adl_on is None or (today - adl_on).days > settings.reassessment_days:
            reassess.append((case, adl_on))
        score = getattr(person, "current_adl_score", None)
        if score is not None and case.adl_at_enrolment is not None:
            if score > case.adl_at_enrolment:
                improved.append((case, case.adl_at_enrolment, score))
            elif score < case.adl_at_enrolment:
                worsened.append((case, case.adl_at_enrolment, score))
        if plan is not None and plan.status == CarePlan.Status.APPROVED:
            days = {row.weekday for row in plan.schedule.all() if row.responsible == Responsible.CG}
            planned = sum(
                1 for d in range(month_start.day, today.day + 1) if today.replace(day=d).weekday() in days
            )
            done = visits.get(case.pk, 0)
            if done < planned:
                missed.append((case, planned, done))
    flagged = (
        CgVisit.objects.filter(case__in=active, deviation=True, deviation_seen_on__isnull=True)
        .select_related("case__person", "caregiver")
        .order_by("-visited_on")
    )
    return {
        "year": year,
        "renew": renew,
        "reassess": reassess,
        "improved": improved,
        "worsened": worsened,
        "missed": missed,
        "flagged": list(flagged),
    }


def monthly_report(case: LtcCase, *, year: int, month: int) -> list[CgVisit]:
    """The visits of one person in one month, oldest first (the CG's monthly report)."""
    return list(
        case.visits.filter(visited_on__year=year, visited_on__month=month)
        .select_related("caregiver")
        .order_by("visited_on", "check_in_at", "id")
    )


def export_rows(*, year: int):
    """The approved plans of `year` with what the staff re-key into the NHSO programme and 3C.
    The caller audits the export with the persons shown."""
    plans = (
        CarePlan.objects.filter(budget_year=year, status=CarePlan.Status.APPROVED)
        .exclude(case__person__cid_hash__startswith=ERASED_HASH_PREFIX)  # PDPA erasure: in no list
        .select_related("case__person", "written_by", "case__caregiver")
        .order_by("case__person__first_name")
    )
    paid = dict(
        Payment.objects.filter(plan__in=plans).values_list("plan").annotate(s=Sum("amount")).order_by()
    )
    return plans, defaultdict(Decimal, paid)


def require_fund_reader(user) -> None:
    if not (user.is_authenticated and user.has_perm("ltc.view_ltc_fund")):
        raise PermissionDenied
