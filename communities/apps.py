from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    """The register of communities, below both domains: each household, asset and service request
    points at one, so figures and filters name the same places in both."""

    name = "communities"
    verbose_name = _("Communities")

    def ready(self):
        from accounts.navigation import NavItem, register
        from accounts.roles import Role, grant

        grant(Role.ADMIN, "communities.view_community", "communities.add_community",
              "communities.change_community", "communities.manage_communities")
        for role in (Role.ENGINEER, Role.NURSE, Role.EXECUTIVE, Role.VOLUNTEER):
            grant(role, "communities.view_community")
        register(NavItem(key="communities", label=_("Communities"), url_name="communities:list", order=80,
                         scope="tenant", permission="communities.manage_communities"))
