"""What the reference marks unconfirmed, as the municipality's own settings (editable by its
administrator, seeded by migration 0002 with values labelled as such): the ADL/TAI → group table,
visits per month and the annual rate of each group, the re-assessment interval, the budget year."""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..rules import Group, GroupRow, Tai

# 10,442 baht per person per year from FY2567 (news reports [S]); 6,000 in the FY2566 rule [C].
DEFAULT_ANNUAL_RATE = Decimal("10442")


class LtcSettings(models.Model):
    """One row per municipality (pk 1): LtcSettings.current()."""

    fund_year_start_month = models.PositiveSmallIntegerField(
        _("budget year starts in month"), default=10, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    reassessment_days = models.PositiveSmallIntegerField(
        _("re-assessment interval (days)"), default=180, validators=[MinValueValidator(7)]
    )
    renewal_warning_days = models.PositiveSmallIntegerField(
        _("warn of plan renewal (days before the budget year ends)"), default=60
    )
    default_annual_rate = models.DecimalField(
        _("annual rate per person (baht)"), max_digits=10, decimal_places=2, default=DEFAULT_ANNUAL_RATE
    )
    note = models.TextField(_("source of these values"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("LTC settings")
        verbose_name_plural = _("LTC settings")
        permissions = [
            ("manage_ltc", _("Can run the LTC register and write care plans")),
            ("approve_ltc", _("Can record subcommittee decisions and payments")),
            ("view_ltc_fund", _("Can view the LTC fund")),
            ("view_ltc_aggregates", _("Can view LTC counts")),
            ("record_cg_visit", _("Can record caregiver visits")),
            ("configure_ltc", _("Can change the LTC settings")),
            ("export_ltc_fund", _("Can export the LTC fund's plans")),
        ]

    def __str__(self):
        return "LTC settings"

    @classmethod
    def current(cls) -> "LtcSettings":
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls.objects.get_or_create(pk=1)[0]


class GroupRule(models.Model):
    """One row of the ADL/TAI → suggested group table and what the group gets. Rows are tried in
    `order`; the first that fits is the suggestion (rules.suggested_group)."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    group = models.PositiveSmallIntegerField(_("group"), choices=Group.choices)
    adl_min = models.PositiveSmallIntegerField(_("lowest ADL"), validators=[MaxValueValidator(20)])
    adl_max = models.PositiveSmallIntegerField(_("highest ADL"), validators=[MaxValueValidator(20)])
    tai_codes = ArrayField(
        models.CharField(max_length=2, choices=Tai.choices),
        verbose_name=_("TAI codes"),
        default=list,
        blank=True,
    )
    visits_per_month = models.PositiveSmallIntegerField(_("CG visits per month"), default=4)
    annual_rate = models.DecimalField(
        _("annual rate (baht)"), max_digits=10, decimal_places=2, default=DEFAULT_ANNUAL_RATE
    )
    confirmed = models.BooleanField(_("confirmed by the fund"), default=False)

    class Meta:
        verbose_name = _("group rule")
        verbose_name_plural = _("group rules")
        ordering = ["order", "group", "id"]

    def __str__(self):
        return f"group {self.group} ADL {self.adl_min}-{self.adl_max}"

    def as_row(self) -> GroupRow:
        return GroupRow(self.group, self.adl_min, self.adl_max, tuple(self.tai_codes or ()))
