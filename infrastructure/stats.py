"""What the platform console counts for this module (tenants.stats); counts only."""

from django.utils.translation import gettext_lazy as _

from tenants.stats import register_figure

from .models import OPEN_STATUSES, Asset, ServiceRequest

register_figure("assets", _("Registered assets"), lambda: Asset.objects.count())
register_figure(
    "open_requests", _("Open service requests"),
    lambda: ServiceRequest.objects.filter(status__in=OPEN_STATUSES).count(),
)
