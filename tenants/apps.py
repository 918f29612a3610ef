from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Municipalities")

    def ready(self):
        from cityplatform.db import register_fork_hook

        register_fork_hook()
