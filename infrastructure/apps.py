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

        # stats registers the console figures, imports and request_imports this module's datasets
        # system_notes registers the notes the pages read in the reader's language
        from . import demo, imports, request_imports, stats, system_notes  # noqa: F401

        register_seeder("infrastructure", demo.seed)

        from communities.members import Member, register_member

        # What belongs to a community (merge_communities): an asset by its old name and its shape;
        # a request by its pin, else its linked asset's community.
        register_member(Member("infrastructure.Asset", text_field="community", location_field="geometry"))
        register_member(Member("infrastructure.ServiceRequest", location_field="location",
                               fallback_path="asset"))

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
        # Components (tenants.registry): three modules a municipality can switch on or off.
        # Service requests are their own module although their URLs sit under /infrastructure/.
        from tenants.registry import Module, register_module

        register_module(Module(
            "infrastructure", _("Infrastructure (asset registry and map)"), nav_keys=("assets", "asset-map"),
            url_namespaces=("infrastructure",),
        ))
        register_module(Module(
            "service_requests", _("Service requests"), nav_keys=("requests",),
            # Open311 (/open311/v2/) is off with them too; its views say so in the spec's shape.
            url_prefixes=("/infrastructure/requests/",),
        ))
        register_module(Module(
            # The LINE webhook (/line/) files citizens' reports too, and links to /report/status/.
            "public_report", _("Citizens' report page (/report/)"), url_namespaces=("report", "line"),
            requires=("service_requests",),
        ))
        from . import widgets  # noqa: F401  (registers this module's home-page widgets)
