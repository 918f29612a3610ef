"""The personal-data access log in plain words, for the data-protection officer: who did what to
whose record, when and from where — never action codes or JSON.

The log itself stays opaque (public ids, list names, counts; see smarthealth.audit). The names
are looked up here, when an administrator with the permission to read the log reads it, in one
query per kind of record for a whole page, so a page of 50 rows costs a handful of queries.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from accounts.roles import Role
from imports import registry as import_registry
from imports.results import result_text
from kernel.numbers import grouped

from ..erasure import is_erased
from ..forms.care import CARE_LISTS, CareFilterForm
from ..models import AccessLog, Household, Person

OBJECT_LABELS = {
    "person": gettext_lazy("a person's record"),
    "household": gettext_lazy("a household's record"),
    "person_list": gettext_lazy("the list of persons"),
    "household_list": gettext_lazy("the list of households"),
    "home_visit": gettext_lazy("the home-visit list"),
    "care_list": gettext_lazy("a care list"),
    "disaster_view": gettext_lazy("the households at risk (disaster dashboard)"),
    "access_log": gettext_lazy("the personal-data access log"),
    # Long-term care (ltc/, issue 23): its lists; a person it shows is logged as "person".
    "ltc_register": gettext_lazy("the long-term care register"),
    "ltc_fund": gettext_lazy("the LTC fund"),
    "ltc_staff": gettext_lazy("the register of care managers and caregivers"),
    "ltc_followup": gettext_lazy("the LTC follow-up list"),
    "ltc_cg": gettext_lazy("a caregiver's people"),
    "ltc_case": gettext_lazy("long-term care cases"),
}

A = AccessLog.Action
# What a row says was done, for the pairs the platform writes; others read "action (record)".
WHAT = {
    (A.VIEW, "person"): gettext_lazy("Opened a person's record"),
    (A.REVEAL_CID, "person"): gettext_lazy("Revealed a person's national ID"),
    (A.EXPORT, "person"): gettext_lazy("Exported a person's data"),
    (A.CREATE, "person"): gettext_lazy("Registered a person"),
    (A.UPDATE, "person"): gettext_lazy("Changed a person's record"),
    (A.API_READ, "person"): gettext_lazy("Read a person's record through the API"),
    (A.LIST, "person"): gettext_lazy("Opened a list of persons"),
    (A.VIEW, "household"): gettext_lazy("Opened a household's record"),
    (A.LIST, "household"): gettext_lazy("Opened a household and its members"),
    (A.CREATE, "household"): gettext_lazy("Registered a household"),
    (A.UPDATE, "household"): gettext_lazy("Changed a household's record"),
    (A.LIST, "person_list"): gettext_lazy("Opened the list of persons"),
    (A.LIST, "household_list"): gettext_lazy("Opened the list of households"),
    (A.LIST, "home_visit"): gettext_lazy("Opened the home-visit list"),
    (A.LIST, "care_list"): gettext_lazy("Opened a care list"),
    (A.PRINT, "care_list"): gettext_lazy("Printed a care list"),
    (A.EXPORT, "care_list"): gettext_lazy("Exported a care list"),
    (A.LIST, "disaster_view"): gettext_lazy("Opened the households at risk (disaster dashboard)"),
    (A.EXPORT, "access_log"): gettext_lazy("Exported the personal-data access log"),
    (A.LIST, "ltc_register"): gettext_lazy("Opened the long-term care register"),
    (A.LIST, "ltc_fund"): gettext_lazy("Opened the plans waiting for the LTC subcommittee"),
    (A.EXPORT, "ltc_fund"): gettext_lazy("Exported the approved LTC care plans"),
    (A.LIST, "ltc_staff"): gettext_lazy("Opened the register of care managers and caregivers"),
    (A.LIST, "ltc_followup"): gettext_lazy("Opened the LTC follow-up list"),
    (A.LIST, "ltc_cg"): gettext_lazy("Opened a caregiver's list of people"),
    (A.UPDATE, "ltc_case"): gettext_lazy("Closed LTC cases the registry discharged"),
}

# The filters lists record, by their form field names.
FILTER_LABELS = {
    "community": gettext_lazy("community"),
    "moo": gettext_lazy("moo"),
    "adl_group": gettext_lazy("ADL group"),
    "condition": gettext_lazy("chronic disease"),
    "colour": gettext_lazy("screening colour"),
    "ncd_colour": gettext_lazy("screening colour"),
    "age_band": gettext_lazy("age group"),
    "located": gettext_lazy("on the map"),
    "household": gettext_lazy("household"),
    "disability": gettext_lazy("disability"),
    "overdue": gettext_lazy("overdue only"),
    "volunteer": gettext_lazy("health volunteer"),
    "status": gettext_lazy("status"),
    "visitor": gettext_lazy("visitor"),
    "has_location": gettext_lazy("with a location"),
    "username": gettext_lazy("user"),
    "action": gettext_lazy("action"),
    "outcome": gettext_lazy("outcome"),
    "object_type": gettext_lazy("kind of record"),
    "date_from": gettext_lazy("from"),
    "date_to": gettext_lazy("to"),
}

VIA = {
    "map": gettext_lazy("opened from the map"),
    "cid": gettext_lazy("found by national ID"),
    "ltc": gettext_lazy("in long-term care"),
    "ltc_plan": gettext_lazy("in a long-term care plan"),
    "ltc_visit": gettext_lazy("in a caregiver's visit"),
    "ltc_monthly": gettext_lazy("in a caregiver's monthly report"),
}
REASONS = {
    "no_permission": gettext_lazy("the user's role has no access to it"),
    "out_of_scope": gettext_lazy("the record is outside the user's households"),
    "unknown": gettext_lazy("no such record"),
}
VISIT_TABS = {"visits_recent": gettext_lazy("recent home visits"),
              "visits_overdue": gettext_lazy("overdue home visits")}


@dataclass
class Line:
    """One log row as the page and the export show it."""

    row: AccessLog
    who: str
    role: str
    what: str
    whose: str
    whose_person: str  # public id of the one person the row is about, for "this person's rows"
    whose_url: str
    detail: str
    where: str


def object_type_label(object_type: str) -> str:
    if object_type in OBJECT_LABELS:
        return str(OBJECT_LABELS[object_type])
    dataset_key = object_type.removeprefix("import:")
    dataset = import_registry.get(dataset_key)
    if dataset is not None:
        return _("the import of “%(dataset)s”") % {"dataset": dataset.label}
    return object_type


def role_label(code: str) -> str:
    if code == "superuser":
        return _("Platform administrator")
    try:
        return str(Role(code).label)
    except ValueError:
        return code


def people_names(usernames: Iterable[str]) -> dict[str, str]:
    """username → the person's name as staff know them (the username when they have none)."""
    names = {}
    for username, first, last in get_user_model().objects.filter(username__in=set(usernames)).values_list(
            "username", "first_name", "last_name"):
        names[username] = " ".join(part for part in (first, last) if part) or username
    return names


def _uuids(values: Iterable[str]) -> set[uuid.UUID]:
    found = set()
    for value in values:
        try:
            found.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _persons(refs: set[str]) -> dict[str, tuple[str, bool]]:
    """public id → (name, erased)."""
    return {str(p.public_id): (p.full_name, is_erased(p))
            for p in Person.objects.filter(public_id__in=_uuids(refs)).only(
                "public_id", "prefix", "first_name", "last_name", "cid_hash")}


def _households(refs: set[str]) -> dict[str, str]:
    ids = {int(ref) for ref in refs if ref.isdigit()}
    found = {}
    for household in Household.objects.filter(pk__in=ids).only("pk", "house_no", "moo", "community"):
        parts = [_("house no. %(no)s") % {"no": household.house_no}]
        if household.moo:
            parts.append(_("moo %(moo)s") % {"moo": household.moo})
        if household.community:
            parts.append(household.community)
        found[str(household.pk)] = " ".join(parts)
    return found


def filter_words(rows: Iterable[AccessLog]) -> dict[str, dict[str, str]]:
    """Filter field → stored value → its words, for the filters recorded in `rows`: the lists
    record codes (DM, bedbound, red) and user ids or sign-in names, the officer reads words and
    people's names. Built once for a page or an export (a query for conditions, one for users)."""
    from ..imports import chronic_labels

    users: set[str] = set()
    for row in rows:
        filters = (row.detail or {}).get("filters")
        if isinstance(filters, dict):
            users.update(str(filters[key]) for key in _USER_FILTERS if filters.get(key))
    model = get_user_model()
    people = {}
    for pk, username, first, last in model.objects.filter(
            Q(username__in=users) | Q(pk__in=[int(u) for u in users if u.isdigit()])).values_list(
            "pk", "username", "first_name", "last_name"):
        name = " ".join(part for part in (first, last) if part) or username
        people[str(pk)] = people[username] = name
    return {
        **_choice_words(),
        "condition": chronic_labels(),  # เบาหวาน, not DM
        "outcome": dict(AccessLog.Outcome.choices),
        "action": dict(AccessLog.Action.choices),
        "object_type": {t: object_type_label(t) for t in {*OBJECT_LABELS, *_recorded(rows, "object_type")}},
        **{key: people for key in _USER_FILTERS},
    }


def _choice_words() -> dict[str, dict[str, str]]:
    """The fixed choices of the filter forms that write `filters` to the log, by field name."""
    from ..forms.registry import HouseholdFilterForm, PersonFilterForm
    from ..forms.visits import VisitFilterForm

    words: dict[str, dict[str, str]] = {}
    for form in (PersonFilterForm, HouseholdFilterForm, CareFilterForm, VisitFilterForm):
        for name, field in form.base_fields.items():
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                for value, label in field.choices:
                    if value not in ("", None):
                        words.setdefault(name, {}).setdefault(str(value), str(label))
    return words


_USER_FILTERS = ("username", "volunteer", "visitor")


def _recorded(rows: Iterable[AccessLog], key: str) -> set[str]:
    found = set()
    for row in rows:
        filters = (row.detail or {}).get("filters")
        if isinstance(filters, dict) and filters.get(key):
            found.add(str(filters[key]))
    return found


def _filters_text(filters: dict, words: dict[str, dict[str, str]]) -> str:
    parts = []
    for key, value in filters.items():
        if value in ("", None, False):
            continue
        label = FILTER_LABELS.get(key, key)
        shown = _("yes") if value is True else str(words.get(key, {}).get(str(value), value))
        parts.append(f"{label}: {shown}")
    return _("filters: %(filters)s") % {"filters": ", ".join(parts)} if parts else ""


def _field_labels(model, names: Iterable[str]) -> str:
    labels = []
    for name in names:
        if name == "location":
            labels.append(_("location"))
            continue
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except Exception:  # a field renamed since the row was written: its old name
            labels.append(name)
    return ", ".join(labels)


def detail_text(row: AccessLog, words: dict[str, dict[str, str]]) -> str:
    """The row's `detail` as a short sentence in the active language (`words`: filter_words)."""
    detail = row.detail or {}
    if row.action == AccessLog.Action.IMPORT:
        return result_text(detail)
    parts = []
    if detail.get("pdpa") == "erasure":
        parts.append(_("personal data erased at the person's request"))
    if detail.get("purpose") == "pdpa_access_request":
        parts.append(_("copy of the data for the person's own request (PDPA)"))
    if "fields" in detail:
        model = Household if row.object_type == "household" else Person
        parts.append(_("changed: %(fields)s") % {"fields": _field_labels(model, detail["fields"])})
    if detail.get("document") == "passport":
        parts.append(_("the passport number"))
    if via := detail.get("via"):
        parts.append(str(VIA.get(via, via)))
    if reason := detail.get("reason"):
        parts.append(str(REASONS.get(reason, reason)))
    if search := detail.get("search"):
        parts.append(_("searched by national ID") if search == "cid" else _("searched by name"))
    if filters := detail.get("filters"):
        if isinstance(filters, dict) and (text := _filters_text(filters, words)):
            parts.append(text)
    if "metres" in detail:
        parts.append(_("within %(metres)s m") % {"metres": grouped(detail["metres"])})
    if "count" in detail:
        parts.append(ngettext("%(n)s record found", "%(n)s records found", detail["count"])
                     % {"n": grouped(detail["count"])})
    if "members" in detail:
        parts.append(ngettext("%(n)s member", "%(n)s members", detail["members"])
                     % {"n": grouped(detail["members"])})
    if persons := detail.get("persons"):
        shown = ngettext("data of %(n)s person shown", "data of %(n)s persons shown", len(persons)) % {
            "n": f"{len(persons):,}"}
        if detail.get("persons_truncated"):
            shown += " " + _("(and more, not listed)")
        parts.append(shown)
    if "page" in detail:
        parts.append(_("page %(page)s") % {"page": detail["page"]})
    if detail.get("preview"):
        parts.append(_("looked at the preview before importing"))
    return " · ".join(parts)


def _what(row: AccessLog) -> str:
    if (row.action, row.object_type) in WHAT:
        return str(WHAT[(row.action, row.object_type)])
    dataset = import_registry.get(row.object_type.removeprefix("import:"))
    if dataset is not None and row.action == A.IMPORT:
        return _("Imported a file of “%(dataset)s”") % {"dataset": dataset.label}
    if dataset is not None and row.action == A.VIEW:
        return _("Looked at the preview of an import of “%(dataset)s”") % {"dataset": dataset.label}
    return pgettext("audit: action (record)", "%(action)s (%(object)s)") % {
        "action": row.get_action_display(), "object": object_type_label(row.object_type)}


def _where(row: AccessLog) -> str:
    if not row.ip and not row.path:
        return _("the server itself (a background job)")
    channel = _("through the API") if row.path.startswith(("/api/", "/open311/")) else _("on the web")
    return f"{row.ip or '—'} · {channel}"


def lines_for(rows: Iterable[AccessLog], *, names_visible: bool) -> list[Line]:
    """`names_visible`: whether the reader may see persons' names (smarthealth.view_person);
    without it a row says which kind of record, not whose."""
    rows = list(rows)
    names = people_names(row.username for row in rows if row.username)
    persons = _persons({row.object_ref for row in rows if row.object_type == "person" and row.object_ref})
    households = _households({row.object_ref for row in rows if row.object_type == "household"})
    words = filter_words(rows)
    lines = []
    for row in rows:
        whose, whose_person, whose_url = "", "", ""
        if row.object_type == "person" and row.object_ref:
            name, erased = persons.get(row.object_ref, ("", False))
            if not names_visible:
                whose = _("a person (your role does not see names)")
            elif erased:
                whose = _("a person whose data was erased on request")
            elif name:
                whose, whose_person = name, row.object_ref
                whose_url = reverse("smarthealth:person-detail", kwargs={"public_id": row.object_ref})
            else:
                whose = _("a record that does not exist")
        elif row.object_type == "household" and row.object_ref:
            whose = households.get(row.object_ref) or _("a record that does not exist")
            if row.object_ref in households:
                whose_url = reverse("smarthealth:household-detail", kwargs={"pk": int(row.object_ref)})
        elif row.object_type == "care_list" and row.object_ref in CARE_LISTS:
            whose = str(CARE_LISTS[row.object_ref].title)
        elif row.object_type == "home_visit":
            whose = str(VISIT_TABS.get(row.object_ref, ""))
        what = _what(row)
        if row.outcome == AccessLog.Outcome.DENIED:
            what = _("Tried: %(what)s (refused)") % {"what": what}
        lines.append(Line(
            row=row, who=names.get(row.username, row.username) or _("the system"),
            role=role_label(row.role) if row.role else "", what=what, whose=whose,
            whose_person=whose_person, whose_url=whose_url, detail=detail_text(row, words),
            where=_where(row)))
    return lines
