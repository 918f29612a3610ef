"""Care lists: elderly by ADL group, bedridden with overdue visits, uncontrolled DM/HT, disabled.

Personal data, so every page comes through `selectors.persons_for(user)` (volunteers get only
their assigned households), carries `Cache-Control: no-store`, and writes exactly one audit row:
'list' for the page (or its htmx refresh), 'print' for the print view, 'export' for a download.
The audit rows hold the list name, the filters and the row count — never a name or an ID.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts.decorators import permission_or_403
from kernel.exports import csv_response, xlsx_response
from kernel.thaidate import BE_OFFSET

from ..audit import audit_log
from ..models import AccessLog, Person
from ..rules import (
    ELDERLY_FILTER,
    NCD_DIAGNOSES,
    NCD_SEVERITY,
    AdlGroup,
    Disability,
    NcdColour,
)
from ..selectors import care_flag_groups, households_for, persons_for, with_visit_dates

PAGE_SIZE = 50
# A print-out beyond this many rows is better served by the export; the page says so.
PRINT_LIMIT = 1000
# "No visit in 30 days" makes a bedridden person overdue even without a due date.
VISIT_INTERVAL_DAYS = 30
UNCONTROLLED = (NcdColour.YELLOW, NcdColour.ORANGE, NcdColour.RED)


@dataclass(frozen=True)
class CareList:
    kind: str
    title: str
    description: str
    filters: tuple[str, ...]  # the kind-specific filter fields of CareFilterForm


CARE_LISTS: dict[str, CareList] = {
    spec.kind: spec for spec in (
        CareList("elderly", _("Elderly (60+)"),
                 _("Living persons aged 60 and over, by their latest ADL group."), ("adl_group",)),
        CareList("bedridden", _("Bedridden"),
                 _("Bedbound by the latest ADL assessment, with the last home visit; overdue when "
                   "the next visit date has passed or there was no visit in 30 days."),
                 ("overdue",)),
        CareList("uncontrolled", _("Uncontrolled DM / HT"),
                 _("Diabetes or hypertension patients whose latest screening is yellow, orange or red."),
                 ("condition", "colour")),
        CareList("disabled", _("Persons with disabilities"),
                 _("Living persons with a registered disability, by type."), ("disability",)),
    )
}


def _care_list(kind: str) -> CareList:
    try:
        return CARE_LISTS[kind]
    except KeyError as exc:
        raise Http404 from exc


# --- filters ----------------------------------------------------------------------------------
class CareFilterForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"), required=False)
    moo = forms.IntegerField(label=_("Moo"), required=False, min_value=1, max_value=99,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    adl_group = forms.ChoiceField(
        label=_("ADL group"), required=False,
        choices=[("", _("All ADL groups")), *AdlGroup.choices, ("none", _("Not assessed"))],
    )
    overdue = forms.ChoiceField(
        label=_("Visits"), required=False,
        choices=[("", _("All")), ("1", _("Overdue visits only"))],
    )
    condition = forms.ChoiceField(
        label=_("Condition"), required=False,
        choices=[("", _("DM or HT")), ("DM", _("Diabetes (DM)")), ("HT", _("Hypertension (HT)"))],
    )
    colour = forms.ChoiceField(
        label=_("NCD colour"), required=False,
        choices=[("", _("Yellow, orange or red")),
                 *[(c.value, c.label) for c in UNCONTROLLED]],
    )
    disability = forms.ChoiceField(
        label=_("Disability type"), required=False,
        choices=[("", _("All types")), *[c for c in Disability.choices if c[0] != Disability.NONE]],
    )

    def __init__(self, data, *, spec: CareList, user):
        super().__init__(data)
        for name in ("adl_group", "overdue", "condition", "colour", "disability"):
            if name not in spec.filters:
                del self.fields[name]
        communities = (households_for(user).exclude(community="").order_by("community")
                       .values_list("community", flat=True).distinct())
        self.fields["community"].choices = [("", _("All communities")),
                                            *[(c, c) for c in communities]]

    def summary(self) -> list[tuple[str, str]]:
        """(label, shown value) of each filter in use, for the print header."""
        shown = []
        for name, value in self.active().items():
            field = self.fields[name]
            choices = dict(getattr(field, "choices", None) or [])
            shown.append((str(field.label), str(choices.get(value, value))))
        return shown

    def active(self) -> dict:
        """The filters in use, as strings (for the audit row and the page links)."""
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}


# --- queries ----------------------------------------------------------------------------------
def with_last_visit(qs, *, today: dt.date):
    """Annotate last_visit_on, next_visit_due (of the latest visit) and is_overdue."""
    qs = with_visit_dates(qs)
    cutoff = today - dt.timedelta(days=VISIT_INTERVAL_DAYS)
    return qs.annotate(is_overdue=Case(
        When(Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=cutoff) | Q(next_visit_due__lt=today),
             then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    ))


def _ncd_severity():
    return Case(*[When(current_ncd_colour=c, then=Value(NCD_SEVERITY[c])) for c in UNCONTROLLED],
                default=Value(0), output_field=IntegerField())


_BY_HOUSE = ("household__community", "household__moo", "household__house_no", "first_name",
             "last_name", "id")


def care_queryset(user, kind: str, active: dict, *, today: dt.date | None = None):
    """The persons on one care list with the given (validated) filters, access-checked."""
    today = today or timezone.localdate()
    base = {"status": Person.Status.LIVING, "community": active.get("community"),
            "moo": active.get("moo")}
    if kind == "elderly":
        qs = persons_for(user, filters={**base, "age_band": ELDERLY_FILTER,
                                        "adl_group": active.get("adl_group")})
        return qs.order_by(*_BY_HOUSE)
    if kind == "bedridden":
        qs = with_last_visit(persons_for(user, filters={**base, "adl_group": AdlGroup.BEDBOUND}),
                             today=today)
        if active.get("overdue"):
            qs = qs.filter(is_overdue=True)
        return qs.order_by("-is_overdue", "last_visit_on", *_BY_HOUSE)
    if kind == "uncontrolled":
        qs = persons_for(user, filters={**base, "condition": active.get("condition")})
        colours = [active["colour"]] if active.get("colour") else list(UNCONTROLLED)
        qs = qs.filter(chronic_conditions__overlap=sorted(NCD_DIAGNOSES), current_ncd_colour__in=colours)
        return qs.annotate(ncd_severity=_ncd_severity()).order_by("-ncd_severity", *_BY_HOUSE)
    if kind == "disabled":
        qs = persons_for(user, filters={**base, "disability": active.get("disability") or "any"})
        return qs.order_by("disability", *_BY_HOUSE)
    raise Http404


def care_counts(user, *, today: dt.date | None = None) -> dict:
    """Counts for the index page over the user's scope (one GROUP BY: `care_flag_groups`)."""
    today = today or timezone.localdate()
    groups = care_flag_groups(persons_for(user, filters={"status": Person.Status.LIVING}), today=today)
    counts = dict.fromkeys(
        ["elderly", "elderly_none", "bedridden", "uncontrolled", "disabled",
         *[f"elderly_{g.value}" for g in AdlGroup], *[f"uncontrolled_{c.value}" for c in UNCONTROLLED]],
        0,
    )
    for row in groups:
        n, adl, colour = row["n"], row["current_adl_group"], row["current_ncd_colour"]
        if row["is_elderly"]:
            counts["elderly"] += n
            counts[f"elderly_{adl or 'none'}"] += n
        if adl == AdlGroup.BEDBOUND:
            counts["bedridden"] += n
        if row["is_ncd_patient"] and colour in UNCONTROLLED:
            counts["uncontrolled"] += n
            counts[f"uncontrolled_{colour}"] += n
        if row["is_disabled"]:
            counts["disabled"] += n
    # The visit subqueries only for the (few) bedbound, not for everyone.
    counts["bedridden_overdue"] = care_queryset(user, "bedridden", {"overdue": "1"}, today=today).count()
    return counts


# --- helpers ----------------------------------------------------------------------------------
def person_url(public_id) -> str | None:
    """The person page (built by the registry part); None while it is not installed."""
    try:
        return reverse("smarthealth:person-detail", kwargs={"public_id": public_id})
    except NoReverseMatch:
        return None


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
        _audit(request, AccessLog.Action.PRINT, spec, active, total, printed=len(rows))
        context.update(rows=rows, total=total, truncated=total > len(rows), print_limit=PRINT_LIMIT,
                       printed_at=timezone.now(), filter_summary=form.summary())
        return render(request, "smarthealth/care_print.html", context)

    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(_rows(page.object_list, today))
    _audit(request, AccessLog.Action.LIST, spec, active, page.paginator.count, page=page.number)
    context.update(page=page, rows=rows, total=page.paginator.count)
    if not request.htmx:
        return render(request, "smarthealth/care_list.html", context)
    response = render(request, "smarthealth/care_list_results.html", context)
    # The address bar shows the filters in use, without the empty fields of the form.
    shown = {**active, **({"page": page.number} if page.number > 1 else {})}
    response["HX-Push-Url"] = f"{request.path}?{urlencode(shown)}" if shown else request.path
    return response


# --- exports ----------------------------------------------------------------------------------
def _date_text(value, thai: bool) -> str:
    if not value:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}" if thai else value.isoformat()


EXPORT_COLUMNS = (
    _("National ID (masked)"), _("Prefix"), _("First name"), _("Last name"), _("Sex"),
    _("Birth date"), _("Age"), _("House ID"), _("House number"), _("Moo"), _("Community"),
    _("Phone"), _("Chronic conditions"), _("Disability"), _("ADL score"), _("ADL group"),
    _("ADL assessed on"), _("NCD colour"), _("Screened on"),
)
VISIT_COLUMNS = (_("Last visit"), _("Next visit due"), _("Overdue"))


def _export_rows(qs, *, kind: str, today: dt.date, language: str):
    # Evaluated while the response streams, after the view returned: pin the language here.
    with translation.override(language):
        thai = language.startswith("th")
        adl_labels, ncd_labels = dict(AdlGroup.choices), dict(NcdColour.choices)
        sex_labels, disability_labels = dict(Person.Sex.choices), dict(Disability.choices)
        yes, no = str(_("Yes")), str(_("No"))
        for p in qs.iterator(chunk_size=2000):
            household = p.household
            row = [
                p.cid_masked, p.prefix, p.first_name, p.last_name, str(sex_labels.get(p.sex, p.sex)),
                _date_text(p.birth_date, thai), p.age_on(today),
                household.house_id if household else "", household.house_no if household else "",
                household.moo if household and household.moo is not None else "",
                household.community if household else "", p.phone, ", ".join(p.chronic_conditions),
                str(disability_labels.get(p.disability, p.disability)),
                p.current_adl_score if p.current_adl_score is not None else "",
                str(adl_labels.get(p.current_adl_group, "")), _date_text(p.current_adl_on, thai),
                str(ncd_labels.get(p.current_ncd_colour, "")), _date_text(p.current_ncd_on, thai),
            ]
            if kind == "bedridden":
                row += [_date_text(p.last_visit_on, thai), _date_text(p.next_visit_due, thai),
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
    _audit(request, AccessLog.Action.EXPORT, spec, active, count, format=fmt)

    language = translation.get_language() or "th"
    header = [str(c) for c in EXPORT_COLUMNS + (VISIT_COLUMNS if kind == "bedridden" else ())]
    rows = _export_rows(qs, kind=kind, today=today, language=language)
    filename = f"care-{kind}-{today.year + BE_OFFSET}-{today.month:02d}-{today.day:02d}.{fmt}"
    if fmt == "xlsx":
        response = xlsx_response(filename=filename, header=header, rows=rows, sheet_title=kind)
    else:
        response = csv_response(filename=filename, header=header, rows=rows)
    response["Cache-Control"] = "no-store"
    return response
