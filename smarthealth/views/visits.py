"""Home visits, ADL assessments and NCD screenings: the village health volunteer's phone flow and
the nurse's overview of visits.

PDPA: persons come only from the selectors (which take the user and enforce the volunteer's
scope); every request that shows a person writes exactly one access-log row: a GET or a rejected
POST writes 'view', a saved POST writes 'create' (and no 'view'), a list writes 'list'. Every
response carries Cache-Control: no-store (never_cache).
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_or_403
from accounts.roles import Role
from kernel.national_id import normalise_national_id
from kernel.photos import MAX_PHOTO_BYTES, photo_response
from kernel.searches import search_load, search_store
from kernel.thaidate import thai_date

from .. import crypto
from ..audit import audit_log, denials_audited, persons_shown
from ..forms.visits import (
    ADL_GROUP_LABELS,
    AdlForm,
    ScreeningForm,
    VisitFilterForm,
    VisitForm,
    apply_service_errors,
)
from ..models import AccessLog, HomeVisit, Person
from ..rules import (
    ADL_MAX,
    ADL_MIN,
    NEED_LEVELS,
    AdlGroup,
    NcdColour,
    Need,
    adl_group,
)
from ..selectors import (
    community_choices_for,
    condition_names,
    household_need_levels,
    households_for,
    person_get,
    person_in_scope,
    persons_for,
    with_visit_dates,
)
from ..services import adl_assess, home_visit_record, home_visit_sync, ncd_screen

VIEW_VISITS = "smarthealth.view_homevisit"
ADD_VISIT = "smarthealth.add_homevisit"
ADD_ADL = "smarthealth.add_adlassessment"
ADD_SCREENING = "smarthealth.add_ncdscreening"
HOUSEHOLDS_PER_PAGE = 20
ROWS_PER_PAGE = 50
LIVING = Person.Status.LIVING
SEARCH_SCOPE = "smarthealth:my-households"


# --- reads (all built on the selectors' access-checked querysets) ------------------------------
def _audit_person(request, person, action, **detail):
    audit_log(request=request, user=request.user, action=action, object_type="person",
              object_ref=str(person.public_id), detail=detail or None)


def _urgency(person, today: dt.date) -> tuple[int, list[str]]:
    """Lower is more urgent; with the reasons shown as badges on the volunteer's list."""
    reasons = []
    if person.current_adl_group == AdlGroup.BEDBOUND:
        reasons.append("bedbound")
    elif person.current_adl_group == AdlGroup.HOMEBOUND:
        reasons.append("homebound")
    if person.next_visit_due and person.next_visit_due < today:
        reasons.append("overdue")
    if person.current_ncd_colour in (NcdColour.RED, NcdColour.BLACK, NcdColour.ORANGE):
        reasons.append("ncd")
    order = ("bedbound", "homebound", "overdue", "ncd")
    rank = min((order.index(r) for r in reasons), default=len(order))
    return rank, reasons


def _labelled(person):
    """Attach the short labels of the person's current ADL group and NCD colour (for chips)."""
    group, colour = person.current_adl_group, person.current_ncd_colour
    person.adl_label = ADL_GROUP_LABELS.get(group, "") if group else ""
    person.ncd_label = NcdColour(colour).label if colour in NcdColour.values else ""
    return person


def _person_context(person) -> dict:
    names = condition_names()
    return {
        "person": _labelled(person),
        "conditions": [names.get(code, code) for code in person.chronic_conditions or []],
        "recent_visits": list(person.visits.select_related("adl")[:3]),
        "adl_group_labels": ADL_GROUP_LABELS,
        "is_living": person.status == LIVING,
        # The summary links to the other record pages (and not to the one it is shown on).
        "record_urls": {key: reverse(name, args=[person.public_id]) for key, name in (
            ("visit", "smarthealth:visit-create"), ("adl", "smarthealth:adl-create"),
            ("screening", "smarthealth:screening-create"))},
    }


def adl_script_data() -> dict:
    """What visit-form.js needs to show the live ADL total: the group label of each total."""
    scores = range(ADL_MIN, ADL_MAX + 1)
    return {
        "groups": {str(score): str(ADL_GROUP_LABELS[adl_group(score)]) for score in scores},
        "bedbound": [score for score in scores if adl_group(score) == AdlGroup.BEDBOUND],
    }


# --- the list -----------------------------------------------------------------------------------
@never_cache
@permission_or_403(VIEW_VISITS)
@require_http_methods(["GET", "POST"])
def visit_list(request):
    """Volunteers: their assigned households, the most urgent first. Nurses and administrators:
    recent visits with filters, and the persons whose next visit is overdue."""
    if request.user.role == Role.VOLUNTEER:
        if request.method == "POST":
            return _my_households_search(request)
        return _my_households(request)
    if request.method == "POST":
        return redirect("smarthealth:visit-list")
    return _staff_visits(request)


def _my_households_search(request):
    """The volunteer's search box posts here: the name or national ID is kept in the session
    (kernel.searches) and the list comes back at `?s=<random key>`, so neither the typed text
    nor the ID ever reaches a URL, a server log or the phone's history. A national ID is kept
    only as its keyed hash, a name as typed (the box shows it again)."""
    text = request.POST.get("q", "").strip()[:100]
    if not text:
        return redirect("smarthealth:visit-list")
    try:
        query = {"cid_hash": crypto.cid_hash(normalise_national_id(text))}
    except ValidationError:
        query = {"q": text}
    key = search_store(request, scope=SEARCH_SCOPE, query=query)
    return redirect(f"{reverse('smarthealth:visit-list')}?{urlencode({'s': key})}")


def households_by_need(user, today: dt.date):
    """The user's households, the most urgent first: someone bedbound or homebound, then a
    visit overdue, then NCD red or orange (also the order of the copy kept on the phone)."""
    overdue = with_visit_dates(persons_for(user, filters={"status": LIVING})).filter(
        household=OuterRef("pk"), next_visit_due__lt=today)
    homebound_level = NEED_LEVELS[Need.HOMEBOUND]
    return household_need_levels(households_for(user)).annotate(
        has_overdue=Exists(overdue),
    ).annotate(tier=Case(
        When(need_level__gte=homebound_level, then=Value(0)),
        When(has_overdue=True, then=Value(1)),
        When(need_level__gte=NEED_LEVELS[Need.NCD_ORANGE], then=Value(2)),
        default=Value(3), output_field=IntegerField(),
    )).order_by("tier", "-need_level", "community", "moo", "house_no", "pk")


def household_rows(user, households: list, *, today: dt.date) -> list[dict]:
    """Each household with its living members, the most urgent first (badges and reasons set)."""
    members = with_visit_dates(persons_for(user, filters={"status": LIVING})).filter(
        household__in=[h.pk for h in households])
    by_household: dict[int, list] = {}
    for person in members:
        person.urgency, person.reasons = _urgency(_labelled(person), today)
        by_household.setdefault(person.household_id, []).append(person)
    rows = []
    for household in households:
        people = sorted(by_household.get(household.pk, []),
                        key=lambda p: (p.urgency, p.first_name, p.last_name))
        rows.append({"household": household, "members": people,
                     "needs_visit": any(p.urgency < 4 for p in people)})
    return rows


def _my_households(request):
    user, today = request.user, timezone.localdate()
    key = request.GET.get("s", "")
    # An unknown or expired key (an old bookmark, another session's link) shows everyone.
    saved = search_load(request, scope=SEARCH_SCOPE, key=key) or {}
    query = {name: saved[name] for name in ("q", "cid_hash") if saved.get(name)}
    key = key if query else ""
    living = {"status": LIVING}
    households = households_by_need(user, today)
    search = str(query.get("q", ""))[:100]
    if query:
        # A name or a national ID (as its hash): the households where someone living matches.
        matching = persons_for(user, filters={**living, **query}).values("household_id")
        households = households.filter(pk__in=matching)
    page = Paginator(households, HOUSEHOLDS_PER_PAGE).get_page(request.GET.get("page"))
    rows = household_rows(user, list(page), today=today)

    shown = [person for r in rows for person in r["members"]]
    audit_log(request=request, user=user, action=AccessLog.Action.LIST, object_type="person",
              object_ref="my_households",
              detail={"page": page.number, "search": ("cid" if "cid_hash" in query else "name") if query
                      else False, "households": len(rows), "count": len(shown), **persons_shown(shown)})
    return render(request, "smarthealth/my_households.html", {
        "page": page, "rows": rows, "today": today, "total_households": page.paginator.count,
        "search": search, "searching": bool(query), "search_kind": "cid" if "cid_hash" in query else "name",
        # Page links carry the opaque key, never the query.
        "page_query": urlencode({"s": key}) if key else "",
        "can_adl": user.has_perm(ADD_ADL),
    })


def _staff_visits(request):
    user, today = request.user, timezone.localdate()
    tab = "overdue" if request.GET.get("tab") == "overdue" else "recent"
    form = VisitFilterForm(request.GET, communities=community_choices_for(user))
    values = form.values()
    visitor, community = values.get("volunteer"), values.get("community")
    date_from, date_to = values.get("date_from"), values.get("date_to")

    if tab == "recent":
        rows = (HomeVisit.objects.filter(person__in=persons_for(user).values("pk"))
                .select_related("person", "person__household", "visitor", "adl")
                .order_by("-visited_on", "-id"))
        if visitor:
            rows = rows.filter(visitor=visitor)
        if community:
            rows = rows.filter(person__household__community=community)
        if date_from:
            rows = rows.filter(visited_on__gte=date_from)
        if date_to:
            rows = rows.filter(visited_on__lte=date_to)
    else:
        rows = (with_visit_dates(persons_for(user, filters={"status": LIVING, "community": community}))
                .filter(next_visit_due__lt=today).select_related("household__volunteer")
                .order_by("next_visit_due", "pk"))
        if visitor:
            rows = rows.filter(household__volunteer=visitor)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    if tab == "overdue":
        for person in page:
            _labelled(person)

    query = {k: v for k, v in request.GET.items() if k in form.fields and v and k not in form.errors}
    if tab == "overdue":
        query["tab"] = "overdue"
    detail = {"tab": tab, "page": page.number, "rows": len(page.object_list),
              "filters": {k: v for k, v in query.items() if k != "tab"},
              **persons_shown([v.person for v in page] if tab == "recent" else page)}
    audit_log(request=request, user=user, action=AccessLog.Action.LIST, object_type="home_visit",
              object_ref=f"visits_{tab}", detail=detail)
    return render(request, "smarthealth/visit_list.html", {
        "tab": tab, "filter_form": form, "page": page, "page_query": urlencode(query),
        "filter_query": urlencode({k: v for k, v in query.items() if k != "tab"}),
        "today": today,
    })


# --- the forms ----------------------------------------------------------------------------------
def _person_for_form(request, public_id):
    """GET: the audited read (one 'view' row). POST: the same scope, audited by the outcome.
    Out of scope: 404, with a DENIED row either way."""
    if request.method == "POST":
        return person_in_scope(request.user, public_id, action=AccessLog.Action.CREATE, request=request)
    return person_get(request.user, public_id, request=request)


def visit_save(request, person, form: VisitForm, *, via: str | None = None) -> tuple[HomeVisit, bool]:
    """Record the visit of a valid form (the page's or the phone's queue) → (visit, created).
    With the form's idempotency key a visit sent again is found, not recorded twice
    (services.home_visit_sync); only a visit recorded now writes its 'create' row."""
    kwargs = form.service_kwargs()
    key = kwargs.pop("idempotency_key")
    if key is None:
        visit, created = home_visit_record(person=person, user=request.user, **kwargs), True
    else:
        visit, created = home_visit_sync(person=person, user=request.user, idempotency_key=key, **kwargs)
    if created:
        _audit_person(request, person, AccessLog.Action.CREATE, record="home_visit",
                      **({"via": via} if via else {}))
    return visit, created


@never_cache
@denials_audited(object_type="person", ref_kwarg="public_id")
@permission_or_403(ADD_VISIT)
@require_http_methods(["GET", "POST"])
def visit_create(request, public_id):
    person = _person_for_form(request, public_id)
    bedbound = person.current_adl_group == AdlGroup.BEDBOUND
    adl_errors: list[str] = []
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, bedbound=bedbound)
        if form.is_valid():
            try:
                visit, _created = visit_save(request, person, form)
            except ValidationError as exc:
                adl_errors = apply_service_errors(form, exc)
            else:
                messages.success(request, visit_saved_message(visit))
                return redirect("smarthealth:visit-list")
        _audit_person(request, person, AccessLog.Action.VIEW)
    else:
        form = VisitForm(bedbound=bedbound)
    return render(request, "smarthealth/visit_form.html", {
        **_person_context(person), "form": form, "adl_errors": adl_errors,
        "adl_open": form.is_bound and form.adl_answered() or bool(adl_errors),
        "adl_script": adl_script_data(), "bedbound": bedbound,
        "gap_normal": VisitForm.default_gap(False), "gap_bedbound": VisitForm.default_gap(True),
        "max_photo_bytes": MAX_PHOTO_BYTES,
    })


def visit_saved_message(visit: HomeVisit) -> str:
    """No name in the message: messages may travel in a cookie."""
    parts = [_("Home visit saved.")]
    if visit.sbp is not None:
        parts.append(_("BP %(sbp)s/%(dbp)s mmHg.") % {"sbp": visit.sbp, "dbp": visit.dbp})
    if visit.fbs is not None:
        parts.append(_("Fasting blood sugar %(fbs)s mg/dL.") % {"fbs": visit.fbs})
    if visit.adl is not None:
        parts.append(_("ADL %(score)s/20: %(group)s.") % {
            "score": visit.adl.score, "group": ADL_GROUP_LABELS[visit.adl.group]})
    if visit.next_visit_due:
        parts.append(_("Next visit: %(date)s.") % {"date": thai_date(visit.next_visit_due)})
    return " ".join(str(p) for p in parts)


def _saved_on(request) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("saved", ""))
    except ValueError:
        return None


def _record_form(request, person, *, form_class, service, record: str, url_name: str, date_field: str,
                 saved_in):
    """The ADL and screening pages: a saved POST writes 'create' and comes back with ?saved=<date>,
    which shows that day's record from `saved_in` on the GET.
    Returns (redirect or None, form, the record saved on that day or None, ADL item errors)."""
    errors: list[str] = []
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                obj = service(person=person, user=request.user, **form.service_kwargs())
            except ValidationError as exc:
                errors = apply_service_errors(form, exc)
            else:
                _audit_person(request, person, AccessLog.Action.CREATE, record=record)
                url = reverse(url_name, args=[person.public_id])
                return redirect(f"{url}?saved={getattr(obj, date_field).isoformat()}"), form, None, errors
        _audit_person(request, person, AccessLog.Action.VIEW)
        return None, form, None, errors
    saved_on = _saved_on(request)
    saved = saved_in.filter(**{date_field: saved_on}).first() if saved_on else None
    return None, form_class(), saved, errors


@never_cache
@denials_audited(object_type="person", ref_kwarg="public_id")
@permission_or_403(ADD_ADL)
@require_http_methods(["GET", "POST"])
def adl_create(request, public_id):
    person = _person_for_form(request, public_id)
    done, form, saved, adl_errors = _record_form(
        request, person, form_class=AdlForm, service=adl_assess, record="adl_assessment",
        url_name="smarthealth:adl-create", date_field="assessed_on", saved_in=person.adl_assessments,
    )
    if done:
        return done
    return render(request, "smarthealth/adl_form.html", {
        **_person_context(person), "form": form, "adl_errors": adl_errors, "saved": saved,
        "adl_script": adl_script_data(),
    })


@never_cache
@denials_audited(object_type="person", ref_kwarg="public_id")
@permission_or_403(ADD_SCREENING)
@require_http_methods(["GET", "POST"])
def screening_create(request, public_id):
    person = _person_for_form(request, public_id)
    done, form, saved, _errors = _record_form(
        request, person, form_class=ScreeningForm, service=ncd_screen, record="ncd_screening",
        url_name="smarthealth:screening-create", date_field="screened_on", saved_in=person.screenings,
    )
    if done:
        return done
    return render(request, "smarthealth/screening_form.html", {
        **_person_context(person), "form": form, "saved": saved,
        "recent_screenings": list(person.screenings.all()[:3]),
    })


@never_cache
@denials_audited(object_type="person", ref_kwarg="public_id")
@permission_or_403(VIEW_VISITS)
@require_http_methods(["GET"])
def visit_photo(request, public_id, pk):
    """The photo of one home visit of a person the user may see; one 'view' row."""
    person = person_in_scope(request.user, public_id, action=AccessLog.Action.VIEW, request=request)
    visit = person.visits.filter(pk=pk).exclude(photo="").exclude(photo__isnull=True).first()
    if visit is None:
        raise Http404
    _audit_person(request, person, AccessLog.Action.VIEW, record="home_visit_photo", visit=visit.pk)
    return photo_response(visit.photo, download_name=f"visit-{visit.pk}", cache_control="no-store")
