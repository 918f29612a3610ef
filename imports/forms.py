from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry
from .reading import file_kind, max_upload_bytes


class UploadForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Dataset"))
    file = forms.FileField(label=_("File (.csv, .xlsx or .geojson)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.key, d.label) for d in registry.datasets_for(user)]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not file_kind(upload.name):
            raise forms.ValidationError(_("Upload a .csv, .xlsx or .geojson file."))
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(_("The file is larger than %(mb)s MB."),
                                        params={"mb": max_upload_bytes() // 2**20})
        return upload
