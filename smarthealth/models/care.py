"""Care records of a person: ADL assessments, NCD screenings and home visits."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..rules import ADL_MAX, ADL_MIN, AdlGroup, Complication, NcdColour
from .registry import Person


class AdlAssessment(models.Model):
    class Source(models.TextChoices):
        FORM = "form", _("Form")
        IMPORT = "import", _("Import")
        VISIT = "visit", _("Home visit")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="adl_assessments", verbose_name=_("person")
    )
    assessed_on = models.DateField(_("assessed on"))
    items = models.JSONField(_("item scores"), null=True, blank=True)  # {barthel code: score}
    score = models.PositiveSmallIntegerField(_("ADL score"))
    group = models.CharField(_("ADL group"), max_length=10, choices=AdlGroup.choices)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("assessed by"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices,
                              default=Source.FORM)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("ADL assessment")
        verbose_name_plural = _("ADL assessments")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "assessed_on"], name="sh_adl_one_per_day"),
            models.CheckConstraint(condition=Q(score__gte=ADL_MIN, score__lte=ADL_MAX),
                                   name="sh_adl_score_0_20"),
        ]
        indexes = [models.Index(F("person"), F("assessed_on").desc(), name="sh_adl_person_latest")]

    def __str__(self):
        return f"ADL {self.score} on {self.assessed_on}"


class NcdScreening(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="screenings", verbose_name=_("person")
    )
    screened_on = models.DateField(_("screened on"))
    sbp = models.PositiveSmallIntegerField(_("systolic pressure (mmHg)"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic pressure (mmHg)"), null=True, blank=True)
    fbs = models.PositiveSmallIntegerField(_("fasting blood sugar (mg/dL)"), null=True, blank=True)
    complication = models.CharField(_("complication"), max_length=10, blank=True,
                                    choices=Complication.choices)
    colour = models.CharField(_("NCD colour"), max_length=12, choices=NcdColour.choices)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("screened by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("NCD screening")
        verbose_name_plural = _("NCD screenings")
        ordering = ["-screened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "screened_on"], name="sh_ncd_one_per_day"),
            models.CheckConstraint(
                condition=Q(sbp__isnull=True) | Q(dbp__isnull=True) | Q(sbp__gt=F("dbp")),
                name="sh_ncd_sbp_above_dbp",
            ),
        ]
        indexes = [models.Index(F("person"), F("screened_on").desc(), name="sh_ncd_person_latest")]

    def __str__(self):
        return f"NCD {self.colour} on {self.screened_on}"


class HomeVisit(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="visits", verbose_name=_("person")
    )
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="home_visits", verbose_name=_("visitor"),
    )
    sbp = models.PositiveSmallIntegerField(_("systolic pressure (mmHg)"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic pressure (mmHg)"), null=True, blank=True)
    fbs = models.PositiveSmallIntegerField(_("fasting blood sugar (mg/dL)"), null=True, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=5, decimal_places=1,
                                    null=True, blank=True)
    # An ADL re-check made during the visit (an AdlAssessment with source "visit").
    adl = models.ForeignKey(
        "AdlAssessment", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="visits", verbose_name=_("ADL assessment"),
    )
    notes = models.TextField(_("notes"), blank=True)
    # A visit the health centre recorded (43-file COMMUNITY_SERVICE): its THCC 208 service code
    # and its key there, HOSPCODE|PID|SEQ|COMSERVICE, so a second import finds it again.
    service_code = models.CharField(_("community service code"), max_length=7, blank=True, default="",
                                    db_default="")
    source_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True)
    # A photo taken at the visit, re-encoded (kernel.photos: no EXIF or GPS) and served only
    # through the visit's access-checked page.
    photo = models.ImageField(_("photo"), upload_to="visits/%Y/%m/", null=True, blank=True)
    # A visit recorded on the volunteer's phone carries the key (a UUID) the phone made for it:
    # the phone may send it again after a lost answer, and the second send finds this visit
    # instead of recording another (services.home_visit_sync).
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sbp__isnull=True) | Q(dbp__isnull=True) | Q(sbp__gt=F("dbp")),
                name="sh_visit_sbp_above_dbp",
            ),
            models.UniqueConstraint(fields=["source_key"], name="sh_visit_source_key_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="sh_visit_idempotency_key_unique"),
        ]
        indexes = [
            models.Index(F("person"), F("visited_on").desc(), name="sh_visit_person_latest"),
            models.Index(fields=["next_visit_due"], name="sh_visit_next_due"),
        ]

    def __str__(self):
        return f"visit on {self.visited_on}"
