from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Executive dashboards from aggregate tables, and the cross-domain disaster view. Reads both
    domains (infrastructure, smarthealth); neither knows it."""

    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from accounts.navigation import NavItem, register
        from accounts.roles import Role, grant
        from tenants.demo import register_seeder
        from tenants.registry import Module, register_module

        from . import demo, signals

        # Health figures are for the executive and the health division; the public works
        # division (engineer) gets a dashboard without them. The disaster view's names are for
        # roles that see persons (the view checks smarthealth's own permission and scope).
        # Targets are the municipality's own yardsticks: its administrator sets them.
        grant(Role.ADMIN, "dashboards.view_dashboard", "dashboards.view_health_dashboard",
              "dashboards.view_disaster", "dashboards.manage_targets")
        grant(Role.EXECUTIVE, "dashboards.view_dashboard", "dashboards.view_health_dashboard",
              "dashboards.view_disaster")
        grant(Role.NURSE, "dashboards.view_dashboard", "dashboards.view_health_dashboard",
              "dashboards.view_disaster")
        grant(Role.ENGINEER, "dashboards.view_dashboard", "dashboards.view_disaster")

        register(
            NavItem("dashboard", _("Dashboard"), "dashboards:index", 10, scope="tenant",
                    permission="dashboards.view_dashboard"),
            NavItem("disaster", _("Disaster view"), "dashboards:disaster", 11, scope="tenant",
                    permission="dashboards.view_disaster"),
        )
        register_module(Module(
            "dashboards", _("Dashboards and disaster view"), nav_keys=("dashboard", "disaster"),
            url_namespaces=("dashboards",),
        ))
        # Registered after the domain apps' seeders (INSTALLED_APPS order): the figures of the
        # freshly seeded data.
        register_seeder("dashboards", demo.seed)
        signals.connect()
        from . import widgets  # noqa: F401  (registers the home-page widgets)
