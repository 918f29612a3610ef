"""A caregiver's visit against the plan, recorded on her phone."""

from django.contrib.gis.db import models as gis
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .cases import CarePlan, LtcCase
from .people import Caregiver


class CgVisit(models.Model):
    case = models.ForeignKey(LtcCase, on_delete=models.CASCADE, related_name="visits", verbose_name=_("case"))
    plan = models.ForeignKey(
        CarePlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    caregiver = models.ForeignKey(
        Caregiver, null=True, on_delete=models.SET_NULL, related_name="visits", verbose_name=_("caregiver")
    )
    visited_on = models.DateField(_("visited on"))
    check_in_at = models.DateTimeField(_("check-in"), null=True, blank=True)
    check_out_at = models.DateTimeField(_("check-out"), null=True, blank=True)
    check_in_location = gis.PointField(_("check-in location"), srid=4326, null=True, blank=True)
    check_out_location = gis.PointField(_("check-out location"), srid=4326, null=True, blank=True)
    activities = ArrayField(
        models.CharField(max_length=20), verbose_name=_("activities"), default=list, blank=True
    )
    sbp = models.PositiveSmallIntegerField(_("systolic pressure (mmHg)"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic pressure (mmHg)"), null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(_("pulse (per minute)"), null=True, blank=True)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    glucose = models.PositiveSmallIntegerField(_("blood glucose (mg/dL)"), null=True, blank=True)
    problems = ArrayField(
        models.CharField(max_length=20), verbose_name=_("problems"), default=list, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="ltc/%Y/%m/", null=True, blank=True)
    witness_name = models.CharField(_("relative (witness)"), max_length=120, blank=True)
    # Differs from the plan: the CG said so, or the day or the activities are not the plan's.
    deviation = models.BooleanField(_("differs from the plan"), default=False)
    deviation_reason = models.TextField(_("how it differs"), blank=True)
    deviation_seen_on = models.DateField(_("seen by the CM on"), null=True, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("caregiver visit")
        verbose_name_plural = _("caregiver visits")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="ltc_visit_idempotency_unique"),
            models.CheckConstraint(
                condition=Q(sbp__isnull=True) | Q(dbp__isnull=True) | Q(sbp__gt=F("dbp")),
                name="ltc_visit_sbp_above_dbp",
            ),
        ]
        indexes = [models.Index(F("case"), F("visited_on").desc(), name="ltc_visit_case_latest")]

    def __str__(self):
        return f"CG visit on {self.visited_on}"
