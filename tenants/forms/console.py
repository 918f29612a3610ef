"""Forms of the console's own pages: a new municipality, suspending one, the platform users."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import UserCreateForm
from accounts.models import User

from ..models import Municipality


class MunicipalityCreateForm(forms.Form):
    name_th = forms.CharField(label=_("name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[("", _("infer from the Thai name"))]
        + [c for c in Municipality.Kind.choices if c[0] != Municipality.Kind.PLATFORM],
        required=False,
    )
    schema_name = forms.RegexField(
        label=_("schema name"), regex=r"^[a-z][a-z0-9_]{1,61}$", max_length=62,
        help_text=_("Lowercase Latin letters, digits and _; cannot be changed later."),
        error_messages={"invalid": _("Use lowercase Latin letters, digits and _, starting with a letter.")},
    )
    domain = forms.CharField(label=_("host name"), max_length=253, help_text=_("e.g. kantang.localhost"))
    province_code = forms.RegexField(label=_("province code"), regex=r"^\d{2}$", required=False,
                                     error_messages={"invalid": _("A province code has 2 digits.")})
    district_code = forms.RegexField(label=_("district code"), regex=r"^\d{4}$", required=False,
                                     error_messages={"invalid": _("A district code has 4 digits.")})
    subdistrict_code = forms.RegexField(label=_("subdistrict code"), regex=r"^\d{6}$", required=False,
                                        error_messages={"invalid": _("A subdistrict code has 6 digits.")})
    lat = forms.FloatField(label=_("latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("longitude"), required=False, min_value=-180, max_value=180)


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
