from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    """National indicators: each municipality's dashboard figures, published into the public
    schema without personal data, and the console's comparison of municipalities."""

    name = "national"
    verbose_name = _("National indicators")

    def ready(self):
        from accounts.navigation import NavItem, register

        register(NavItem("national", _("National indicators"), "national:table", 20, scope="platform",
                         permission="accounts.use_console"))
