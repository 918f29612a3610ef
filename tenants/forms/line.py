"""The LINE Official Account settings form: the secret and token are write-only."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# LINE's channel secret is 32 hexadecimal characters; a channel access token is a long base64
# string. Checking the shapes catches the common mistake of pasting one into the other's box.
CHANNEL_SECRET = RegexValidator(r"^[0-9a-fA-F]{32}$", _("A channel secret is 32 hexadecimal digits."))
ACCESS_TOKEN = RegexValidator(r"^[A-Za-z0-9+/=._-]{40,}$",
                              _("This does not look like a channel access token."))


class LineChannelForm(forms.Form):
    enabled = forms.BooleanField(label=_("Citizens can report through LINE"), required=False)
    channel_secret = forms.CharField(
        label=_("Channel secret"), required=False, strip=True, validators=[CHANNEL_SECRET],
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Leave empty to keep the saved one."),
    )
    access_token = forms.CharField(
        label=_("Channel access token (long-lived)"), required=False, strip=True, validators=[ACCESS_TOKEN],
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Leave empty to keep the saved one."),
    )

    def __init__(self, *args, has_secret: bool = False, has_token: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret, self.has_token = has_secret, has_token

    def clean(self):
        data = super().clean()
        if data.get("enabled"):
            missing = {}
            if not (data.get("channel_secret") or self.has_secret) and "channel_secret" not in self.errors:
                missing["channel_secret"] = _("Enter the channel secret to turn LINE on.")
            if not (data.get("access_token") or self.has_token) and "access_token" not in self.errors:
                missing["access_token"] = _("Enter the channel access token to turn LINE on.")
            if missing:
                raise ValidationError(missing)
        return data
