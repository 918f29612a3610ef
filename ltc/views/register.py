"""The LTC register: candidates and cases, enrolment and refusal, a case's page, closing, the
CM and CG register, the settings. Every page that shows a person writes one access-log row."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403
from kernel.http import refusals_shown
from smarthealth.audit import audit_log, persons_shown
from smarthealth.models import AccessLog
from smarthealth.selectors import person_in_scope

from ..forms import (
    AssignForm,
    CaregiverForm,
    CareManagerForm,
    CloseForm,
    DeclineForm,
    GroupRuleFormSet,
    SettingsForm,
    add_service_errors,
)
from ..models import Caregiver, CareManager, GroupRule, LtcCase, LtcSettings
from ..selectors import candidates_for, case_get, cases_for, current_budget_year, latest_plans
from ..services import case_close, case_decline, case_enrol, cases_close_discharged, ltc_settings_update
from ..services.cases import case_assign

MANAGE = "ltc.manage_ltc"
CONFIGURE = "ltc.configure_ltc"


@never_cache
@permission_or_403(MANAGE)
def register(request):
    """Candidates (residents with a latest ADL ≤ 11 and no case) and the cases."""
    candidates = list(candidates_for(request.user)[:500])
    cases = list(
        cases_for(request.user)
        .exclude(status=LtcCase.Status.NOT_ENROLLED)
        .order_by("status", "person__first_name")[:500]
    )
    year = current_budget_year()
    plans = latest_plans([c.pk for c in cases], year=year)
    for case in cases:
        case.plan = plans.get(case.pk)
    audit_log(
        request=request,
        user=request.user,
        action=AccessLog.Action.LIST,
        object_type="ltc_register",
        object_ref="register",
        detail=persons_shown([*candidates, *(c.person for c in cases)]),
    )
    return render(
        request,
        "ltc/register.html",
        {
            "candidates": candidates,
            "cases": cases,
            "year": year,
            "decline_form": DeclineForm(),
        },
    )


@permission_or_403(MANAGE)
@require_POST
def enrol(request, public_id):
    person = person_in_scope(request.user, public_id, action=AccessLog.Action.UPDATE, request=request)
    with refusals_shown(request) as outcome:
        case = case_enrol(person=person, user=request.user, enrolled_on=timezone.localdate())
    if outcome.refused:
        return redirect("ltc:register")
    messages.success(request, _("Enrolled. Write the care plan next."))
    return redirect("ltc:case-detail", pk=case.pk)


@permission_or_403(MANAGE)
@require_POST
def decline(request, public_id):
    person = person_in_scope(request.user, public_id, action=AccessLog.Action.UPDATE, request=request)
    form = DeclineForm(request.POST)
    if form.is_valid():
        with refusals_shown(request):
            case_decline(person=person, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The reason is recorded."))
    else:
        messages.error(request, _("Say why the person is not enrolled."))
    return redirect("ltc:register")


@never_cache
@permission_or_403(MANAGE)
def case_detail(request, pk):
    case = case_get(request.user, pk, request=request)
    return render(
        request,
        "ltc/case_detail.html",
        {
            "case": case,
            "person": case.person,
            "plans": case.plans.select_related("written_by"),
            "visits": case.visits.select_related("caregiver")[:10],
            "year": current_budget_year(),
            "assign_form": AssignForm(
                initial={"care_manager": case.care_manager_id, "caregiver": case.caregiver_id}
            ),
            "close_form": CloseForm(initial={"on": timezone.localdate()}),
        },
    )


@permission_or_403(MANAGE)
@require_POST
def case_assign_view(request, pk):
    case = case_get(request.user, pk, request=request, action=AccessLog.Action.UPDATE, logged=False)
    form = AssignForm(request.POST)
    if form.is_valid():
        case_assign(
            case=case,
            user=request.user,
            care_manager=form.cleaned_data["care_manager"],
            caregiver=form.cleaned_data["caregiver"],
        )
        messages.success(request, _("Saved."))
    return redirect("ltc:case-detail", pk=case.pk)


@permission_or_403(MANAGE)
@require_POST
def case_close_view(request, pk):
    case = case_get(request.user, pk, request=request, action=AccessLog.Action.UPDATE, logged=False)
    form = CloseForm(request.POST)
    if form.is_valid():
        with refusals_shown(request):
            case_close(
                case=case,
                user=request.user,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The case is closed."))
    else:
        messages.error(request, _("Check the date and how the case ends."))
    return redirect("ltc:case-detail", pk=case.pk)


@permission_or_403(MANAGE)
@require_POST
def sync_discharged(request):
    closed = cases_close_discharged(user=request.user)
    messages.success(request, _("Cases closed from the registry: %(n)s.") % {"n": closed})
    return redirect("ltc:register")


# --- the CM and CG register -------------------------------------------------------------------
@never_cache
@permission_or_403(MANAGE)
@require_http_methods(["GET", "POST"])
def people(request):
    """The register of care managers and caregivers, and the form to add one."""
    kind = request.POST.get("kind") or request.GET.get("kind") or "cm"
    form_class = CareManagerForm if kind == "cm" else CaregiverForm
    form = form_class(request.POST or None)
    if request.method == "POST" and request.user.has_perm(CONFIGURE) and form.is_valid():
        member = form.save(commit=False)
        try:
            if form.cleaned_data.get("cid"):
                member.set_cid(form.cleaned_data["cid"])
            member.full_clean()
            member.save()
            messages.success(request, _("Saved."))
            return redirect("ltc:people")
        except ValidationError as error:
            add_service_errors(form, error)
    managers, caregivers = (
        list(CareManager.objects.select_related("user")),
        list(Caregiver.objects.select_related("user", "care_manager")),
    )
    audit_log(
        request=request,
        user=request.user,
        action=AccessLog.Action.LIST,
        object_type="ltc_staff",
        object_ref="people",
        detail={"care_managers": len(managers), "caregivers": len(caregivers)},
    )
    return render(
        request,
        "ltc/people.html",
        {
            "managers": managers,
            "caregivers": caregivers,
            "form": form,
            "kind": kind,
            "may_edit": request.user.has_perm(CONFIGURE),
        },
    )


@never_cache
@permission_or_403(CONFIGURE)
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """The settings the reference could not confirm: editable, each row marked confirmed or not."""
    current = LtcSettings.current()
    form = SettingsForm(request.POST or None, instance=current)
    formset = GroupRuleFormSet(request.POST or None, queryset=GroupRule.objects.all(), prefix="rules")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        removed = [f.instance for f in formset.deleted_forms if f.instance.pk]
        kept = [
            f.instance
            for f in formset.forms
            if f not in formset.deleted_forms and (f.instance.pk or f.has_changed())
        ]
        with refusals_shown(request):
            ltc_settings_update(
                user=request.user, settings=form.instance, rules=[r for r in kept if r.group], removed=removed
            )
            messages.success(request, _("Saved."))
            return redirect("ltc:settings")
    return render(request, "ltc/settings.html", {"form": form, "formset": formset})
