"""The theme editor's form: the same for a municipality's admin and for the platform team.

The form gives the fields their widgets and first checks; tenants.services.theme validates everything
again before saving (it is the last gate, and the live preview uses it too)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.i18n import in_active_language

from ..models import Theme
from ..models.customization import FONT_SIZE_RANGE
from ..services.theme import image_kind, normalise_colour


class ColourField(forms.CharField):
    """A `#rrggbb` colour; `#RGB` and upper case are accepted and normalised."""

    widget = forms.TextInput(attrs={
        "pattern": "#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", "autocomplete": "off",
        "spellcheck": "false", "class": "colour-text", "inputmode": "text",
    })

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_colour(value) if value else value


class ImageUploadField(forms.FileField):
    def __init__(self, *, kind_field: str, **kwargs):
        self.kind_field = kind_field
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "read"):
            image_kind(upload, field=self.kind_field)
        return upload


class ThemeForm(forms.Form):
    display_name_th = forms.CharField(
        label=_("Display name (Thai)"), max_length=200, required=False,
        help_text=_("Shown in the header. Leave empty to use the official name."),
    )
    display_name_en = forms.CharField(label=_("Display name (English)"), max_length=200, required=False)
    primary_color = ColourField(
        label=_("Primary colour"), help_text=_("Header and buttons; white text is written on it.")
    )
    secondary_color = ColourField(
        label=_("Secondary colour"), help_text=_("Second colour of the gradient header and of highlights.")
    )
    accent_color = ColourField(label=_("Accent colour"), help_text=_("Lines and focus marks on white."))
    base_font_size = forms.IntegerField(
        label=_("Base font size (pixels)"), min_value=FONT_SIZE_RANGE[0], max_value=FONT_SIZE_RANGE[1],
        help_text=_("From 14 to 20 pixels; 16 suits most phones."),
        widget=forms.NumberInput(attrs={"min": FONT_SIZE_RANGE[0], "max": FONT_SIZE_RANGE[1], "step": 1}),
    )
    header_style = forms.ChoiceField(label=_("Header style"), choices=Theme.HeaderStyle.choices)
    logo = ImageUploadField(
        kind_field="logo", label=_("Logo"), required=False,
        help_text=_("PNG, JPEG or SVG, at most 1 MB. A square image looks best."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    favicon = ImageUploadField(
        kind_field="favicon", label=_("Favicon (browser tab icon)"), required=False,
        help_text=_("PNG, ICO or SVG, at most 256 KB."),
        widget=forms.FileInput(
            attrs={"accept": "image/png,image/x-icon,image/vnd.microsoft.icon,image/svg+xml"}
        ),
    )
    remove_favicon = forms.BooleanField(label=_("Remove the favicon"), required=False)
    login_text_th = forms.CharField(
        label=_("Sign-in page text (Thai)"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        help_text=in_active_language(_("Plain text, at most %(n)s characters, e.g. whom to call for help."),
                                     {"n": "1,000"}),
    )
    login_text_en = forms.CharField(
        label=_("Sign-in page text (English)"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )

    COLOUR_FIELDS = ("primary_color", "secondary_color", "accent_color")

    @classmethod
    def initial_from(cls, theme: Theme) -> dict:
        return {name: getattr(theme, name) for name in cls.base_fields if hasattr(theme, name)
                and name not in ("logo", "favicon")}

    def clean(self):
        cleaned = super().clean()
        for field in ("logo", "favicon"):
            if cleaned.get(field) and cleaned.get(f"remove_{field}"):
                self.add_error(f"remove_{field}", ValidationError(
                    _("Either upload a new file or remove the current one, not both.")
                ))
        return cleaned

    def colour_fields(self):
        return [self[name] for name in self.COLOUR_FIELDS]
