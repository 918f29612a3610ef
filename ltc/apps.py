from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtcConfig(AppConfig):
    """Long-term care for dependent people: CMs' care plans, CGs' visits, the local LTC fund."""

    name = "ltc"
    verbose_name = _("Long-term care")

    def ready(self):
        from . import hooks

        hooks.connect()
