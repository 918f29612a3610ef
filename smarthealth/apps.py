from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmarthealthConfig(AppConfig):
    """Households, persons and care (its models arrive with the smart-health issue)."""

    name = "smarthealth"
    verbose_name = _("Smart health")
