from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import navigation, roles
        from .roles import Role, grant

        grant(Role.ADMIN, "accounts.manage_users", "accounts.customize_municipality")
        # Staff who run the municipality's work can ask the platform team for changes; a
        # volunteer asks through the health office.
        for role in (Role.ADMIN, Role.EXECUTIVE, Role.ENGINEER, Role.NURSE):
            grant(role, "accounts.submit_change_request")
        grant(Role.PLATFORM, "accounts.use_console")
        navigation.register(
            navigation.NavItem(
                key="home", label=_("Home"), url_name="home", order=0, scope="tenant"
            ),
            navigation.NavItem(
                key="users", label=_("Users"), url_name="accounts:user-list", order=900,
                scope="tenant", permission="accounts.manage_users",
            ),
            navigation.NavItem(
                key="console", label=_("Municipalities"), url_name="tenants:console",
                order=0, scope="platform", permission="accounts.use_console",
            ),
        )
        # Runs in each schema as django-tenants migrates it, so the role groups pick up
        # permissions that newly migrated modules bring.
        post_migrate.connect(roles.roles_sync_after_migrate, dispatch_uid="accounts-roles-sync")
        # Every way of signing in (the form, the console, force_login in tests) starts the
        # session's idle and absolute clocks afresh (accounts.middleware).
        user_logged_in.connect(_session_clocks_start, dispatch_uid="accounts-session-clocks")


def _session_clocks_start(sender, request=None, user=None, **kwargs):
    from .middleware import session_limits_start

    session = getattr(request, "session", None)
    if session is not None:
        session_limits_start(session)
