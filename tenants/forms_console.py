"""Forms of the console's own pages (platform users, suspending a municipality)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import UserCreateForm
from accounts.models import User


class PlatformUserCreateForm(UserCreateForm):
    """A platform-team account in `public`; the role is always the platform team's."""

    role = None  # removes the municipal role choice of the parent form

    class Meta(UserCreateForm.Meta):
        fields = ["username", "first_name", "last_name", "email", "phone", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Change requests and other console notices reach the team by e-mail.
        self.fields["email"].required = True
        self.fields["first_name"].required = True


class PlatformUserUpdateForm(forms.ModelForm):
    is_active = forms.BooleanField(
        label=_("active"), required=False,
        help_text=_("An inactive user cannot sign in; their records stay."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["first_name"].required = True


class MunicipalityStatusForm(forms.Form):
    """Confirms a suspension or a restore; `action` must be the change the page offered, so a
    form submitted twice (or from a stale tab) cannot flip the status back."""

    action = forms.ChoiceField(choices=[("activate", "activate"), ("deactivate", "deactivate")],
                               widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I understand that the municipality's staff and citizens cannot use its pages "
                "until it is activated again."),
        required=False,
    )

    def __init__(self, *args, municipality, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)
        self.fields["action"].initial = "deactivate" if municipality.is_active else "activate"
        if not municipality.is_active:
            del self.fields["confirm"]

    def clean(self):
        cleaned = super().clean()
        expected = "deactivate" if self.municipality.is_active else "activate"
        if cleaned.get("action") and cleaned["action"] != expected:
            raise forms.ValidationError(
                _("The municipality's status changed in the meantime. Check it and try again.")
            )
        if expected == "deactivate" and not cleaned.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm the suspension."))
        return cleaned

    @property
    def is_active_wanted(self) -> bool:
        return self.cleaned_data["action"] == "activate"
