from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfrastructureConfig(AppConfig):
    """The asset registry and maintenance / service requests with SLA targets."""

    name = "infrastructure"
    verbose_name = _("Infrastructure")

    def ready(self):
        from accounts.navigation import NavItem, register
        from accounts.roles import Role, grant
        from tenants.demo import register_seeder

        from . import demo

        register_seeder("infrastructure", demo.seed)

        staff = (
            "infrastructure.add_asset", "infrastructure.change_asset", "infrastructure.view_asset",
            "infrastructure.delete_asset",
            "infrastructure.add_assetphoto", "infrastructure.change_assetphoto",
            "infrastructure.view_assetphoto",
            "infrastructure.view_assetconditionchange",
            "infrastructure.add_servicerequest", "infrastructure.change_servicerequest",
            "infrastructure.view_servicerequest",
            "infrastructure.view_servicerequestevent",
            "infrastructure.view_slarule",
        )
        grant(Role.ENGINEER, *staff)
        grant(Role.ADMIN, *staff, "infrastructure.manage_sla", "infrastructure.change_slarule")
        grant(
            Role.EXECUTIVE,
            "infrastructure.view_asset", "infrastructure.view_servicerequest", "infrastructure.view_slarule",
        )
        register(
            NavItem(key="assets", label=_("Assets"), url_name="infrastructure:asset-list", order=20,
                    scope="tenant", permission="infrastructure.view_asset"),
            NavItem(key="asset-map", label=_("Asset map"), url_name="infrastructure:asset-map", order=21,
                    scope="tenant", permission="infrastructure.view_asset"),
            NavItem(key="requests", label=_("Service requests"), url_name="infrastructure:request-list",
                    order=22, scope="tenant", permission="infrastructure.view_servicerequest"),
        )
