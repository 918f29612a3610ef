import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.core.files import File
from django.utils.translation import gettext_lazy as _

from . import registry
from .prechecks import BLOCK
from .reading import file_kind, max_upload_bytes


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One file, or several chosen at once (the .txt files of a 43-file export): a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] if data else [single(None, initial)]
        return [single(data, initial)]


def uploads_bundle(uploads: list) -> File:
    """Several .txt files uploaded together, zipped into the one file the job keeps (as the
    health centre's program zips them), read and written in blocks."""
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)
    with zipfile.ZipFile(spooled, "w", zipfile.ZIP_DEFLATED) as archive:
        for upload in uploads:
            with archive.open(Path(upload.name).name, "w") as entry:
                for chunk in upload.chunks(BLOCK):
                    entry.write(chunk)
    spooled.seek(0)
    name = "+".join(Path(upload.name).stem for upload in uploads)[:190]
    return File(spooled, name=f"{name}.zip")


class UploadForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Dataset"))
    file = MultipleFileField(
        label=_("File (.csv, .xlsx, .geojson; the 43 files as their .zip or .txt files)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.key, d.label) for d in registry.datasets_for(user)]

    def clean_file(self):
        uploads = self.cleaned_data["file"]
        for upload in uploads:
            if not file_kind(upload.name):
                raise forms.ValidationError(_("Upload a .csv, .xlsx or .geojson file."))
        if sum(upload.size for upload in uploads) > max_upload_bytes():
            raise forms.ValidationError(_("The file is larger than %(mb)s MB."),
                                        params={"mb": max_upload_bytes() // 2**20})
        if len(uploads) > 1 and not all(Path(u.name).suffix.lower() == ".txt" for u in uploads):
            raise forms.ValidationError(_("Several files can be uploaded together only as the .txt files of "
                                          "a health centre's 43-file export."))
        return uploads

    def clean(self):
        cleaned = super().clean()
        uploads = cleaned.get("file")
        if not uploads:
            return cleaned
        if len(uploads) > 1:
            spec = registry.get(cleaned.get("dataset") or "")
            if spec is not None and "txt" not in spec.formats:
                self.add_error("file", _("This dataset takes one file at a time."))
                return cleaned
            cleaned["file"] = uploads_bundle(uploads)
        else:
            cleaned["file"] = uploads[0]
        return cleaned
