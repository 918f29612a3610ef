"""This module's home-page widgets (tenants.registry) and set-up tasks: care counts (no name),
and the day's work of the volunteer and the nurse (smarthealth.today: access-checked, audited).
Imported from SmarthealthConfig.ready()."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from tenants.registry import SetupTask, Widget, register_setup_task, register_widget

from . import today
from .models import Household, Person
from .rules import AdlGroup, NcdColour
from .selectors import UNCONTROLLED, care_flag_groups, with_current_adl, with_current_ncd


def care_counts_context(request) -> dict:
    """Counts over every living person of the municipality (the permission is for aggregates:
    executives and engineers see them too). One GROUP BY over a few flags, as the care-list
    index does, instead of four COUNTs that would each repeat the latest-ADL/NCD subqueries."""
    living = Person.objects.filter(status=Person.Status.LIVING)
    groups = care_flag_groups(with_current_ncd(with_current_adl(living)), today=timezone.localdate())
    counts = dict.fromkeys(("elderly", "bedridden", "uncontrolled", "disabled"), 0)
    for row in groups:
        n = row["n"]
        counts["elderly"] += n if row["is_elderly"] else 0
        counts["bedridden"] += n if row["current_adl_group"] == AdlGroup.BEDBOUND else 0
        uncontrolled = row["is_ncd_patient"] and row["current_ncd_colour"] in UNCONTROLLED
        counts["uncontrolled"] += n if uncontrolled else 0
        counts["disabled"] += n if row["is_disabled"] else 0
    # Only people who may open the lists get links to them.
    lists = request.user.has_perm("smarthealth.view_person")
    figures = [
        {"key": key, "label": label, "count": counts[key],
         "url": reverse("smarthealth:care-list", kwargs={"kind": key}) if lists else None}
        for key, label in (
            ("elderly", _("Elderly (60+)")), ("bedridden", _("Bedbound")),
            ("uncontrolled", _("Uncontrolled diabetes or hypertension")),
            ("disabled", _("Persons with disabilities")),
        )
    ]
    return {"figures": figures, "care_lists_url": reverse("smarthealth:care-lists") if lists else None}


def _labels(person) -> None:
    """The short ADL and NCD labels of a person's chips."""
    group, colour = person.current_adl_group, person.current_ncd_colour
    person.adl_label = AdlGroup(group).label if group in AdlGroup.values else ""
    person.ncd_label = NcdColour(colour).label if colour in NcdColour.values else ""


def _visit_url(person) -> str:
    return reverse("smarthealth:visit-create", args=[person.public_id])


def visits_due_context(request) -> dict:
    rows, total = today.households_to_visit(request.user, request=request)
    for row in rows:
        for person in row.members:
            _labels(person)
            person.visit_url = _visit_url(person)
    # The same page is the volunteer's households and the staff's visits (views.visits).
    mine = request.user.role == Role.VOLUNTEER
    return {"rows": rows, "total": total, "list_url": reverse("smarthealth:visit-list"),
            "list_label": _("All my households") if mine else _("Home visits")}


def bedbound_overdue_context(request) -> dict:
    rows, total = today.bedbound_overdue(request.user, request=request)
    for person in rows:
        person.visit_url = _visit_url(person)
    care = reverse("smarthealth:care-list", kwargs={"kind": "bedridden"})
    return {"rows": rows, "total": total, "list_url": f"{care}?overdue=1"}


def uncontrolled_context(request) -> dict:
    rows, total = today.uncontrolled_ncd(request.user, request=request)
    for person in rows:
        _labels(person)
        person.url = reverse("smarthealth:person-detail", args=[person.public_id])
    return {"rows": rows, "total": total,
            "list_url": reverse("smarthealth:care-list", kwargs={"kind": "uncontrolled"})}


def screenings_today_context(request) -> dict:
    rows, total = today.screenings_today(request.user, request=request)
    for screening in rows:
        screening.url = reverse("smarthealth:person-detail", args=[screening.person.public_id])
    return {"rows": rows, "total": total, "today": timezone.localdate()}


register_widget(Widget(
    "health.care", _("Care at a glance"), "smarthealth", "widgets/health_care.html",
    # The dashboards decide who sees health figures on a dashboard (not the engineer).
    context=care_counts_context, permission="dashboards.view_health_dashboard", order=50,
    roles=(Role.NURSE.value, Role.ADMIN.value),
))
# The day's work: names, so never on the page of accounts without a role unless chosen.
register_widget(Widget(
    "health.visits_due", _("Households to visit"), "smarthealth", "widgets/health_visits_due.html",
    context=visits_due_context, permission="smarthealth.add_homevisit", order=2, default_width="full",
    default_on=False, roles=(Role.VOLUNTEER.value,),
))
register_widget(Widget(
    "health.bedbound_overdue", _("Bedbound people overdue for a visit"), "smarthealth",
    "widgets/health_bedbound_overdue.html", context=bedbound_overdue_context,
    permission="smarthealth.view_person", order=3, default_on=False, roles=(Role.NURSE.value,),
))
register_widget(Widget(
    "health.uncontrolled", _("Uncontrolled diabetes or hypertension"), "smarthealth",
    "widgets/health_uncontrolled.html",
    context=uncontrolled_context, permission="smarthealth.view_person", order=4, default_on=False,
    roles=(Role.NURSE.value,),
))
register_widget(Widget(
    "health.screenings_today", _("Today's screenings"), "smarthealth", "widgets/health_screenings_today.html",
    context=screenings_today_context, permission="smarthealth.view_ncdscreening", order=5, default_on=False,
    roles=(Role.NURSE.value,),
))

register_setup_task(SetupTask(
    "health-import", _("Households and persons"), "imports:upload", modules=("smarthealth", "imports"),
    done=lambda request: Household.objects.exists(), permission="imports.import_health", order=50,
    hint=_("Import the health centre's 43-file export or the household and person templates."),
))
register_setup_task(SetupTask(
    "volunteers", _("A village health volunteer for every household"), "smarthealth:household-list",
    modules=("smarthealth",),
    done=lambda request: Household.objects.exists() and not Household.objects.filter(volunteer=None).exists(),
    permission="smarthealth.change_household", order=60,
    detail=lambda request: gettext("%(n)s households have no volunteer.") % {
        "n": Household.objects.filter(volunteer=None).count()},
))
