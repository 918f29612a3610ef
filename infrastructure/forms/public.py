"""The citizens' "report a problem" form and the tracking-code look-up (no login)."""

import math

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import RequestCategory, tracking_code_normalise
from ..validators import reported_location, validate_photo

# One line under each category tile, so people pick the right one without knowing our words.
CATEGORY_HINTS = {
    RequestCategory.ROAD: _("Potholes, broken or sunken road surface"),
    RequestCategory.FOOTPATH: _("Broken pavement, blocked walkway"),
    RequestCategory.LIGHTING: _("Street light out or flickering"),
    RequestCategory.DRAIN: _("Blocked or broken drain, missing cover"),
    RequestCategory.FLOOD: _("Standing water, flooded street"),
    RequestCategory.CLEANLINESS: _("Rubbish, full bins, illegal dumping"),
    RequestCategory.TREE: _("Fallen tree, branches in the way"),
    RequestCategory.POWER_LINE: _("Hanging or fallen wires"),
    RequestCategory.WATER_SUPPLY: _("Leaking pipe, no water, hydrant"),
    RequestCategory.OTHER: _("Anything else"),
}


class PublicReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is the problem?"),
        choices=RequestCategory.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what kind of problem it is."),
            "invalid_choice": _("Choose what kind of problem it is."),
        },
    )
    description = forms.CharField(
        label=_("Describe it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("e.g. The street light in front of the "
                                                                 "market has been out for three nights.")}),
        error_messages={"required": _("Describe the problem in a few words.")},
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 8 MB."),
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    lat = forms.FloatField(
        label=_("Latitude"), required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "data-report-lat": ""}),
        error_messages={"invalid": _("Latitude and longitude must be numbers, e.g. 7.41 and 99.52.")},
    )
    lon = forms.FloatField(
        label=_("Longitude"), required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "data-report-lon": ""}),
        error_messages={"invalid": _("Latitude and longitude must be numbers, e.g. 7.41 and 99.52.")},
    )
    address_text = forms.CharField(
        label=_("Address or landmark (optional)"), max_length=300, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. opposite the fresh market, soi 3")}),
    )
    reporter_name = forms.CharField(
        label=_("Your name"), max_length=150, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    reporter_phone = forms.RegexField(
        label=_("Phone"), max_length=20, required=False, regex=r"^\+?[0-9 ()-]{6,20}$",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"invalid": _("Enter a phone number of digits only, e.g. 081 234 5678.")},
    )
    reporter_email = forms.EmailField(
        label=_("E-mail"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter a valid e-mail address, e.g. name@example.com.")},
    )

    def __init__(self, *args, municipality=None, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)

    def category_tiles(self) -> list[dict]:
        """The category radios with a hint each, for the big tappable tiles."""
        thai = (translation.get_language() or "th").split("-")[0] == "th"
        thai_labels = RequestCategory.thai_labels()
        return [
            {
                "radio": radio,
                "value": radio.data["value"],
                # The official Thai names of CONTRACT are kept in code; English is translated.
                "label": thai_labels.get(radio.data["value"]) if thai else radio.choice_label,
                "hint": CATEGORY_HINTS.get(radio.data["value"], ""),
            }
            for radio in self["category"]
        ]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            validate_photo(photo)
        return photo

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if "lat" in self.errors or "lon" in self.errors:
            return cleaned
        if lat is None or lon is None:
            self.add_error("lat", ValidationError(
                _("Show us where the problem is: tap the map or use your location."), code="required",
            ))
            return cleaned
        if not (math.isfinite(lat) and math.isfinite(lon)):
            self.add_error("lat", _("Latitude and longitude must be numbers, e.g. 7.41 and 99.52."))
            return cleaned
        try:
            cleaned["location"] = reported_location(lat, lon, self.municipality)
        except ValidationError as error:
            self.add_error("lat", error)
        return cleaned

    def service_data(self) -> dict:
        """The `data` for services.service_request_create (its strict keys)."""
        cleaned = self.cleaned_data
        return {
            "category": cleaned["category"],
            "description": cleaned["description"],
            "location": cleaned["location"],
            "address_text": cleaned.get("address_text", ""),
            "reporter_name": cleaned.get("reporter_name", ""),
            "reporter_phone": cleaned.get("reporter_phone", ""),
            "reporter_email": cleaned.get("reporter_email", ""),
        }


class TrackingCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"), max_length=20,
        widget=forms.TextInput(attrs={
            "autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false",
            "placeholder": "ABCD-2345",
        }),
        error_messages={"required": _("Enter the tracking code you received, e.g. ABCD-2345.")},
    )

    def clean_code(self):
        code = tracking_code_normalise(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(
                _("A tracking code has 8 letters and digits, e.g. ABCD-2345. Check what you typed."),
                code="invalid",
            )
        return code
