"""Registry pages: persons and households (namespace `smarthealth`).

PDPA rules these views keep (issue 4):
- personal data is read only through smarthealth.selectors, which apply the role and the
  volunteer's scope; writes go through smarthealth.services;
- every page that shows personal data writes exactly one access-log row (selectors.person_get
  writes the 'view' row of a person page, the lists write one 'list' row each);
- no national ID or name ever travels in a URL: persons are addressed by public_id and the
  search box posts;
- every response is `Cache-Control: no-store` (never_cache), so a shared computer's browser
  cache keeps nothing.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors
from kernel.national_id import format_national_id, normalise_national_id

from ..audit import audit_log, denials_audited, persons_shown
from ..forms.registry import (
    PREFIX_SUGGESTIONS,
    HouseholdFilterForm,
    HouseholdForm,
    PersonFilterForm,
    PersonForm,
    active_volunteers,
)
from ..models import AccessLog, Person
from ..rules import AdlGroup, NcdColour, Need
from ..selectors import (
    community_choices_for,
    condition_names,
    household_in_scope,
    household_need_levels,
    households_for,
    person_get,
    person_in_scope,
    persons_for,
)
from ..services import (
    household_create,
    household_update,
    person_cid_reveal,
    person_create,
    person_update,
)

PAGE_SIZE = 50
# Links to the care forms of the visits pages: (key, URL name, permission). A link is shown only
# when its URL exists and the user may use it.
CARE_LINKS = (
    ("adl", "smarthealth:adl-create", "smarthealth.add_adlassessment"),
    ("screening", "smarthealth:screening-create", "smarthealth.add_ncdscreening"),
    ("visit", "smarthealth:visit-create", "smarthealth.add_homevisit"),
)
# Service error keys that a form shows under another field.
_PERSON_ERROR_FIELDS = {"household": "house_id"}
_HOUSEHOLD_ERROR_FIELDS = {"location": "lat"}


# --- helpers ----------------------------------------------------------------------------------
def _save_with(request, form, save, mapping: dict) -> tuple[bool, object]:
    """A valid POSTed form goes to `save(data)` (a service call): (True, its result), or
    (False, None) with the service's errors on the form."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, save(form.service_data())
    except ValidationError as error:
        form_add_service_errors(form, error, aliases=mapping)
        return False, None


def _is_cid(text: str | None) -> bool:
    try:
        normalise_national_id(text)
    except ValidationError:
        return False
    return True


def _places(user, households) -> tuple[list[str], list[int]]:
    """Filter choices: the register's communities (community_choices_for: never the households'
    typed names) and the moos of the households a user sees."""
    moos = (households.exclude(moo=None).order_by("moo").values_list("moo", flat=True).distinct())
    return community_choices_for(user), list(moos)


def _decorate(persons, conditions: dict[str, str]) -> list[Person]:
    """Labels the list templates show: condition names and the current ADL group / NCD colour."""
    adl, ncd = dict(AdlGroup.choices), dict(NcdColour.choices)
    persons = list(persons)
    for person in persons:
        person.condition_badges = [(c, conditions.get(c, c)) for c in person.chronic_conditions or []]
        person.adl_label = adl.get(person.current_adl_group, "")
        person.ncd_label = ncd.get(person.current_ncd_colour, "")
    return persons


def _care_links(user, person: Person) -> dict[str, str]:
    links = {}
    for key, url_name, permission in CARE_LINKS:
        if user.has_perm(permission):
            links[key] = reverse(url_name, kwargs={"public_id": person.public_id})
    return links


def _map_settings(request, location=None, *, readonly=False) -> dict:
    """What registry-household-map.js needs: where to centre and whether the pin moves."""
    centre = request.tenant.centre if getattr(request, "tenant", None) else None
    point = location or centre
    return {
        "centre": [point.y, point.x] if point else [13.0, 101.0],
        "zoom": 17 if location else (14 if centre else 6),
        "readonly": readonly,
        "hasPoint": location is not None,
    }


# --- persons ----------------------------------------------------------------------------------
@never_cache
@permission_or_403("smarthealth.view_person")
@require_http_methods(["GET", "POST"])
def person_list(request):
    user = request.user
    communities, moos = _places(user, households_for(user))
    if request.method == "POST":
        data = request.POST.copy()
    else:
        # Links may carry filters (?household=…&status=…), never a search: a name or an ID in a
        # URL ends up in logs and browser history, so a GET search is ignored.
        data = request.GET.copy()
        data.pop("q", None)
    form = PersonFilterForm(data, communities=communities, moos=moos)
    filters = form.filters()
    search = filters.get("q")
    search_kind = ("cid" if _is_cid(search) else "name") if search else None
    if search_kind == "cid":
        # The ID is used for the keyed-hash lookup and then forgotten: never echoed back.
        data["q"] = ""
        form = PersonFilterForm(data, communities=communities, moos=moos)
        form.is_valid()

    persons = persons_for(user, filters=filters)
    page = Paginator(persons, PAGE_SIZE).get_page(data.get("page"))
    conditions = condition_names()
    page.object_list = _decorate(page.object_list, conditions)
    audit_log(
        request=request, user=user, action=AccessLog.Action.LIST, object_type="person_list",
        object_ref="registry",
        detail={"filters": {k: v for k, v in filters.items() if k != "q"}, "search": search_kind,
                "count": page.paginator.count, "page": page.number, **persons_shown(page.object_list)},
    )
    context = {
        "form": form, "page": page, "search_kind": search_kind,
        "can_add": user.has_perm("smarthealth.add_person"),
    }
    if request.htmx:
        return render(request, "smarthealth/_person_results.html", context)
    return render(request, "smarthealth/person_list.html", context)


@never_cache
@denials_audited(object_type="person", ref_kwarg="public_id")
@permission_or_403("smarthealth.view_person")
def person_detail(request, public_id: uuid.UUID):
    user = request.user
    person = person_get(user, public_id, request=request)
    visits = list(person.visits.select_related("visitor", "adl")[:20])
    today = timezone.localdate()
    next_due = next((v.next_visit_due for v in visits if v.next_visit_due), None)
    conditions = condition_names()
    return render(request, "smarthealth/person_detail.html", {
        "person": person,
        "conditions": [(code, conditions.get(code, code)) for code in person.chronic_conditions or []],
        "adl_history": list(person.adl_assessments.select_related("assessed_by")[:20]),
        "screenings": list(person.screenings.select_related("screened_by")[:20]),
        "visits": visits,
        "last_visit": visits[0] if visits else None,
        "next_due": next_due,
        "overdue": next_due is not None and next_due < today,
        "care_links": _care_links(user, person),
        "can_reveal": user.has_perm("smarthealth.reveal_cid"),
        "can_edit": user.has_perm("smarthealth.change_person"),
        "can_see_household": user.has_perm("smarthealth.view_household"),
    })


@never_cache
@denials_audited(object_type="person", ref_kwarg="public_id", action=AccessLog.Action.REVEAL_CID)
@permission_or_403("smarthealth.reveal_cid")
@require_POST
def person_reveal_cid(request, public_id: uuid.UUID):
    """The full national ID, on an explicit request (one 'reveal_cid' row per reveal)."""
    person = person_in_scope(request.user, public_id, action=AccessLog.Action.REVEAL_CID, request=request)
    revealed = person_cid_reveal(person=person, user=request.user, request=request)
    cid = format_national_id(revealed) if person.has_cid else revealed  # else a passport number
    template = "smarthealth/_person_cid.html" if request.htmx else "smarthealth/person_cid.html"
    return render(request, template, {"person": person, "cid": cid})


def _person_form_page(request, form, *, person=None):
    status = 400 if request.method == "POST" else 200
    return render(request, "smarthealth/person_form.html", {
        "form": form, "person": person, "prefixes": PREFIX_SUGGESTIONS,
    }, status=status)


@never_cache
@permission_or_403("smarthealth.add_person")
@require_http_methods(["GET", "POST"])
def person_create_view(request):
    initial = {}
    household_pk = request.GET.get("household", "")
    if household_pk.isdigit():
        household = households_for(request.user).filter(pk=int(household_pk)).first()
        if household is not None:
            initial["house_id"] = household.house_id or ""
            initial["household"] = None if household.house_id else household.pk
    form = PersonForm(request.POST or None, initial=initial, households=households_for(request.user))
    saved, person = _save_with(request, form, lambda data: person_create(
        user=request.user, data=data, request=request), _PERSON_ERROR_FIELDS)
    if saved:
        messages.success(request, _("The person was registered."))
        return redirect("smarthealth:person-detail", public_id=person.public_id)
    return _person_form_page(request, form)


@never_cache
@denials_audited(object_type="person", ref_kwarg="public_id", action=AccessLog.Action.UPDATE)
@permission_or_403("smarthealth.change_person")
@require_http_methods(["GET", "POST"])
def person_update_view(request, public_id: uuid.UUID):
    user = request.user
    if request.method == "GET":
        # The form shows the person's data: a 'view' like the detail page.
        person = person_get(user, public_id, request=request)
        return _person_form_page(request, PersonForm(person=person), person=person)
    person = person_in_scope(user, public_id, action=AccessLog.Action.UPDATE, request=request)
    form = PersonForm(request.POST, person=person, households=households_for(user))
    saved, _result = _save_with(request, form, lambda data: person_update(
        person=person, user=user, data=data, request=request), _PERSON_ERROR_FIELDS)
    if saved:
        messages.success(request, _("The changes were saved."))
        return redirect("smarthealth:person-detail", public_id=person.public_id)
    # A failed update may have changed the in-memory object; show the stored one.
    person.refresh_from_db()
    return _person_form_page(request, form, person=person)


# --- households -------------------------------------------------------------------------------
def _household_queryset(user, filters: dict):
    households = households_for(user)
    if q := filters.get("q", "").strip():
        households = households.filter(Q(house_id__startswith=q) | Q(house_no__iexact=q) | Q(hid=q))
    if community := filters.get("community"):
        households = households.filter(community=community)
    if moo := filters.get("moo"):
        households = households.filter(moo=int(moo))
    if volunteer := filters.get("volunteer"):
        households = (households.filter(volunteer=None) if volunteer == "none"
                      else households.filter(volunteer_id=int(volunteer)))
    if located := filters.get("located"):
        households = households.filter(location__isnull=located == "no")
    return households.annotate(
        living=Count("members", filter=Q(members__status=Person.Status.LIVING)),
    ).order_by("community", "moo", "house_id")


@never_cache
@permission_or_403("smarthealth.view_household")
def household_list(request):
    user = request.user
    visible = households_for(user)
    communities, moos = _places(user, visible)
    volunteers = ()
    if user.has_perm("smarthealth.change_household"):
        volunteers = list(active_volunteers())
    form = HouseholdFilterForm(request.GET, communities=communities, moos=moos, volunteers=volunteers)
    filters = form.filters()
    page = Paginator(household_need_levels(_household_queryset(user, filters)), PAGE_SIZE).get_page(
        request.GET.get("page"))
    needs = dict(Need.choices)
    page.object_list = list(page.object_list)
    for household in page.object_list:
        household.need_label = needs.get(household.need, "")
    audit_log(request=request, user=user, action=AccessLog.Action.LIST, object_type="household_list",
              object_ref="registry",
              detail={"filters": filters, "count": page.paginator.count, "page": page.number,
                      "households": [h.pk for h in page.object_list]})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "smarthealth/household_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        # Houses registered without coordinates (often so in the health centre's HOME file).
        "unlocated": visible.filter(location__isnull=True).count(),
        "can_add": user.has_perm("smarthealth.add_household"),
    })


@never_cache
@denials_audited(object_type="household", ref_kwarg="pk")
@permission_or_403("smarthealth.view_household")
def household_detail(request, pk: int):
    user = request.user
    household_in_scope(user, pk, action=AccessLog.Action.VIEW, request=request)  # 404 + DENIED row
    household = household_need_levels(households_for(user).filter(pk=pk)).first()
    if household is None:  # removed in between
        raise Http404
    conditions = condition_names()
    members = _decorate(persons_for(user, filters={"household": household.pk}).order_by(
        "status", "birth_date"), conditions) if user.has_perm("smarthealth.view_person") else []
    # Who the health centre's HOME row names (its PIDs): the อสม. and the householder, when the
    # user may see them.
    named = {}
    if user.has_perm("smarthealth.view_person") and household.hospcode:
        for role, pid in (("file_volunteer", household.volunteer_pid), ("householder", household.head_pid)):
            if pid:
                named[role] = persons_for(user).filter(hospcode=household.hospcode, pid=pid).first()
    shown = [*members, *(p for p in named.values() if p is not None and p not in members)]
    audit_log(request=request, user=user, action=AccessLog.Action.LIST, object_type="household",
              object_ref=str(household.pk), detail={"members": len(members), **persons_shown(shown)})
    return render(request, "smarthealth/household_detail.html", {
        "household": household, "members": members, **named,
        "need_label": dict(Need.choices).get(household.need, ""),
        "map_settings": _map_settings(request, household.location, readonly=True),
        "can_edit": user.has_perm("smarthealth.change_household"),
        "can_add_person": user.has_perm("smarthealth.add_person"),
    })


def _household_form_page(request, form, *, household=None):
    communities, _moos = _places(request.user, households_for(request.user))
    location = household.location if household else None
    status = 400 if request.method == "POST" else 200
    return render(request, "smarthealth/household_form.html", {
        "form": form, "household": household, "communities": communities,
        "map_settings": _map_settings(request, location),
    }, status=status)


@never_cache
@permission_or_403("smarthealth.add_household")
@require_http_methods(["GET", "POST"])
def household_create_view(request):
    initial = {"subdistrict_code": getattr(request.tenant, "subdistrict_code", "") or ""}
    form = HouseholdForm(request.POST or None, initial=initial)
    saved, household = _save_with(request, form, lambda data: household_create(
        user=request.user, data=data, request=request), _HOUSEHOLD_ERROR_FIELDS)
    if saved:
        messages.success(request, _("The household was added."))
        return redirect("smarthealth:household-detail", pk=household.pk)
    return _household_form_page(request, form)


@never_cache
@denials_audited(object_type="household", ref_kwarg="pk", action=AccessLog.Action.UPDATE)
@permission_or_403("smarthealth.change_household")
@require_http_methods(["GET", "POST"])
def household_update_view(request, pk: int):
    household = household_in_scope(request.user, pk, action=AccessLog.Action.UPDATE, request=request)
    form = HouseholdForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            household_update(household=household, user=request.user, data=form.service_data(),
                             request=request)
        except ValidationError as error:
            form_add_service_errors(form, error, aliases=_HOUSEHOLD_ERROR_FIELDS)
            household.refresh_from_db()
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("smarthealth:household-detail", pk=household.pk)
    return _household_form_page(request, form, household=household)
