"""Care lists: elderly by ADL group, bedridden with overdue visits, uncontrolled DM/HT, disabled.

Personal data, so every page comes through `selectors.persons_for(user)` (volunteers get only
their assigned households), carries `Cache-Control: no-store`, and writes exactly one audit row:
'list' for the page (or its htmx refresh), 'print' for the print view, 'export' for a download.
The audit rows hold the list name, the filters, the row count and the public ids of the persons
shown (the page, the print-out, the exported rows up to audit.PERSONS_SHOWN_LIMIT) — never a name
or a national ID.
"""

import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts.decorators import permission_or_403
from kernel.exports import in_language, spreadsheet_response
from kernel.thaidate import BE_OFFSET, export_date

from ..audit import PERSONS_SHOWN_LIMIT, audit_log, persons_shown
from ..forms.care import CARE_LISTS, CareFilterForm, CareList
from ..imports import chronic_labels
from ..models import AccessLog, Person
from ..rules import AdlGroup, Disability, NcdColour
from ..selectors import UNCONTROLLED, care_counts, care_queryset

PAGE_SIZE = 50
# A print-out beyond this many rows is better served by the export; the page says so.
PRINT_LIMIT = 1000


def _care_list(kind: str) -> CareList:
    try:
        return CARE_LISTS[kind]
    except KeyError as exc:
        raise Http404 from exc


# --- helpers ----------------------------------------------------------------------------------
def person_url(public_id) -> str:
    return reverse("smarthealth:person-detail", kwargs={"public_id": public_id})


def _rows(people, today: dt.date):
    adl_labels, ncd_labels = dict(AdlGroup.choices), dict(NcdColour.choices)
    for person in people:
        person.detail_url = person_url(person.public_id)
        person.age_years = person.age_on(today)
        person.current_adl_group_label = adl_labels.get(person.current_adl_group, "")
        person.current_ncd_colour_label = ncd_labels.get(person.current_ncd_colour, "")
        yield person


def _audit(request, action: str, spec: CareList, active: dict, count: int, **extra) -> None:
    audit_log(request=request, user=request.user, action=action, object_type="care_list",
              object_ref=spec.kind, detail={"filters": active, "count": count, **extra})


# --- pages ------------------------------------------------------------------------------------
@never_cache
@permission_or_403("smarthealth.view_person")
def care_lists(request):
    """The index: counts only (no personal data, so no audit row)."""
    counts = care_counts(request.user)
    cards = [
        {"spec": CARE_LISTS["elderly"], "count": counts["elderly"], "parts": [
            (label, counts[f"elderly_{value}"], f"adl_group={value}") for value, label in
            [*AdlGroup.choices, ("none", _("Not assessed"))]]},
        {"spec": CARE_LISTS["bedridden"], "count": counts["bedridden"], "parts": [
            (_("Overdue visits"), counts["bedridden_overdue"], "overdue=1")]},
        {"spec": CARE_LISTS["uncontrolled"], "count": counts["uncontrolled"], "parts": [
            (c.label, counts[f"uncontrolled_{c.value}"], f"colour={c.value}") for c in UNCONTROLLED]},
        {"spec": CARE_LISTS["disabled"], "count": counts["disabled"], "parts": []},
    ]
    return render(request, "smarthealth/care_lists.html", {
        "cards": cards,
        "can_export": request.user.has_perm("smarthealth.export_personal"),
    })


@never_cache
@permission_or_403("smarthealth.view_person")
def care_list(request, kind: str):
    spec = _care_list(kind)
    form = CareFilterForm(request.GET, spec=spec, user=request.user)
    today = timezone.localdate()
    printing = request.GET.get("print") == "1"
    context = {"spec": spec, "form": form, "today": today, "kinds": CARE_LISTS.values(),
               "can_export": request.user.has_perm("smarthealth.export_personal")}
    if not form.is_valid():
        # Nothing is listed (and so nothing audited) until the filters make sense.
        context.update(page=None, rows=[], total=0, query="")
        if request.htmx:  # htmx swaps only 2xx answers; the fragment shows the errors
            return render(request, "smarthealth/care_list_results.html", context)
        return render(request, "smarthealth/care_list.html", context, status=400)

    active = form.active()
    qs = care_queryset(request.user, kind, active, today=today)
    context["query"] = urlencode(active)
    if printing:
        total = qs.count()
        rows = list(_rows(qs[:PRINT_LIMIT], today))
        _audit(request, AccessLog.Action.PRINT, spec, active, total, printed=len(rows), **persons_shown(rows))
        context.update(rows=rows, total=total, truncated=total > len(rows), print_limit=PRINT_LIMIT,
                       printed_at=timezone.now(), filter_summary=form.summary())
        return render(request, "smarthealth/care_print.html", context)

    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(_rows(page.object_list, today))
    _audit(request, AccessLog.Action.LIST, spec, active, page.paginator.count, page=page.number,
           **persons_shown(rows))
    context.update(page=page, rows=rows, total=page.paginator.count)
    if not request.htmx:
        return render(request, "smarthealth/care_list.html", context)
    response = render(request, "smarthealth/care_list_results.html", context)
    # The address bar shows the filters in use, without the empty fields of the form.
    shown = {**active, **({"page": page.number} if page.number > 1 else {})}
    response["HX-Push-Url"] = f"{request.path}?{urlencode(shown)}" if shown else request.path
    return response


# --- exports ----------------------------------------------------------------------------------
EXPORT_COLUMNS = (
    _("National ID (masked)"), _("Prefix"), _("First name"), _("Last name"), _("Sex"),
    _("Birth date"), _("Age"), _("House ID"), _("House number"), _("Moo"), _("Community"),
    _("Phone"), _("Chronic conditions"), _("Disability"), _("ADL score"), _("ADL group"),
    _("ADL assessed on"), _("NCD colour"), _("Screened on"),
)
VISIT_COLUMNS = (_("Last visit"), _("Next visit due"), _("Overdue"))


def _export_rows(qs, *, kind: str, today: dt.date):
    """One list per person (a generator: run it through kernel.exports.in_language)."""
    adl_labels, ncd_labels = dict(AdlGroup.choices), dict(NcdColour.choices)
    sex_labels, disability_labels = dict(Person.Sex.choices), dict(Disability.choices)
    conditions = chronic_labels()  # เบาหวาน, not DM
    yes, no = str(_("Yes")), str(_("No"))
    for p in qs.iterator(chunk_size=2000):
        household = p.household
        row = [
            p.identity_masked, p.prefix, p.first_name, p.last_name, str(sex_labels.get(p.sex, p.sex)),
            export_date(p.birth_date), p.age_on(today),
            household.label if household else "", household.house_no if household else "",
            household.moo if household and household.moo is not None else "",
            household.community if household else "", p.phone,
            ", ".join(conditions.get(code, code) for code in p.chronic_conditions),
            str(disability_labels.get(p.disability, p.disability)),
            p.current_adl_score if p.current_adl_score is not None else "",
            str(adl_labels.get(p.current_adl_group, "")), export_date(p.current_adl_on),
            str(ncd_labels.get(p.current_ncd_colour, "")), export_date(p.current_ncd_on),
        ]
        if kind == "bedridden":
            row += [export_date(p.last_visit_on), export_date(p.next_visit_due),
                    yes if p.is_overdue else no]
        yield row


@never_cache
@permission_or_403("smarthealth.export_personal")
def care_export(request, kind: str, fmt: str):
    """CSV / XLSX of one care list with the list's filters. The national ID is masked: a full ID
    in a file that leaves the system would need an explicit, recorded justification."""
    spec = _care_list(kind)
    form = CareFilterForm(request.GET, spec=spec, user=request.user)
    if not form.is_valid():
        return render(request, "smarthealth/care_list.html",
                      {"spec": spec, "form": form, "page": None, "rows": [], "total": 0, "query": "",
                       "kinds": CARE_LISTS.values(), "can_export": True}, status=400)
    active = form.active()
    today = timezone.localdate()
    qs = care_queryset(request.user, kind, active, today=today)
    count = qs.count()
    # Whose data leaves in the file: the ids in the file's order, one more than the limit so
    # persons_shown can say the list was cut.
    exported = qs.values_list("public_id", flat=True)[:PERSONS_SHOWN_LIMIT + 1]
    _audit(request, AccessLog.Action.EXPORT, spec, active, count, format=fmt, **persons_shown(exported))

    header = [str(c) for c in EXPORT_COLUMNS + (VISIT_COLUMNS if kind == "bedridden" else ())]
    # Readable only: the national ID is masked, so a care list cannot go back through the persons
    # import (CONTRACT §5 keys persons by the full ID); the persons import is for the registry.
    response = spreadsheet_response(
        fmt=fmt, stem=f"care-{kind}-{today.year + BE_OFFSET}-{today.month:02d}-{today.day:02d}",
        header=header, rows=in_language(_export_rows(qs, kind=kind, today=today)),
        sheet_title=str(spec.title))
    response["Cache-Control"] = "no-store"
    return response
