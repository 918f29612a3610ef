from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open data: the municipality's admin publishes chosen aggregate datasets (CSV) with a DCAT /
    Thai GD Catalog description at stable public URLs (/opendata/), ready for a CKAN harvester.
    Reads the dashboards' aggregates and the national snapshot's suppression; nothing imports it."""

    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        from accounts.navigation import NavItem, register
        from accounts.roles import Role, grant

        grant(Role.ADMIN, "opendata.manage_opendata", "opendata.view_publisheddataset")
        grant(Role.EXECUTIVE, "opendata.view_publisheddataset")  # the list, read-only
        register(NavItem("settings-opendata", _("Open data"), "opendata_settings:index", 912, scope="tenant",
                         permission="opendata.view_publisheddataset"))
