"""The municipality's own home-page widgets (the platform's, in no module): who we are, where,
and what is left to set up. Registered from TenantsConfig.ready(); the domain apps register
theirs in their own widgets.py, and their set-up tasks with them."""

import json

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from .maps import municipality_outline
from .models import ComponentSettings, Theme
from .registry import SetupTask, Widget, register_setup_task, register_widget, registered_setup_tasks
from .selectors import municipality_place
from .services.components import components_for

# The roles a municipality needs people in before its work can start (the admin is there already).
STAFFED_ROLES = (Role.EXECUTIVE, Role.ENGINEER, Role.NURSE, Role.VOLUNTEER)


def facts_context(request) -> dict:
    tenant = request.tenant
    return {"tenant": tenant, "place": municipality_place(tenant)}


def map_context(request) -> dict:
    tenant = request.tenant
    if not tenant.centre:
        return {"map_data": None}
    return {
        "map_data": {
            "centre": [tenant.centre.y, tenant.centre.x],
            "name": tenant.name_th,
            "boundary": json.loads(tenant.boundary.geojson) if tenant.boundary else None,
            # Its boundary, else its province's until one is uploaded (tenants/maps.py).
            "outline": municipality_outline(municipality=tenant),
        }
    }


def setup_context(request) -> dict:
    """The set-up tasks this administrator may do (module on), the undone first."""
    components = getattr(request, "components", None) or components_for(request.tenant)
    tasks = []
    for task in registered_setup_tasks():
        if not all(components.module_on(m) for m in task.modules) or (
                task.permission is not None and not request.user.has_perm(task.permission)):
            continue
        done = bool(task.done(request))
        detail = task.detail(request) if task.detail and not done else ""
        tasks.append({"task": task, "done": done, "detail": detail, "url": reverse(task.url_name)})
    tasks.sort(key=lambda row: row["done"])  # sort() is stable: registry order within each group
    return {"tasks": tasks, "left": sum(1 for row in tasks if not row["done"])}


def roles_without_people() -> list[Role]:
    staffed = set(Group.objects.filter(name__in=[r.value for r in STAFFED_ROLES], user__is_active=True)
                  .values_list("name", flat=True))
    return [role for role in STAFFED_ROLES if role.value not in staffed]


def _missing_roles_text(request) -> str:
    return gettext("No account yet: %(roles)s") % {
        "roles": ", ".join(str(role.label) for role in roles_without_people())}


register_widget(Widget(
    "municipality.setup", _("Setting up the municipality"), None, "widgets/municipality_setup.html",
    context=setup_context, permission="accounts.customize_municipality", default_width="full", order=1,
    roles=(Role.ADMIN.value,),
))
register_widget(Widget(
    # Off everyone's first screen (issue 16): codes are reference, not the day's work.
    "municipality.facts", _("About the municipality"), None, "widgets/municipality_facts.html",
    context=facts_context, default_width="half", order=10, default_on=False,
))
register_widget(Widget(
    "municipality.map", _("Map of the municipality"), None, "widgets/municipality_map.html",
    context=map_context, default_width="half", order=20, leaflet=True, scripts=("js/home-map.js",),
    # A map narrower than a third of the page is too small to read.
    widths=("half", "full"),
))

register_setup_task(SetupTask(
    "boundary", _("The municipality's boundary"), "changerequests:create",
    done=lambda request: request.tenant.boundary is not None,
    permission="accounts.submit_change_request", order=10,
    hint=_("Send the platform team the boundary (GeoJSON or Shapefile) in a change request: maps "
           "draw it, and locations outside it are refused."),
))
register_setup_task(SetupTask(
    "users", _("Accounts for the staff"), "accounts:user-list",
    done=lambda request: not roles_without_people(),
    permission="accounts.manage_users", order=20, detail=_missing_roles_text,
    hint=_("At least one executive, engineer, nurse and village health volunteer."),
))
register_setup_task(SetupTask(
    "theme", _("The municipality's look (name, logo, colours)"), "settings:theme",
    done=lambda request: Theme.objects.filter(municipality=request.tenant).exists(),
    permission="accounts.customize_municipality", order=80,
))
register_setup_task(SetupTask(
    "home-pages", _("Each role's home page"), "settings:components",
    done=lambda request: ComponentSettings.objects.filter(municipality=request.tenant).exists(),
    permission="accounts.customize_municipality", order=90,
    hint=_("The defaults suit most municipalities; check them once."),
))
