"""The caregiver's visits without a network (issue 23), as the village health volunteer's home
visits work (smarthealth.views.visits_offline, README "ข้อมูลบนโทรศัพท์"): one service worker, one
IndexedDB database and one outbox for both.

- `offline_copy`: HER people (the active cases assigned to her) as JSON for the phone's IndexedDB
  (store "copy", key "ltc-people"); one 'list' row names everyone it holds.
- `offline_list_page`, `offline_visit_page`: her list and the visit form without anyone's data;
  the service worker keeps these two (hooks.worker_pages) and serves them for her list and for
  any visit form while there is no network; the phone's copy fills them in.
- `visit_sync`: one visit from the phone's outbox, sent with the key the phone made for it; the
  visit form's rules and audit row (services.cg_visit_record); sent again with the same key it
  answers the same and records nothing.
"""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import permission_or_403
from kernel.photos import MAX_PHOTO_BYTES
from kernel.thaidate import thai_datetime
from smarthealth.audit import audit_log, persons_shown
from smarthealth.models import AccessLog
from smarthealth.views.visits_offline import outbox_answer, outbox_error_lines

from ..forms import VisitForm
from ..models import CgVisit
from ..rules import Weekday
from ..selectors import case_get, cases_for
from ..services import cg_visit_record
from ..services.visits import cg_weekdays, plan_in_force

CG_VISIT = "ltc.record_cg_visit"
COPY_KEY = "ltc-people"


def _plan_text(plan) -> str:
    if plan is None:
        return _("There is no approved plan.")
    return f"{_('Group')} {plan.group} · ADL {plan.adl_score}"


def _schedule_by_day(plan) -> dict[str, list[str]]:
    """Python weekday (0 = Monday) → the plan's rows of that day as the form shows them."""
    days: dict[str, list[str]] = {}
    for row in plan.schedule.all() if plan else []:
        parts = [f"{row.time:%H:%M}"] if row.time else []
        parts += [row.activity, str(row.get_responsible_display())]
        days.setdefault(str(row.weekday), []).append(" · ".join(parts))
    return days


def cg_cases_today(user, today):
    """Her cases, each with its plan's CG days (`days`, `day_labels`, `today`), today's first."""
    cases = list(cases_for(user).order_by("person__first_name"))
    for case in cases:
        case.plan = plan_in_force(case, today)
        case.days = sorted(cg_weekdays(case.plan))
        case.day_labels = [Weekday(d).label for d in case.days]
        case.today = today.weekday() in case.days
    cases.sort(key=lambda c: not c.today)
    return cases


@never_cache
@permission_or_403(CG_VISIT)
@require_GET
def offline_copy(request):
    """Her people for the phone: only the active cases assigned to the signed-in caregiver."""
    user, today = request.user, timezone.localdate()
    cases = cg_cases_today(user, today)
    cards = [render_to_string("ltc/_cg_person.html", {"case": case}, request=request) for case in cases]
    persons = {
        str(case.pk): {
            "name": case.person.full_name,
            "plan": _plan_text(case.plan),
            "precautions": f"{_('Precautions')}: {case.plan.precautions}"
            if case.plan and case.plan.precautions
            else "",
            "schedule": _schedule_by_day(case.plan),
        }
        for case in cases
    }
    audit_log(
        request=request,
        user=user,
        action=AccessLog.Action.LIST,
        object_type="ltc_cg",
        object_ref="offline_copy",
        detail={"count": len(cases), **persons_shown(c.person for c in cases)},
    )
    now = timezone.now()
    return JsonResponse(
        {
            "user": user.pk,
            "saved_at": now.isoformat(),
            "saved_at_text": thai_datetime(now, short=True),
            "cards": cards,
            "persons": persons,
        }
    )


PAGE_CONTEXT = {"offline_shell": True, "max_photo_bytes": MAX_PHOTO_BYTES}


@never_cache
@permission_or_403(CG_VISIT)
@require_GET
def offline_list_page(request):
    """Her list without anyone in it: offline-households.js fills it from the phone's copy."""
    return render(request, "ltc/cg_home.html", {**PAGE_CONTEXT, "cases": [], "today": timezone.localdate()})


@never_cache
@permission_or_403(CG_VISIT)
@require_GET
def offline_visit_page(request):
    """The visit form without a person: cg-visit.js fills the person in from the phone's copy
    (the service worker serves this page at the person's own visit-form address)."""
    return render(request, "ltc/cg_visit.html", {**PAGE_CONTEXT, "form": VisitForm(), "schedule_today": []})


# --- the phone's outbox -----------------------------------------------------------------------
@never_cache
@require_POST
def visit_sync(request):
    """One visit from the phone's outbox (multipart: the visit form's fields, `case` = the case's
    number, `idempotency_key`, optionally `photo`). Always JSON, as the volunteer's
    smarthealth:visit-sync answers: 200 {"ok": true, "key", "message"} (the same when the key
    was sent before), 400 the form's or the service's errors, 401 signed out, 403 no permission
    or the person is not (or no longer) assigned to her."""
    user = request.user
    if not user.is_authenticated:
        return outbox_answer(
            401,
            ok=False,
            code="signed_out",
            message=_("You are signed out. Sign in again, then send the visits waiting on this phone."),
        )
    if not user.has_perm(CG_VISIT):
        audit_log(
            request=request,
            user=user,
            action=AccessLog.Action.CREATE,
            object_type="ltc_cg",
            object_ref=str(request.POST.get("case", ""))[:36],
            outcome=AccessLog.Outcome.DENIED,
            detail={"reason": "no_permission", "via": "offline"},
        )
        return outbox_answer(403, ok=False, code="no_permission",
                             message=_("You may not record caregiver visits."))
    try:
        key = uuid.UUID(request.POST.get("idempotency_key", ""))
    except ValueError:
        return outbox_answer(
            400, ok=False, code="invalid", message=_("This visit has no valid key. Record the visit again.")
        )
    # A resend of a visit she recorded already (its answer was lost) is answered before the
    # scope: the case may have closed, or gone to another caregiver, since.
    if CgVisit.objects.filter(idempotency_key=key, caregiver__user=user).exists():
        response = outbox_answer(200, ok=True, code="saved", message=_("The visit is saved."), key=str(key))
        response["Idempotent-Replayed"] = "true"
        return response
    out_of_scope = _(
        "This person is no longer assigned to you, so the visit was not recorded. Tell your care "
        "manager, then discard it."
    )
    try:
        case = case_get(
            user, request.POST.get("case"), request=request, action=AccessLog.Action.CREATE, logged=False
        )
    except Http404:
        return outbox_answer(403, ok=False, code="out_of_scope", message=out_of_scope)
    form = VisitForm(request.POST, request.FILES)
    refused = _(
        "The server did not accept this visit. Discard it and record it again with the values corrected."
    )
    if not form.is_valid():
        return outbox_answer(400, ok=False, code="invalid", message=refused, details=outbox_error_lines(form))
    replayed = CgVisit.objects.filter(idempotency_key=key, case=case).exists()
    data = {**form.cleaned_data, "idempotency_key": key}
    try:
        cg_visit_record(case=case, user=user, **data)
    except PermissionDenied:
        return outbox_answer(403, ok=False, code="out_of_scope", message=out_of_scope)
    except ValidationError as exc:
        return outbox_answer(400, ok=False, code="invalid", message=refused,
                             details=outbox_error_lines(form, exc))
    response = outbox_answer(200, ok=True, code="saved", message=_("The visit is saved."), key=str(key))
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def worker_pages() -> dict:
    """What the service worker (smarthealth.views.offline_app) keeps for the caregiver: her two
    offline pages, the addresses they stand in for, and the static files they load."""
    from django.urls import reverse

    visit = reverse("ltc:cg-visit", args=[0])
    prefix, _sep, suffix = visit.rpartition("/0/")
    return {
        "group": "cg",
        "pages": {"list": reverse("ltc:offline-list"), "visit": reverse("ltc:offline-visit")},
        "routes": [
            {"pattern": "^" + reverse("ltc:cg-home") + "$", "page": reverse("ltc:offline-list")},
            {"pattern": "^" + prefix + "/[0-9]+/" + suffix + "$", "page": reverse("ltc:offline-visit")},
        ],
        "assets": ["css/ltc.css", "js/ltc/cg-visit.js"],
    }
