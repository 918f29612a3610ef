"""This module's home-page widget (tenants.registry): care counts only, never a name.
Imported from SmarthealthConfig.ready()."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.registry import Widget, register_widget

from .models import Person
from .rules import AdlGroup
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
            ("uncontrolled", _("Uncontrolled DM / HT")), ("disabled", _("Persons with disabilities")),
        )
    ]
    return {"figures": figures, "care_lists_url": reverse("smarthealth:care-lists") if lists else None}


register_widget(Widget(
    "health.care", _("Care at a glance"), "smarthealth", "widgets/health_care.html",
    # The dashboards decide who sees health figures on a dashboard (not the engineer).
    context=care_counts_context, permission="dashboards.view_health_dashboard", order=50,
))
