"""What the platform console counts for this module (tenants.stats): counts only, never a row
about a person leaves the municipality's schema."""

from django.utils.translation import gettext_lazy as _

from tenants.stats import register_figure

from .models import Household, Person

register_figure("households", _("Households"), lambda: Household.objects.count())
register_figure(
    "persons", _("Persons (living)"), lambda: Person.objects.filter(status=Person.Status.LIVING).count()
)
