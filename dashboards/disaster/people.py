"""The disaster view's people, for the roles that see persons (nurse, administrator): the
households at risk with their vulnerable members, as a page, an Excel file and a printable call
list with phone numbers. Each read writes one audit row (the filters and the count, never a name)."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.exports import in_language, spreadsheet_response
from kernel.thaidate import export_date
from smarthealth.audit import audit_log
from smarthealth.models import AccessLog, Person
from smarthealth.rules import ELDERLY_AGE, AdlGroup, Disability
from smarthealth.selectors import households_for, persons_for

from . import VULNERABILITIES, AtRisk, Query, kind_label, may_see_households


def _audit_detail(query: Query, count: int) -> dict:
    return {"metres": query.metres, "kinds": list(query.kinds), "vulnerable": list(query.vulnerable),
            "max_age_days": query.max_age_days, "count": count}


def _why(person: Person, household_size: int, today) -> list[str]:
    """The chosen vulnerabilities this person has (a household is listed for any of them)."""
    group = person.current_adl_group  # type: ignore[attr-defined]
    return [v for v, has in (
        ("bedbound", group == AdlGroup.BEDBOUND),
        ("homebound", group == AdlGroup.HOMEBOUND),
        ("disabled", person.disability != Disability.NONE),
        ("alone", household_size == 1 and person.age_on(today) >= ELDERLY_AGE),
    ) if has]


def disaster_households(user, *, query: Query, request, rows: list[AtRisk],
                        action: str = AccessLog.Action.LIST) -> list[dict]:
    """The households at risk with the members who make them so, nearest hazard first."""
    if not may_see_households(user):
        raise PermissionDenied
    today = timezone.localdate()
    by_id = {row.household_id: row for row in rows}
    households = {h.pk: h for h in households_for(user).filter(pk__in=by_id)}
    members = defaultdict(list)
    living = (persons_for(user, filters={"status": Person.Status.LIVING})
              .filter(household_id__in=list(households))
              .order_by("household_id", "first_name", "last_name", "id"))
    for person in living:
        why = [v for v in _why(person, by_id[person.household_id].living, today) if v in query.vulnerable]
        if why:
            members[person.household_id].append({
                "name": person.full_name, "public_id": person.public_id, "phone": person.phone,
                "age": person.age_on(today), "why": why,
                "why_text": ", ".join(str(VULNERABILITIES[v]) for v in why),
                "bedbound": "bedbound" in why,
                "disability": person.get_disability_display() if person.disability != Disability.NONE else "",
            })
    result = []
    for hid, household in households.items():
        row = by_id[hid]
        result.append({"household": household, "risk": row, "members": members[hid],
                       "kind_label": kind_label(row.kind),
                       "location": [household.location.y, household.location.x]})
    result.sort(key=lambda r: (r["risk"].distance, r["household"].community, r["household"].house_no))
    audit_log(request=request, user=user, action=action, object_type="disaster_view",
              object_ref="households", detail=_audit_detail(query, len(result)))
    return result


def call_list(households: list[dict]) -> list[dict]:
    """One line per person to call, grouped by community, nearest first within it."""
    lines = [{"community": h["household"].community, "house_no": h["household"].house_no,
              "moo": h["household"].moo, "distance": h["risk"].distance, "hazard": h["kind_label"], **m}
             for h in households for m in h["members"]]
    lines.sort(key=lambda line: (line["community"], line["distance"], line["house_no"], line["name"]))
    return lines


def export_response(user, *, query: Query, request, rows: list[AtRisk]):
    """The call list as an Excel file in the reader's language (Thai by default), audited."""
    households = disaster_households(user, query=query, request=request, rows=rows,
                                     action=AccessLog.Action.EXPORT)
    header = [_("Community"), _("House number"), _("Moo"), _("Name"), _("Age"), _("Vulnerability"),
              _("Phone"), _("Nearest hazard"), _("Distance (metres)")]

    def lines():
        for line in call_list(households):
            yield [line["community"], line["house_no"], line["moo"], line["name"], line["age"],
                   line["why_text"], line["phone"], line["hazard"], round(line["distance"])]

    stem = f"{_('disaster-call-list')}-{export_date(timezone.localdate())}".replace("/", "-")
    return spreadsheet_response(fmt="xlsx", stem=stem, header=header, rows=in_language(lines()),
                                sheet_title=_("Call list"))
