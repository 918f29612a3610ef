"""The caregiver's phone pages (her assigned people, the visit form), the monthly CG report per
person, and the CM's follow-up list with the visits flagged as differing from the plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403
from kernel.photos import MAX_PHOTO_BYTES
from smarthealth.audit import audit_log, persons_shown
from smarthealth.models import AccessLog

from ..forms import VisitForm, add_service_errors, month_of
from ..models import CgVisit
from ..rules import Activity, Problem
from ..selectors import case_get, case_shown, followup_for, monthly_report
from ..services import cg_visit_record, cg_visit_seen
from ..services.visits import plan_in_force
from .offline import cg_cases_today

MANAGE = "ltc.manage_ltc"
CG_VISIT = "ltc.record_cg_visit"


def _may_visit(user) -> bool:
    return user.has_perm(CG_VISIT) or user.has_perm(MANAGE)


@never_cache
@permission_or_403(CG_VISIT)
def cg_home(request):
    """The CG's people: only the active cases assigned to her, with today's planned ones first."""
    today = timezone.localdate()
    cases = cg_cases_today(request.user, today)
    audit_log(
        request=request,
        user=request.user,
        action=AccessLog.Action.LIST,
        object_type="ltc_cg",
        object_ref="my-people",
        detail=persons_shown(c.person for c in cases),
    )
    return render(request, "ltc/cg_home.html", {"cases": cases, "today": today})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cg_visit(request, pk):
    if not _may_visit(request.user):
        raise PermissionDenied
    # One row a request: a saved visit's comes from the service, a page shown from here.
    case = case_get(request.user, pk, request=request, via="ltc_visit", logged=request.method != "POST")
    today = timezone.localdate()
    plan = plan_in_force(case, today)
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cg_visit_record(case=case, user=request.user, **data)
            messages.success(request, _("The visit is saved."))
            if request.user.has_perm(CG_VISIT):
                return redirect("ltc:cg-home")
            return redirect("ltc:case-detail", pk=case.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    if request.method == "POST":
        case_shown(case, user=request.user, request=request, via="ltc_visit")
    schedule = [row for row in (plan.schedule.all() if plan else []) if row.weekday == today.weekday()]
    return render(
        request,
        "ltc/cg_visit.html",
        {
            "case": case,
            "person": case.person,
            "plan": plan,
            "form": form,
            "schedule_today": schedule,
            "max_photo_bytes": MAX_PHOTO_BYTES,
        },
    )


@never_cache
@login_required
def monthly(request, pk):
    """The monthly CG report of one person (the Buriram-style table), from the visits."""
    if not _may_visit(request.user):
        raise PermissionDenied
    case = case_get(request.user, pk, request=request, action=AccessLog.Action.PRINT, via="ltc_monthly")
    first = month_of(request.GET.get("month"))
    visits = monthly_report(case, year=first.year, month=first.month)
    activities, problems = dict(Activity.choices), dict(Problem.choices)
    for visit in visits:
        visit.activity_labels = [activities.get(a, a) for a in visit.activities]
        visit.problem_labels = [problems.get(p, p) for p in visit.problems]
    plan = plan_in_force(case, first)
    return render(
        request,
        "ltc/monthly_report.html",
        {
            "case": case,
            "person": case.person,
            "visits": visits,
            "month": first,
            "plan": plan,
            "month_value": f"{first:%Y-%m}",
        },
    )


@never_cache
@permission_or_403(MANAGE)
def followup(request):
    data = followup_for(request.user)
    shown = {
        case.person
        for key in ("renew", "reassess", "improved", "worsened", "missed")
        for case, *_rest in data[key]
    } | {visit.case.person for visit in data["flagged"]}
    audit_log(
        request=request,
        user=request.user,
        action=AccessLog.Action.LIST,
        object_type="ltc_followup",
        object_ref="followup",
        detail=persons_shown(shown),
    )
    return render(request, "ltc/followup.html", data)


@permission_or_403(MANAGE)
@require_POST
def visit_seen(request, pk):
    visit = CgVisit.objects.filter(pk=pk).first()
    if visit is None:
        raise Http404
    case_get(request.user, visit.case_id, request=request, action=AccessLog.Action.UPDATE, logged=False)
    cg_visit_seen(visit=visit, user=request.user)
    return redirect("ltc:followup")
