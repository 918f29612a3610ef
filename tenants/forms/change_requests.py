"""Forms of the change requests: the municipality's new request and comment, the platform
team's answer (comment, status change, or both)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ChangeRequest
from ..services.change_requests import attachments_check

# Keep in step with MAX_ATTACHMENTS and ATTACHMENT_TYPES (a lazy string cannot be formatted here).
ATTACHMENT_HELP = _("Up to 5 files, each at most 10 MB: PNG, JPEG, PDF, XLSX, DOCX, CSV, TXT.")
ACCEPT = ",".join([".png", ".jpg", ".jpeg", ".pdf", ".xlsx", ".docx", ".csv", ".txt"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each is checked by its content (tenants.services.change_requests)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", ATTACHMENT_HELP)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [super(AttachmentsField, self).clean(f, initial) for f in files]
        return [item.file for item in attachments_check([f for f in files if f])]


class ChangeRequestForm(forms.ModelForm):
    attachments = AttachmentsField()

    class Meta:
        model = ChangeRequest
        fields = ["title", "category", "priority", "description"]
        labels = {
            "title": _("Subject"),
            "description": _("What do you need?"),
        }
        help_texts = {
            "description": _("Where in the system, what happens now, and what you expected. "
                             "For data jobs, say which file or period."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 7}),
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = ChangeRequest.Category.choices
        self.fields["priority"].choices = ChangeRequest.Priority.choices
        self.fields["priority"].initial = ChangeRequest.Priority.NORMAL


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), required=False, max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = AttachmentsField()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("body") or "").strip() and not cleaned.get("attachments") \
                and not cleaned.get("status"):
            raise forms.ValidationError(self.empty_message)
        return cleaned

    empty_message = _("Write a comment or attach a file.")


class PlatformAnswerForm(CommentForm):
    """The console's answer: a comment, files, a new status, any mix of them in one post."""

    status = forms.ChoiceField(label=_("Change the status to"), required=False)

    field_order = ["status", "body", "attachments"]
    empty_message = _("Write a comment, attach a file or choose a new status.")

    def __init__(self, *args, change_request: ChangeRequest, **kwargs):
        super().__init__(*args, **kwargs)
        # Every status is accepted here so that an illegal move reaches the service and gets
        # its clear error; the menu offers only the moves the workflow allows.
        field = self.fields["status"]
        current = change_request.get_status_display()
        field.choices = [("", _("— keep “%(status)s” —") % {"status": current}),
                         *ChangeRequest.Status.choices]
        allowed = ChangeRequest.TRANSITIONS.get(change_request.status, frozenset())
        field.widget.choices = [field.choices[0],
                                *[(v, label) for v, label in ChangeRequest.Status.choices if v in allowed]]
