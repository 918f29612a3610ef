from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Objective, PublishedDataset


class DatasetForm(forms.ModelForm):
    """The catalogue metadata of one dataset (GD Catalog fields)."""

    class Meta:
        model = PublishedDataset
        fields = ["title_th", "title_en", "description_th", "description_en", "objective", "objective_other",
                  "maintainer_name", "maintainer_email", "frequency_unit", "frequency_value",
                  "coverage_level", "coverage_text", "licence", "keywords", "data_source"]
        widgets = {
            "description_th": forms.Textarea(attrs={"rows": 4, "lang": "th"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
            "title_th": forms.TextInput(attrs={"lang": "th"}),
            "title_en": forms.TextInput(attrs={"lang": "en"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GD Catalog requires these; the English description and the objective's details may stay empty.
        self.fields["maintainer_email"].required = True

    def clean_keywords(self):
        words = [w.strip() for w in self.cleaned_data["keywords"].split(",") if w.strip()]
        if not words:
            raise forms.ValidationError(_("Give at least one keyword."))
        return ", ".join(words)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("objective") == Objective.OTHER and not (cleaned.get("objective_other") or "").strip():
            self.add_error("objective_other", _("Describe the objective when you choose “Other”."))
        return cleaned
