from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Municipalities")

    def ready(self):
        from kernel.db import register_fork_hook

        register_fork_hook()

        from django.db.models.signals import post_migrate

        from . import citus

        # On a Citus cluster: public tables that municipalities point at become reference tables,
        # once per migration of `public` (before any municipality's schema is migrated).
        post_migrate.connect(citus.after_migrate, sender=self, dispatch_uid="tenants-citus-reference-tables")

        from accounts.navigation import NavItem, register

        # Change requests: the municipality's inbox with the platform team, and the console's.
        register(
            NavItem("change-requests", _("Change requests"), "changerequests:list", 950, scope="tenant",
                    permission="accounts.submit_change_request"),
            NavItem("inbox", _("Change requests"), "tenants:request-inbox", 10, scope="platform",
                    permission="accounts.use_console"),
        )

        from . import widgets  # noqa: F401  (the municipality's own home-page widgets)
        register(NavItem("settings-components", _("Components"), "settings:components", 911, scope="tenant",
                         permission="accounts.customize_municipality"))

        # The console's platform users (tenants.views.platform_users).
        register(NavItem("platform-users", _("Platform users"), "tenants:platform-users", 80,
                         scope="platform", permission="accounts.use_console"))

        # The municipality's own look (tenants.views.theme); the console edits it per municipality.
        register(NavItem("settings-theme", _("Appearance"), "settings:theme", 910, scope="tenant",
                         permission="accounts.customize_municipality"))
        # The municipality's LINE Official Account (tenants.views.line): citizens report through it.
        register(NavItem("settings-line", _("LINE Official Account"), "settings:line", 912, scope="tenant",
                         permission="accounts.customize_municipality"))
