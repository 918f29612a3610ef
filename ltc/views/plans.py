"""Care plans: write (or a new version), copy last year's, the plan's page, the printed plan the
subcommittee signs, sending it, the decision and the payments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403
from kernel.http import refusals_shown
from smarthealth.models import AccessLog

from ..forms import DecisionForm, PaymentForm, PlanForm, add_service_errors
from ..models import CarePlan
from ..rules import CareCategory
from ..selectors import case_get, case_shown, current_budget_year, plan_get
from ..services import care_plan_copy, care_plan_decide, care_plan_submit, care_plan_write, payment_record
from ..services.plans import group_suggestion, group_terms

MANAGE = "ltc.manage_ltc"
APPROVE = "ltc.approve_ltc"


@never_cache
@permission_or_403(MANAGE)
@require_http_methods(["GET", "POST"])
def plan_write(request, pk):
    """A new plan, or with ?from=<plan> a new version of that one."""
    # One row a request: a saved plan's comes from the service, a page shown from here.
    case = case_get(request.user, pk, request=request, logged=request.method != "POST")
    base = (
        case.plans.filter(pk=request.GET.get("from")).first()
        if request.GET.get("from", "").isdigit()
        else None
    )
    latest = case.person.adl_assessments.order_by("-assessed_on", "-id").first()
    initial = PlanForm.initial_from(base, written_on=timezone.localdate())
    initial.setdefault("budget_year", current_budget_year())
    if latest is not None and base is None:
        initial["adl_score"] = latest.score
    suggestion = group_suggestion(adl=initial.get("adl_score"), tai=initial.get("tai") or "")
    if suggestion and "group" not in initial:
        initial["group"] = suggestion
    rate, visits = group_terms(initial.get("group"))
    initial.setdefault("requested_amount", rate)
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = care_plan_write(
                case=case,
                user=request.user,
                data=form.cleaned_data,
                items=form.items(),
                schedule=form.schedule(),
                copied_from=base,
            )
            messages.success(request, _("The care plan is saved (version %(v)s).") % {"v": plan.version})
            return redirect("ltc:plan-detail", pk=plan.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    if request.method == "POST":
        case_shown(case, user=request.user, request=request)
    return render(
        request,
        "ltc/plan_form.html",
        {
            "case": case,
            "person": case.person,
            "form": form,
            "suggestion": suggestion,
            "base": base,
            "table_visits": visits,
        },
    )


@permission_or_403(MANAGE)
@require_POST
def plan_copy(request, pk):
    case = case_get(request.user, pk, request=request, action=AccessLog.Action.UPDATE, logged=False)
    with refusals_shown(request) as outcome:
        plan = care_plan_copy(case=case, user=request.user, to_year=current_budget_year())
    if outcome.refused:
        return redirect("ltc:case-detail", pk=case.pk)
    messages.success(request, _("Last year's plan is copied as a draft of this year."))
    return redirect("ltc:plan-detail", pk=plan.pk)


def _plan_context(plan: CarePlan) -> dict:
    items = {category: [] for category in CareCategory}
    for item in plan.items.all():
        items[CareCategory(item.category)].append(item.text)
    paid = plan.payments.aggregate(s=Sum("amount"))["s"]
    rate, visits = group_terms(plan.group)
    return {
        "table_rate": rate,
        "table_visits": visits,
        "plan": plan,
        "case": plan.case,
        "person": plan.case.person,
        "items": items,
        "schedule": list(plan.schedule.all()),
        "payments": list(plan.payments.all()),
        "paid": paid or 0,
        "remaining": (plan.approved_amount or 0) - (paid or 0),
    }


def _may_read_plans(user) -> bool:
    """The CM's side (the register) or the fund's (the subcommittee reads and signs the plan)."""
    return user.has_perm(MANAGE) or user.has_perm(APPROVE)


@never_cache
@login_required
def plan_detail(request, pk):
    if not _may_read_plans(request.user):
        raise PermissionDenied
    plan = plan_get(request.user, pk, request=request)
    context = _plan_context(plan)
    today = timezone.localdate()
    context.update(
        decision_form=DecisionForm(initial={"decided_on": today, "approved_amount": plan.requested_amount}),
        payment_form=PaymentForm(initial={"paid_on": today}),
        may_approve=request.user.has_perm(APPROVE),
        may_manage=request.user.has_perm(MANAGE),
    )
    return render(request, "ltc/plan_detail.html", context)


@never_cache
@login_required
def plan_print(request, pk):
    """The plan in the layout the subcommittee signs (3C's simple plan with its signature block)."""
    if not _may_read_plans(request.user):
        raise PermissionDenied
    plan = plan_get(request.user, pk, request=request, action=AccessLog.Action.PRINT)
    return render(request, "ltc/plan_print.html", _plan_context(plan))


@permission_or_403(MANAGE)
@require_POST
def plan_submit(request, pk):
    plan = plan_get(request.user, pk, request=request, action=AccessLog.Action.UPDATE, logged=False)
    with refusals_shown(request):
        care_plan_submit(plan=plan, user=request.user)
        messages.success(request, _("The plan is sent to the subcommittee."))
    return redirect("ltc:plan-detail", pk=plan.pk)


@permission_or_403(APPROVE)
@require_POST
def plan_decide(request, pk):
    plan = plan_get(request.user, pk, request=request, action=AccessLog.Action.UPDATE, logged=False)
    form = DecisionForm(request.POST)
    if form.is_valid():
        with refusals_shown(request):
            care_plan_decide(
                plan=plan,
                user=request.user,
                approve=form.cleaned_data["approve"],
                decided_on=form.cleaned_data["decided_on"],
                meeting=form.cleaned_data["meeting"],
                approved_amount=form.cleaned_data["approved_amount"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The decision is recorded."))
    else:
        messages.error(request, _("Check the decision's date and amount."))
    return redirect("ltc:plan-detail", pk=plan.pk)


@permission_or_403(APPROVE)
@require_POST
def payment_add(request, pk):
    plan = plan_get(request.user, pk, request=request, action=AccessLog.Action.UPDATE, logged=False)
    form = PaymentForm(request.POST)
    if form.is_valid():
        with refusals_shown(request):
            payment_record(plan=plan, user=request.user, **form.cleaned_data)
            messages.success(request, _("The payment is recorded."))
    else:
        messages.error(request, _("Check the payment's date and amount."))
    return redirect("ltc:plan-detail", pk=plan.pk)
