from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Bulk import of Excel / CSV / GeoJSON files; datasets are registered by the domain apps."""

    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from accounts.navigation import NavItem, register
        from accounts.roles import Role, grant
        from tenants.registry import Module, register_module
        from tenants.stats import register_last_import

        from .selectors import last_import_finished_at

        grant(Role.ENGINEER, "imports.import_assets", "imports.view_importjob")
        grant(Role.NURSE, "imports.import_health", "imports.view_importjob")
        grant(Role.ADMIN, "imports.import_assets", "imports.import_health", "imports.view_importjob")
        register(NavItem("imports", _("Import data"), "imports:upload", 80, scope="tenant",
                         permission="imports.view_importjob"))
        register_last_import(last_import_finished_at)
        # A municipality can switch imports off (tenants.registry); its pages then answer 404.
        register_module(Module("imports", _("Data import (Excel / CSV / GeoJSON)"), nav_keys=("imports",),
                               url_namespaces=("imports",)))
