from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfrastructureConfig(AppConfig):
    """Assets and maintenance requests (its models arrive with the infrastructure issue)."""

    name = "infrastructure"
    verbose_name = _("Infrastructure")
