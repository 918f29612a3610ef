"""The municipality's table of ICD-10 codes → its chronic conditions (43-file CHRONIC)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import ChronicCondition

# A category and up to three more characters, written without the dot (CHRONIC's way): E11, E119.
ICD_RE = re.compile(r"^[A-Z]\d{2}[0-9A-Z]{0,3}$")


def _icd(value: str) -> str:
    code = re.sub(r"[.\s]", "", value or "").upper()
    if not ICD_RE.match(code):
        raise ValidationError(_("An ICD-10 code: a letter and two digits, then up to three more "
                                "(E11, E119)."))
    return code


class IcdMappingForm(forms.Form):
    icd_from = forms.CharField(label=_("From ICD-10 code"), max_length=8)
    icd_to = forms.CharField(label=_("To ICD-10 code (included)"), max_length=8,
                             help_text=_("E10 to E14 takes E10, E119 and E149; one code: the same twice."))
    condition = forms.ModelChoiceField(label=_("Chronic condition"), queryset=ChronicCondition.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].queryset = ChronicCondition.objects.filter(active=True)
        self.fields["condition"].label_from_instance = lambda c: c.name

    def clean_icd_from(self):
        return _icd(self.cleaned_data["icd_from"])

    def clean_icd_to(self):
        return _icd(self.cleaned_data["icd_to"])

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("icd_from"), cleaned.get("icd_to")
        if low and high and low > high:
            self.add_error("icd_to", _("The last code comes before the first."))
        return cleaned
