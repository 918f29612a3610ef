"""What the 43-file import (smarthealth.moph43) keeps between imports: the municipality's table
of ICD-10 codes → its chronic conditions, and the fingerprints of rows already applied."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .registry import ChronicCondition


class ChronicIcdMapping(models.Model):
    """ICD-10 codes (CHRONIC.CHRONIC, written without the dot) from `icd_from` to `icd_to`, both
    included and compared as text on the code's first characters: E10–E14 takes E10, E119 and
    E149 but not E15. Seeded by a data migration (E10–E14 DM, I10–I15 HT, N18 CKD, J44 COPD,
    I60–I69 STROKE, C00–C97 CANCER); the health team adds its own."""

    icd_from = models.CharField(_("from ICD-10 code"), max_length=6)
    icd_to = models.CharField(_("to ICD-10 code"), max_length=6)
    condition = models.ForeignKey(ChronicCondition, on_delete=models.CASCADE, related_name="icd_mappings",
                                  verbose_name=_("chronic condition"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("ICD-10 mapping of a chronic condition")
        verbose_name_plural = _("ICD-10 mappings of chronic conditions")
        ordering = ["icd_from", "icd_to", "id"]
        constraints = [
            models.UniqueConstraint(fields=["icd_from", "icd_to", "condition"], name="sh_icd_mapping_unique"),
            models.CheckConstraint(condition=models.Q(icd_from__lte=models.F("icd_to")),
                                   name="sh_icd_mapping_ordered"),
        ]

    def __str__(self):
        return f"{self.icd_from}–{self.icd_to} → {self.condition_id}"


class Moph43Digest(models.Model):
    """The 64-bit fingerprints of the rows of one 43-file (PERSON, HOME, …) that the last import
    applied cleanly, as one sorted array: next month's import skips the rows it finds here
    (unchanged since), so only the changed ones are parsed, hashed and written. Only an
    optimisation: a fingerprint not found means the row is processed as usual."""

    kind = models.CharField(max_length=40, unique=True)
    digests = models.BinaryField(default=bytes)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("43-file fingerprints")
        verbose_name_plural = _("43-file fingerprints")

    def __str__(self):
        return self.kind
