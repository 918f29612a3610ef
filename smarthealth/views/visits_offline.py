"""Home visits without a network (issue 16): the village health volunteer's phone keeps a copy of
HER households and the visits she records offline, and sends those when the network returns.

- `offline_copy`: her households (only those assigned to her, whatever her role) with their
  living members and each one's last visit, as JSON for the phone's IndexedDB; one 'list' row
  names everyone it holds.
- `offline_households_page`, `offline_visit_page`: the list and the visit form without anyone's
  data (the page fills them from the copy); the service worker keeps these two, and serves them
  for the list and for any visit form while there is no network.
- `visit_sync`: one visit from the phone's queue, sent with the key the phone made for it. The
  same rules and the same audit row as the visit form (visits.visit_save); sent again with the
  same key it answers the same and records nothing.

README "ข้อมูลบนโทรศัพท์ / What the phone stores" says what is kept where and when it goes.
"""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import permission_or_403
from kernel.photos import MAX_PHOTO_BYTES
from kernel.thaidate import thai_date, thai_datetime

from ..audit import audit_log, persons_shown
from ..forms.visits import VisitForm
from ..models import AccessLog, HomeVisit
from ..rules import AdlGroup
from ..selectors import person_in_scope
from .visits import (
    ADD_VISIT,
    adl_script_data,
    condition_names,
    household_rows,
    households_by_need,
    visit_save,
    visit_saved_message,
)


# --- the copy kept on the phone -----------------------------------------------------------------
def _last_visit_text(visit: HomeVisit | None) -> str:
    if visit is None:
        return ""
    parts = [thai_date(visit.visited_on, short=True)]
    if visit.sbp is not None:
        parts.append(f"{_('BP')} {visit.sbp}/{visit.dbp}")
    if visit.fbs is not None:
        parts.append(f"{_('FBS')} {visit.fbs}")
    if visit.weight_kg is not None:
        parts.append(f"{visit.weight_kg} {_('kg')}")
    if visit.adl is not None:
        parts.append(f"ADL {visit.adl.score}")
    return " · ".join(parts)


def _visit_dates_text(person) -> str:
    if not person.last_visit_on:
        return _("No home visit recorded yet.")
    text = f"{_('Last visit')}: {thai_date(person.last_visit_on, short=True)}"
    if person.next_visit_due:
        text += f" · {_('next due')}: {thai_date(person.next_visit_due, short=True)}"
    return text


def _address_text(household) -> str:
    parts = [_("House %(no)s") % {"no": household.house_no}]
    if household.moo:
        parts[0] += " " + _("Moo %(moo)s") % {"moo": household.moo}
    parts += [part for part in (household.road, household.community) if part]
    return " · ".join(parts)


def _person_copy(person, household, last_visit: HomeVisit | None, names: dict[str, str]) -> dict:
    """What the offline visit form shows about one person (no national ID, not even masked)."""
    conditions = [names.get(code, code) for code in person.chronic_conditions or []]
    return {
        "name": person.full_name,
        "facts": f"{person.get_sex_display()} · " + _("%(age)s years") % {"age": person.age},
        "address": _address_text(household),
        "chips_html": render_to_string("smarthealth/visit_chips.html", {"p": person}),
        "conditions": f"{_('Chronic conditions')}: {', '.join(conditions)}" if conditions else "",
        "visit_dates": _visit_dates_text(person),
        "last_visit": _last_visit_text(last_visit),
        "bedbound": person.current_adl_group == AdlGroup.BEDBOUND,
    }


@never_cache
@permission_or_403(ADD_VISIT)
@require_GET
def offline_copy(request):
    """The volunteer's households for the phone: only the households assigned to the signed-in
    user (a nurse, who may see everyone, gets only those assigned to her too)."""
    user, today = request.user, timezone.localdate()
    households = list(households_by_need(user, today).filter(volunteer=user))
    rows = household_rows(user, households, today=today)
    members = [person for row in rows for person in row["members"]]
    latest = {visit.person_id: visit for visit in (
        HomeVisit.objects.filter(person__in=[p.pk for p in members]).select_related("adl")
        .order_by("person_id", "-visited_on", "-id").distinct("person_id"))}
    names = condition_names()
    cards = [render_to_string("smarthealth/_my_household.html", {
        "row": row, "offline": True}) for row in rows]
    persons = {str(p.public_id): _person_copy(p, p.household, latest.get(p.pk), names) for p in members}
    audit_log(request=request, user=user, action=AccessLog.Action.LIST, object_type="person",
              object_ref="offline_copy",
              detail={"households": len(rows), "count": len(members), **persons_shown(members)})
    now = timezone.now()
    return JsonResponse({
        "user": user.pk,
        "saved_at": now.isoformat(),
        "saved_at_text": thai_datetime(now, short=True),
        "households": cards,
        "persons": persons,
    })


# What both offline pages tell their scripts.
PAGE_CONTEXT = {"offline_shell": True, "max_photo_bytes": MAX_PHOTO_BYTES}


@never_cache
@permission_or_403(ADD_VISIT)
@require_GET
def offline_households_page(request):
    """The list without anyone in it: offline-households.js fills it from the phone's copy."""
    return render(request, "smarthealth/my_households.html", {
        **PAGE_CONTEXT, "rows": [], "total_households": 0,
    })


@never_cache
@permission_or_403(ADD_VISIT)
@require_GET
def offline_visit_page(request):
    """The visit form without a person: visit-form.js fills the person in from the phone's copy
    (the service worker serves this page at the person's own visit-form address)."""
    form = VisitForm()
    return render(request, "smarthealth/visit_form.html", {
        **PAGE_CONTEXT, "form": form, "is_living": True, "adl_errors": [], "adl_open": False,
        "adl_script": adl_script_data(), "bedbound": False,
        "gap_normal": VisitForm.default_gap(False), "gap_bedbound": VisitForm.default_gap(True),
    })


# --- the phone's queue ------------------------------------------------------------------------
def outbox_answer(status: int, *, ok: bool, code: str, message: str, details: list[str] | None = None,
                  **extra) -> JsonResponse:
    """What a visit-sync endpoint answers the phone's outbox (offline-outbox.js reads `ok`,
    `code`, `message` and `details`): the volunteers' here, the caregivers' in ltc."""
    body = {"ok": ok, "code": code, "message": message, **({"details": details} if details else {}), **extra}
    return JsonResponse(body, status=status)


def _adl_labels() -> dict[str, str]:
    return dict.fromkeys(("adl_items", "items"), _("ADL items"))


def outbox_error_lines(form: forms.Form, exc: ValidationError | None = None, *,
                       labels: dict[str, str] | None = None) -> list[str]:
    """Each problem as "<field label>: <message>", for the phone to show next to the visit;
    `labels` names the fields a service refuses that the form does not have."""
    errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        errors.setdefault(field, []).extend(str(m) for m in messages)
    if exc is not None:
        by_field = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for field, messages in by_field.items():
            errors.setdefault(field, []).extend(str(m) for m in messages)
    lines = []
    for field, messages in errors.items():
        label = form.fields[field].label if field in form.fields else (labels or {}).get(field, "")
        lines += [f"{label}: {message}" if label else message for message in messages]
    return lines


@never_cache
@require_POST
def visit_sync(request):
    """One visit from the phone's queue (multipart: the visit form's fields, `person` = the
    person's public id, `idempotency_key`, optionally `photo`). Always JSON:
    200 {"ok": true, "key", "message"} (the same body when the key was sent before);
    400 the form's or the service's errors, 401 signed out, 403 no permission or the person is
    not (or no longer) in the volunteer's households, each with a message in her language."""
    user = request.user
    if not user.is_authenticated:
        return outbox_answer(401, ok=False, code="signed_out", message=_(
            "You are signed out. Sign in again, then send the visits waiting on this phone."))
    if not user.has_perm(ADD_VISIT):
        audit_log(request=request, user=user, action=AccessLog.Action.CREATE, object_type="person",
                  object_ref=str(request.POST.get("person", ""))[:36], outcome=AccessLog.Outcome.DENIED,
                  detail={"reason": "no_permission", "via": "offline"})
        return outbox_answer(403, ok=False, code="no_permission",
                             message=_("You may not record home visits."))
    try:
        key = uuid.UUID(request.POST.get("idempotency_key", ""))
    except ValueError:
        return outbox_answer(400, ok=False, code="invalid", message=_(
            "This visit has no valid key. Record the visit again."))
    try:
        person = person_in_scope(user, request.POST.get("person", ""), action=AccessLog.Action.CREATE,
                                 request=request)
    except Http404:
        return outbox_answer(403, ok=False, code="out_of_scope", message=_(
            "This person is not in your households (the household may have been assigned to another "
            "volunteer), so the visit was not recorded. Tell the health office, then discard it."))
    form = VisitForm(request.POST, request.FILES, bedbound=person.current_adl_group == AdlGroup.BEDBOUND)
    refused = _("The server did not accept this visit. Discard it and record it again with the "
                "values corrected.")
    if not form.is_valid():
        return outbox_answer(400, ok=False, code="invalid", message=refused,
                             details=outbox_error_lines(form, labels=_adl_labels()))
    try:
        visit, created = visit_save(request, person, form, via="offline")
    except ValidationError as exc:
        return outbox_answer(400, ok=False, code="invalid", message=refused,
                             details=outbox_error_lines(form, exc, labels=_adl_labels()))
    response = outbox_answer(200, ok=True, code="saved", message=visit_saved_message(visit), key=str(key))
    if not created:
        response["Idempotent-Replayed"] = "true"
    return response
