"""Aggregate tables behind the dashboards: counts and sums per community, never a row about a
person or an identifier. A nightly national snapshot can copy these rows as they are (after
suppressing small counts); the dashboard reads them instead of scanning the domain tables."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Part(models.TextChoices):
    """What one refresh recomputes: each part is replaced as a whole, in one transaction."""

    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    HEALTH = "health", _("Smart health")


class Aggregate(models.Model):
    """One count (and sum) of one figure for one community, optionally for one month.

    `figure` names what is counted (refresh_sql.FIGURES documents each one and its keys);
    `key1` / `key2` are the figure's dimensions (asset type and condition, sex and age band…);
    `month` is the first day of a local calendar month for time series, else null;
    `amount` is a sum that goes with the count (metres of road, hours to resolve)."""

    part = models.CharField(_("part"), max_length=20, choices=Part.choices)
    figure = models.CharField(_("figure"), max_length=30)
    community = models.CharField(_("community"), max_length=120, blank=True)
    month = models.DateField(_("month"), null=True, blank=True)
    key1 = models.CharField(max_length=40, blank=True)
    key2 = models.CharField(max_length=40, blank=True)
    count = models.BigIntegerField(_("count"), default=0)
    amount = models.FloatField(_("amount"), default=0)

    class Meta:
        verbose_name = _("dashboard aggregate")
        verbose_name_plural = _("dashboard aggregates")
        indexes = [
            models.Index(fields=["figure", "community"], name="dash_agg_figure_community"),
            models.Index(fields=["part"], name="dash_agg_part"),
        ]
        permissions = [
            ("view_dashboard", _("Can view the dashboard")),
            ("view_health_dashboard", _("Can view health figures on the dashboard")),
            ("view_disaster", _("Can view the disaster view")),
        ]

    def __str__(self):
        return f"{self.figure} {self.community} {self.key1}/{self.key2}: {self.count}"


class RefreshState(models.Model):
    """When each part was last recomputed (the page shows it as "updated at")."""

    part = models.CharField(_("part"), max_length=20, choices=Part.choices, unique=True)
    refreshed_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("dashboard refresh")
        verbose_name_plural = _("dashboard refreshes")

    def __str__(self):
        return f"{self.part} @ {self.refreshed_at}"


class Target(models.Model):
    """The municipality's yardstick for one figure (targets.TARGET_FIGURES), set by its
    administrator: e.g. 90 % of requests resolved within their SLA. One row per figure; no row
    means no target. Every figure with a target is a percentage, so is the value."""

    figure = models.CharField(_("figure"), max_length=40, unique=True)
    value = models.DecimalField(_("target (%)"), max_digits=4, decimal_places=1,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("dashboard target")
        verbose_name_plural = _("dashboard targets")
        permissions = [("manage_targets", _("Can set the dashboard's targets"))]

    def __str__(self):
        return f"{self.figure}: {self.value}"
