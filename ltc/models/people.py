"""The register of care managers (CM) and caregivers (CG), as 3C's registration forms hold them,
each linked to a platform user: a CM's user may write plans, a CG's user sees her people only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.national_id import mask_national_id, normalise_national_id
from smarthealth import crypto

from ..rules import CG_ACTIVE, CM_ACTIVE, CgHours, CgStatus, CmStatus


class _Registered(models.Model):
    """National ID (keyed hash + encrypted, like the health registry's), name, unit, user."""

    cid_hash = models.CharField(max_length=64, editable=False, null=True, blank=True, unique=True)
    cid_encrypted = models.TextField(editable=False, blank=True)
    cid_last3 = models.CharField(max_length=3, editable=False, blank=True)
    prefix = models.CharField(_("prefix"), max_length=30, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    training_date = models.DateField(_("training date"), null=True, blank=True)
    training_organiser = models.CharField(_("training organiser"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True

    def set_cid(self, cid) -> None:
        cid = normalise_national_id(cid)
        self.cid_hash = crypto.cid_hash(cid)
        self.cid_encrypted = crypto.cid_encrypt(cid)
        self.cid_last3 = cid[-3:]

    @property
    def cid_masked(self) -> str:
        return mask_national_id(self.cid_last3) if self.cid_last3 else ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (f"{self.prefix}{self.first_name}", self.last_name) if part)


class CareManager(_Registered):
    """A CM: a nurse or health officer user with the CM course (the "CM flag" is this row)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("platform user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ltc_care_manager",
    )
    licence_no = models.CharField(_("professional licence number"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=2, choices=CmStatus.choices, default=CmStatus.OPERATIONAL
    )

    class Meta:
        verbose_name = _("care manager")
        verbose_name_plural = _("care managers")
        ordering = ["first_name", "last_name", "id"]

    def __str__(self):
        return f"CM {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in CM_ACTIVE


class Caregiver(_Registered):
    class Employment(models.TextChoices):
        MUNICIPAL = "municipal", _("Hired by the municipality")
        VOLUNTEER = "volunteer", _("Volunteer")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("platform user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ltc_caregiver",
    )
    hours = models.PositiveSmallIntegerField(
        _("training hours"), choices=CgHours.choices, default=CgHours.H70
    )
    status = models.CharField(
        _("status"), max_length=2, choices=CgStatus.choices, default=CgStatus.UNASSIGNED
    )
    employment = models.CharField(
        _("employment"), max_length=10, choices=Employment.choices, default=Employment.MUNICIPAL
    )
    care_manager = models.ForeignKey(
        CareManager,
        verbose_name=_("supervising CM"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caregivers",
    )

    class Meta:
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")
        ordering = ["first_name", "last_name", "id"]

    def __str__(self):
        return f"CG {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in CG_ACTIVE
