from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmarthealthConfig(AppConfig):
    """Population registry, elderly and chronic care, home visits (personal data under PDPA)."""

    name = "smarthealth"
    verbose_name = _("Smart health")

    def ready(self):
        from accounts.navigation import NavItem, register
        from accounts.roles import Role, grant
        from tenants.demo import register_seeder

        # stats registers the console figures, imports this module's import datasets (and
        # moph43.dataset the health centre's 43-file export)
        from . import demo, imports, stats  # noqa: F401
        from .moph43 import dataset  # noqa: F401

        care_team = (
            "smarthealth.add_household", "smarthealth.change_household", "smarthealth.view_household",
            "smarthealth.add_person", "smarthealth.change_person", "smarthealth.view_person",
            "smarthealth.view_adlassessment", "smarthealth.add_adlassessment",
            "smarthealth.view_ncdscreening", "smarthealth.add_ncdscreening",
            "smarthealth.view_homevisit", "smarthealth.add_homevisit",
            "smarthealth.reveal_cid", "smarthealth.export_personal",
            "smarthealth.view_health_aggregates",
        )
        # The municipality's ICD-10 → condition table of the 43-file import (the health team's).
        icd_table = ("smarthealth.view_chronicicdmapping", "smarthealth.add_chronicicdmapping",
                     "smarthealth.delete_chronicicdmapping")
        grant(Role.NURSE, *care_team, *icd_table)
        grant(Role.ADMIN, *care_team, *icd_table, "smarthealth.view_accesslog")
        # Volunteers see only their assigned households: the selectors enforce the scope.
        grant(Role.VOLUNTEER,
              "smarthealth.view_household", "smarthealth.view_person",
              "smarthealth.add_homevisit", "smarthealth.view_homevisit",
              "smarthealth.add_adlassessment", "smarthealth.view_adlassessment",
              "smarthealth.view_ncdscreening")
        # Aggregates only: never a row about a person.
        grant(Role.EXECUTIVE, "smarthealth.view_health_aggregates")
        grant(Role.ENGINEER, "smarthealth.view_health_aggregates")

        register(
            NavItem("persons", _("Health registry"), "smarthealth:person-list", 30,
                    scope="tenant", permission="smarthealth.view_person"),
            NavItem("care-lists", _("Care lists"), "smarthealth:care-lists", 31,
                    scope="tenant", permission="smarthealth.view_person"),
            NavItem("health-map", _("Health map"), "smarthealth:map", 32,
                    scope="tenant", permission="smarthealth.view_household"),
            NavItem("visits", _("Home visits"), "smarthealth:visit-list", 33,
                    scope="tenant", permission="smarthealth.add_homevisit"),
            NavItem("audit", _("Personal-data audit log"), "smarthealth:audit-log", 90,
                    scope="tenant", permission="smarthealth.view_accesslog"),
        )
        register_seeder("smarthealth", demo.seed)

        from communities.members import Member, register_member

        # A household belongs to a community (merge_communities): its old name, its point, its
        # moo (proposed as a new entry's moo numbers). A person belongs through the household.
        register_member(Member("smarthealth.Household", text_field="community", location_field="location",
                               moo_field="moo"))

        from tenants.registry import Module, register_module

        register_module(Module(
            "smarthealth", _("Smart health"),
            nav_keys=("persons", "care-lists", "health-map", "visits", "audit"),
            url_namespaces=("smarthealth",),
        ))
        from . import widgets  # noqa: F401  (registers this module's home-page widgets)
