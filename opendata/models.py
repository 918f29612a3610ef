"""What a municipality publishes as open data: one row per dataset kind its admin chose to
publish, with the metadata of the Thai government data catalogue (GD Catalog).

The data themselves are never stored here: each dataset is computed from the dashboards'
aggregate tables when it is downloaded (tables.py), so it is as fresh as their last refresh.
Rows are created on the first edit or publish, with defaults from the municipality (services.py).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class Kind(models.TextChoices):
    ASSETS = "assets", _("Assets by type and condition")
    SERVICE_REQUESTS = "service_requests", _("Service request statistics")
    HEALTH = "health", _("Anonymised health aggregates")


class FrequencyUnit(models.TextChoices):
    """หน่วยความถี่ของการปรับปรุงข้อมูล (GD Catalog `update_frequency_unit`)."""

    YEAR = "year", _("Year")
    HALF_YEAR = "half_year", _("Half year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")
    WEEK = "week", _("Week")
    DAY = "day", _("Day")
    WORKING_DAY = "working_day", _("Working day")
    HOUR = "hour", _("Hour")
    MINUTE = "minute", _("Minute")
    REAL_TIME = "real_time", _("Real time")
    NEVER = "never", _("Not updated after collection")
    UNKNOWN = "unknown", _("Unknown")


class CoverageLevel(models.TextChoices):
    """ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่ (GD Catalog `geo_coverage`)."""

    MUNICIPALITY = "municipality", _("Municipality / SAO")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    DISTRICT = "district", _("District")
    PROVINCE = "province", _("Province")
    COUNTRY = "country", _("Country")


class Objective(models.TextChoices):
    """วัตถุประสงค์ (GD Catalog `objective`)."""

    PUBLIC_SERVICE = "public_service", _("Service to the public")
    AGENCY_MISSION = "agency_mission", _("The agency's mission")
    LAW = "law", _("Required by law")
    NATIONAL_STRATEGY = "national_strategy", _("National strategy")
    DEVELOPMENT_PLAN = "development_plan", _("National economic and social development plan")
    GOVERNMENT_POLICY = "government_policy", _("Government policy or the Prime Minister's orders")
    CABINET_RESOLUTION = "cabinet_resolution", _("Cabinet resolution")
    INTERNATIONAL_INDEX = "international_index", _("International index or indicator")
    OTHER = "other", _("Other")


class Licence(models.TextChoices):
    OPEN_DATA_COMMON = "open-data-common", _("Open Data Common (Thai government default)")
    CC_BY_4 = "cc-by-4.0", _("Creative Commons Attribution 4.0 (CC-BY-4.0)")
    CC_BY_SA_4 = "cc-by-sa-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC-BY-SA-4.0)")
    CC0 = "cc0-1.0", _("Creative Commons Zero (CC0-1.0, public domain)")


class DataCategory(models.TextChoices):
    """หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ: open data is public data, nothing else."""

    PUBLIC = "public", _("Public (สาธารณะ)")


class PublishedDataset(models.Model):
    kind = models.CharField(_("dataset"), max_length=30, choices=Kind.choices, unique=True)
    # Stable across host renames: the catalogue's dct:identifier and data.json's identifier.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)

    title_th = models.CharField(_("title (Thai)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250)
    description_th = models.TextField(_("description (Thai)"))
    description_en = models.TextField(_("description (English)"), blank=True)
    objective = models.CharField(_("objective"), max_length=30, choices=Objective.choices,
                                 default=Objective.PUBLIC_SERVICE)
    objective_other = models.CharField(
        _("objective (details)"), max_length=250, blank=True,
        help_text=_("Required when the objective is “Other”; otherwise optional details."))
    maintainer_name = models.CharField(
        _("maintainer"), max_length=200,
        help_text=_("The division or person who answers questions about the data."))
    maintainer_email = models.EmailField(_("maintainer's e-mail"), blank=True)
    frequency_unit = models.CharField(_("update frequency unit"), max_length=20,
                                      choices=FrequencyUnit.choices, default=FrequencyUnit.DAY)
    frequency_value = models.PositiveSmallIntegerField(
        _("updates per unit"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("How many times per unit the data is updated (1 = once a day for “Day”)."))
    coverage_level = models.CharField(_("geographic coverage"), max_length=20, choices=CoverageLevel.choices,
                                      default=CoverageLevel.MUNICIPALITY)
    coverage_text = models.CharField(_("area covered"), max_length=250,
                                     help_text=_("The place names of the area the data covers."))
    data_category = models.CharField(_("data category"), max_length=20, choices=DataCategory.choices,
                                     default=DataCategory.PUBLIC, editable=False)
    licence = models.CharField(_("licence"), max_length=30, choices=Licence.choices,
                               default=Licence.OPEN_DATA_COMMON)
    keywords = models.CharField(_("keywords"), max_length=500,
                                help_text=_("Separated by commas."))
    data_source = models.CharField(_("data source"), max_length=250)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("published dataset")
        verbose_name_plural = _("published datasets")
        permissions = [("manage_opendata", _("Can publish open data and edit its metadata"))]

    def __str__(self):
        return self.title_th

    @property
    def frequency_text(self) -> str:
        """`1 ครั้งต่อวัน` / `2 times per week`; a unit with no rate ("Real time") alone."""
        unit = FrequencyUnit(self.frequency_unit)
        if unit in (FrequencyUnit.REAL_TIME, FrequencyUnit.NEVER, FrequencyUnit.UNKNOWN):
            return str(unit.label)
        return ngettext("%(n)s time per %(unit)s", "%(n)s times per %(unit)s", self.frequency_value) % {
            "n": self.frequency_value, "unit": str(unit.label).lower()}

    @property
    def keyword_list(self) -> list[str]:
        seen, result = set(), []
        for word in (w.strip() for w in self.keywords.split(",")):
            if word and word.casefold() not in seen:
                seen.add(word.casefold())
                result.append(word)
        return result

    def missing_for_publication(self) -> list[str]:
        """Labels of the catalogue fields still empty (GD Catalog requires each of them)."""
        required = ("title_th", "title_en", "description_th", "maintainer_name", "maintainer_email",
                    "coverage_text", "keywords", "data_source")
        missing = [str(self._meta.get_field(name).verbose_name) for name in required
                   if not str(getattr(self, name) or "").strip()]
        if self.objective == Objective.OTHER and not self.objective_other.strip():
            missing.append(str(self._meta.get_field("objective_other").verbose_name))
        return missing
