from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from kernel.text import strip_bidi_controls

from .models import User
from .roles import MUNICIPAL_ROLES


class PlainTextField(forms.CharField):
    """A name or a position: bidirectional control characters (a right-to-left override shows a
    name in another order than typed) are dropped before the required check."""

    def to_python(self, value):
        return strip_bidi_controls(super().to_python(value)).strip()


# The fields people read as names in lists, the timeline of a request and the audit log.
_PLAIN_TEXT = {"first_name": PlainTextField, "last_name": PlainTextField, "position": PlainTextField}


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "position"]
        field_classes = _PLAIN_TEXT


def _role_choices():
    return [(role.value, role.label) for role in MUNICIPAL_ROLES]


def _role_choices_to_pick():
    # No role chosen in advance: the first in the list is the administrator, and one careless
    # save would make one.
    return [("", _("— choose a role —")), *_role_choices()]


class UserCreateForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("role"), choices=_role_choices_to_pick)
    password = forms.CharField(
        label=_("initial password"), widget=forms.PasswordInput(render_value=False),
        help_text=_("The user can change it after signing in."),
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone", "position"]
        field_classes = _PLAIN_TEXT

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
                email=cleaned.get("email", ""),
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class UserUpdateForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("role"), choices=_role_choices)
    is_active = forms.BooleanField(
        label=_("active"), required=False,
        help_text=_("An inactive user cannot sign in; their records stay."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "position"]
        field_classes = _PLAIN_TEXT


class PasswordResetByAdminForm(forms.Form):
    password = forms.CharField(label=_("new password"), widget=forms.PasswordInput)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, self.user)
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("token name"), max_length=100,
        help_text=_("What will use it, e.g. “GIS office QGIS” or “LINE bot”."),
    )
    days = forms.TypedChoiceField(
        label=_("expires"), coerce=int, empty_value=None, required=False,
        choices=[("", _("never")), (30, _("after 30 days")), (90, _("after 90 days")),
                 (365, _("after 1 year"))],
    )
