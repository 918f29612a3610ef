"""Care plans: writing a version, copying last year's, sending it to the subcommittee, the
subcommittee's decision, and the fund's payments against an approved plan."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.permissions import require_perm
from smarthealth.audit import audit_log

from ..models import CareItem, CarePlan, GroupRule, LtcCase, LtcSettings, Payment, ScheduleRow
from ..rules import CM_ACTIVE, Group, Tai, budget_year, suggested_group
from ._errors import Errors

MANAGE = "ltc.manage_ltc"
APPROVE = "ltc.approve_ltc"
PLAN_FIELDS = (
    "diagnosis",
    "problems",
    "short_term_goals",
    "long_term_goals",
    "precautions",
    "devices",
    "amount_breakdown",
)


def group_suggestion(*, adl: int | None, tai: str = "") -> int | None:
    """The suggested group from the municipality's table (models.GroupRule)."""
    return suggested_group([rule.as_row() for rule in GroupRule.objects.all()], adl=adl, tai=tai)


def group_terms(group: int | None) -> tuple[Decimal, int | None]:
    """What the municipality's table gives a group: its annual rate (else the settings' default)
    and CG visits a month (None when the group has no row). Starting values for the CM, who
    writes the plan's own amount and schedule."""
    rule = GroupRule.objects.filter(group=group).order_by("order", "id").first() if group else None
    if rule is None:
        return LtcSettings.current().default_annual_rate, None
    return rule.annual_rate, rule.visits_per_month


def _number(value, kind):
    """`value` as an int or a Decimal (`kind`); None when empty or unreadable."""
    if value is None or value == "":
        return None
    try:
        return kind(str(value).strip())
    except (ValueError, ArithmeticError):
        return None


def _care_manager_of(user):
    manager = getattr(user, "ltc_care_manager", None)
    return manager if manager is not None and manager.status in CM_ACTIVE else None


def _audit(user, plan: CarePlan, action: str, **detail) -> None:
    audit_log(
        user=user,
        action=action,
        object_type="person",
        object_ref=str(plan.case.person.public_id),
        detail={"via": "ltc_plan", "plan": plan.pk, **detail},
    )


@transaction.atomic
def care_plan_write(
    *,
    case: LtcCase,
    user,
    data: dict,
    items: list[tuple[str, str]],
    schedule: list[dict],
    copied_from: CarePlan | None = None,
) -> CarePlan:
    """A new version of the case's plan for the budget year in `data` (default: this one). Only an
    active CM (a CareManager linked to the user) or a superuser writes plans. The earlier versions
    of that year that were not approved are superseded; an approved one stays until the new
    version is approved. `items`: (category, text); `schedule`: ScheduleRow fields."""
    require_perm(user, MANAGE)
    manager = _care_manager_of(user)
    errors = Errors()
    if manager is None and not user.is_superuser:
        errors.add("__all__", _("Only a registered care manager may write a care plan."))
    if not case.is_open:
        errors.add("__all__", _("The case is closed."))
    settings = LtcSettings.current()
    written_on = data.get("written_on") or timezone.localdate()
    year = data.get("budget_year") or budget_year(written_on, start_month=settings.fund_year_start_month)
    adl = _number(data.get("adl_score"), int)
    if adl is None or not 0 <= adl <= 20:
        errors.add("adl_score", _("Enter an ADL score of 0–20."))
    tai = data.get("tai") or ""
    if tai and tai not in Tai.values:
        errors.add("tai", _("Choose a TAI code."))
    group = _number(data.get("group"), int)
    if group not in Group.values:
        errors.add("group", _("Choose the group."))
    amount = _number(data.get("requested_amount"), Decimal)
    if amount is None or amount < 0:
        errors.add("requested_amount", _("Enter the requested annual amount."))
    errors.raise_if_any()
    assert adl is not None and group is not None and amount is not None
    version = (CarePlan.objects.filter(case=case, budget_year=year).aggregate(v=Max("version"))["v"] or 0) + 1
    CarePlan.objects.filter(case=case, budget_year=year).exclude(status=CarePlan.Status.APPROVED).update(
        status=CarePlan.Status.SUPERSEDED
    )
    plan = CarePlan.objects.create(
        case=case,
        budget_year=year,
        version=version,
        copied_from=copied_from,
        written_by=manager,
        written_on=written_on,
        adl_score=adl,
        tai=tai,
        group=group,
        suggested_group=group_suggestion(adl=adl, tai=tai),
        requested_amount=amount,
        **{field: (data.get(field) or "").strip() for field in PLAN_FIELDS},
    )
    CareItem.objects.bulk_create(
        [
            CareItem(plan=plan, category=category, text=text.strip()[:300], order=n)
            for n, (category, text) in enumerate(items)
            if text and text.strip()
        ]
    )
    ScheduleRow.objects.bulk_create(
        [ScheduleRow(plan=plan, **row) for row in schedule if row.get("activity")]
    )
    if manager is not None and case.care_manager_id is None:
        case.care_manager = manager
        case.save(update_fields=["care_manager", "updated_at"])
    _audit(user, plan, "create", version=version)
    return plan


def plan_as_data(plan: CarePlan) -> tuple[dict, list[tuple[str, str]], list[dict]]:
    """A plan's fields, items and schedule, as care_plan_write takes them (copy, new version)."""
    data = {field: getattr(plan, field) for field in PLAN_FIELDS}
    data.update(
        adl_score=plan.adl_score, tai=plan.tai, group=plan.group, requested_amount=plan.requested_amount
    )
    items = [(item.category, item.text) for item in plan.items.all()]
    schedule = [
        {
            "activity": row.activity,
            "weekday": row.weekday,
            "time": row.time,
            "frequency": row.frequency,
            "responsible": row.responsible,
        }
        for row in plan.schedule.all()
    ]
    return data, items, schedule


@transaction.atomic
def care_plan_copy(*, case: LtcCase, user, to_year: int, on: dt.date | None = None) -> CarePlan:
    """Last year's plan (the latest version of the latest earlier year) as the first draft of
    `to_year`; ValidationError when there is none."""
    source = (
        CarePlan.objects.filter(case=case, budget_year__lt=to_year)
        .exclude(status=CarePlan.Status.SUPERSEDED)
        .order_by("-budget_year", "-version")
        .first()
    )
    if source is None:
        errors = Errors()
        errors.add("__all__", _("There is no earlier plan to copy."))
        errors.raise_if_any()
    assert source is not None
    data, items, schedule = plan_as_data(source)
    latest = case.person.adl_assessments.order_by("-assessed_on", "-id").first()
    if latest is not None:
        data["adl_score"] = latest.score  # the plan starts from today's ADL, not last year's
    data.update(budget_year=to_year, written_on=on or timezone.localdate())
    return care_plan_write(
        case=case, user=user, data=data, items=items, schedule=schedule, copied_from=source
    )


@transaction.atomic
def care_plan_submit(*, plan: CarePlan, user) -> CarePlan:
    require_perm(user, MANAGE)
    if plan.status != CarePlan.Status.DRAFT:
        errors = Errors()
        errors.add("__all__", _("Only a draft can be sent to the subcommittee."))
        errors.raise_if_any()
    plan.status, plan.submitted_on = CarePlan.Status.SUBMITTED, timezone.localdate()
    plan.save(update_fields=["status", "submitted_on"])
    _audit(user, plan, "update", outcome="submitted")
    return plan


@transaction.atomic
def care_plan_decide(
    *,
    plan: CarePlan,
    user,
    approve: bool,
    decided_on: dt.date,
    meeting: str,
    approved_amount: Decimal | None,
    note: str = "",
) -> CarePlan:
    """The subcommittee's decision on a plan sent to it. An approval supersedes the year's
    earlier approved version (one approved plan per case and year: what the fund pays)."""
    require_perm(user, APPROVE)
    errors = Errors()
    if plan.status == CarePlan.Status.DRAFT and not user.has_perm(MANAGE):
        # Not sent by the CM: the fund's officer has nothing to decide on yet (who may send it,
        # the administrator, sends and records the decision in one step).
        errors.add("__all__", _("The care manager has not sent this plan to the subcommittee yet."))
    elif plan.status not in (CarePlan.Status.SUBMITTED, CarePlan.Status.DRAFT):
        errors.add("__all__", _("This plan has already been decided."))
    if decided_on > timezone.localdate():
        errors.add("decided_on", _("The date cannot be in the future."))
    if approve and (approved_amount is None or approved_amount <= 0):
        errors.add("approved_amount", _("Enter the approved amount."))
    if approve and approved_amount is not None and approved_amount > plan.requested_amount:
        errors.add("approved_amount", _("The approved amount cannot be more than the amount requested."))
    errors.raise_if_any()
    if approve:
        CarePlan.objects.filter(
            case=plan.case, budget_year=plan.budget_year, status=CarePlan.Status.APPROVED
        ).exclude(pk=plan.pk).update(status=CarePlan.Status.SUPERSEDED)
    plan.status = CarePlan.Status.APPROVED if approve else CarePlan.Status.REJECTED
    plan.decided_on, plan.meeting, plan.decision_note = (
        decided_on,
        (meeting or "").strip(),
        (note or "").strip(),
    )
    plan.approved_amount = approved_amount if approve else None
    plan.decided_by = user
    plan.submitted_on = plan.submitted_on or decided_on
    plan.save(
        update_fields=["status", "decided_on", "meeting", "decision_note", "approved_amount", "decided_by",
                       "submitted_on"]
    )
    _audit(user, plan, "update", outcome=plan.status)
    return plan


@transaction.atomic
def payment_record(
    *, plan: CarePlan, user, paid_on: dt.date, amount: Decimal, reference: str = ""
) -> Payment:
    """A payment against an approved plan; never more in total than the approved amount."""
    require_perm(user, APPROVE)
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    errors = Errors()
    if plan.status != CarePlan.Status.APPROVED or plan.approved_amount is None:
        errors.add("__all__", _("Only an approved plan can be paid."))
    if amount is None or amount <= 0:
        errors.add("amount", _("Enter an amount above zero."))
    if paid_on > timezone.localdate():
        errors.add("paid_on", _("The date cannot be in the future."))
    errors.raise_if_any()
    paid = plan.payments.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    assert plan.approved_amount is not None
    if paid + amount > plan.approved_amount:
        errors.add(
            "amount",
            _("Payments would exceed the approved amount (%(left)s baht left)."),
            {"left": f"{plan.approved_amount - paid:,.2f}"},
        )
    errors.raise_if_any()
    payment = Payment.objects.create(
        plan=plan, paid_on=paid_on, amount=amount, reference=(reference or "").strip(), recorded_by=user
    )
    _audit(user, plan, "update", outcome="paid", payment=payment.pk)
    return payment
