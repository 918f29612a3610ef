"""The national snapshot, in the public schema: per municipality and day, its dashboard figures
summed over communities, with small counts of people suppressed (suppression.py).

A row is what the national API serves as it is: figure + keys + month → value (and amount). No
name, no identifier, no community; keys only take the known values of figures.PUBLISHED_FIGURES.
Re-publishing on the same day replaces that day's rows (the unique constraint enforces one row
per cell and day)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Suppression(models.TextChoices):
    NONE = "", _("Published")
    SMALL = "small", _("Fewer than 5 people")
    COMPLEMENTARY = "complementary", _("Hidden so that a small count cannot be worked out")


class IndicatorValue(models.Model):
    """One published number: `figure` (figures.PUBLISHED_FIGURES) for `key1` / `key2` ("*" = all values)
    and `month` (first day of a month for time series, else null)."""

    municipality = models.ForeignKey("tenants.Municipality", on_delete=models.CASCADE,
                                     related_name="national_indicators", verbose_name=_("municipality"))
    snapshot_date = models.DateField(_("snapshot date"))
    figure = models.CharField(_("figure"), max_length=30)
    key1 = models.CharField(max_length=40, blank=True)
    key2 = models.CharField(max_length=40, blank=True)
    month = models.DateField(_("month"), null=True, blank=True)
    # A count (assets, requests, people); NULL when suppressed.
    value = models.BigIntegerField(_("value"), null=True, blank=True)
    # A sum that goes with the count (metres of road, hours to resolve); null for figures without
    # one. Sums are never of people, so they are not suppressed (suppression.py).
    amount = models.FloatField(_("amount"), null=True, blank=True)
    suppressed = models.BooleanField(_("suppressed"), default=False)
    suppression = models.CharField(_("suppression"), max_length=20, blank=True,
                                   choices=Suppression.choices)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("national indicator value")
        verbose_name_plural = _("national indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "snapshot_date", "figure", "key1", "key2", "month"],
                name="national_value_unique_cell", nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=False, value__isnull=False)
                | models.Q(suppressed=True, value__isnull=True),
                name="national_value_null_iff_suppressed",
            ),
        ]
        indexes = [
            models.Index(fields=["figure", "snapshot_date"], name="national_value_figure_date"),
            models.Index(fields=["snapshot_date"], name="national_value_date"),
        ]

    def __str__(self):
        shown = "suppressed" if self.suppressed else self.value
        return f"{self.municipality_id} {self.snapshot_date} {self.figure} {self.key1}/{self.key2}: {shown}"


class LatestResults(models.Model):
    """A municipality's latest snapshot's indicators (indicators.INDICATORS), computed from its
    stored rows when it publishes (services.national_latest_refresh), so the comparison table
    pages, sorts and filters 7,850 municipalities in SQL instead of recomputing every one of them
    per request.

    `results` maps an indicator's key to {"value": number or null, "suppression": "" / "small" /
    "complementary"}: exactly the Result the indicator computes from those rows, so suppression
    carries over as it is. Kept true to IndicatorValue: publishing rewrites it, and a database
    trigger (migration 0002) deletes it when the rows of its date are deleted by any path, so it is
    never stale, at worst missing until the next refresh. Archived and test municipalities keep
    theirs (it is their data; restoring brings it back); the selectors leave them out."""

    municipality = models.OneToOneField("tenants.Municipality", on_delete=models.CASCADE, primary_key=True,
                                        related_name="national_latest", verbose_name=_("municipality"))
    snapshot_date = models.DateField(_("snapshot date"))
    results = models.JSONField(_("results"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("latest national results")
        verbose_name_plural = _("latest national results")

    def __str__(self):
        return f"{self.municipality_id} {self.snapshot_date}"
