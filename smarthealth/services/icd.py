"""Writes to the municipality's ICD-10 → chronic condition table (43-file CHRONIC import)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kernel.permissions import require_perm

from ..models import ChronicCondition, ChronicIcdMapping


@transaction.atomic
def icd_mapping_add(*, user, icd_from: str, icd_to: str, condition: ChronicCondition) -> ChronicIcdMapping:
    """Codes from `icd_from` to `icd_to` (both included, already normalised) → `condition`."""
    require_perm(user, "smarthealth.add_chronicicdmapping")
    if ChronicIcdMapping.objects.filter(icd_from=icd_from, icd_to=icd_to, condition=condition).exists():
        raise ValidationError({"icd_from": [_("This range already maps to this condition.")]})
    mapping = ChronicIcdMapping(icd_from=icd_from, icd_to=icd_to, condition=condition)
    mapping.full_clean()
    mapping.save()
    return mapping


@transaction.atomic
def icd_mapping_delete(*, user, mapping: ChronicIcdMapping) -> None:
    """Later imports no longer map these codes; conditions already recorded stay."""
    require_perm(user, "smarthealth.delete_chronicicdmapping")
    mapping.delete()
