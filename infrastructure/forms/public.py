"""The citizens' "report a problem" form and the tracking-code look-up (no login)."""

import math

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import RequestCategory, ServiceRequest, tracking_code_normalise
from ..selectors import public_place_choices
from ..validators import MAX_PHOTO_BYTES, reported_location, validate_photo

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")

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
        widget=forms.FileInput(attrs={
            "accept": "image/*", "capture": "environment",
            # Checked in the browser as soon as a photo is chosen (validators.validate_photo again on submit).
            "data-max-bytes": str(MAX_PHOTO_BYTES), "data-types": ",".join(PHOTO_TYPES),
            "data-msg-too-large": _("This photo is too large; the limit is 8 MB. Choose a smaller one."),
            "data-msg-type": _("This file is not a JPEG, PNG or WebP photo. Choose another one."),
        }),
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
        label=_("Address or landmark"), max_length=300, required=False,
        help_text=_("Needed when there is no pin on the map. Also helps the team find a pinned spot."),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. opposite the fresh market, soi 3")}),
    )
    # Filled from the municipality's own register (selectors.public_place_choices); left out of
    # the page when it has no roads or communities.
    road = forms.ChoiceField(label=_("Road (if you know it)"), required=False, choices=())
    community = forms.ChoiceField(label=_("Community (if you know it)"), required=False, choices=())
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

    notify_channel = forms.ChoiceField(
        label=_("Tell me about changes by"), required=False, widget=forms.RadioSelect,
        choices=[("", _("No messages")), ("email", _("E-mail")), ("sms", _("SMS"))],
        help_text=_("Your phone or e-mail is used only to tell you about this report."),
    )

    def __init__(self, *args, municipality=None, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)
        places = public_place_choices()
        for name, key in (("road", "roads"), ("community", "communities")):
            names = places[key]
            if names:
                self.fields[name].choices = [("", _("Not sure")), *((n, n) for n in names)]
            else:
                del self.fields[name]

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

    def place_picks(self) -> list:
        """The road and community drop-downs the municipality's register can fill."""
        return [self[name] for name in ("road", "community") if name in self.fields]

    def place_in_words(self) -> str:
        """What the citizen typed and picked to say where, as one line for the staff."""
        cleaned = self.cleaned_data
        parts = [cleaned.get(name) or "" for name in ("address_text", "road", "community")]
        return " · ".join(part.strip() for part in parts if part and part.strip())

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if "lat" in self.errors or "lon" in self.errors:
            return cleaned
        place = self.place_in_words()
        if len(place) > ServiceRequest._meta.get_field("address_text").max_length:
            self.add_error("address_text", _("The address is too long with the road and the community "
                                             "added: shorten it."))
        channel = cleaned.get("notify_channel")
        if channel == "email" and not cleaned.get("reporter_email") and "reporter_email" not in self.errors:
            self.add_error("reporter_email",
                           _("Give your e-mail address to hear about this report by e-mail."))
        if channel == "sms" and not cleaned.get("reporter_phone") and "reporter_phone" not in self.errors:
            self.add_error("reporter_phone", _("Give your phone number to hear about this report by SMS."))
        if (lat is None) != (lon is None):
            self.add_error("lat", _("Give both the latitude and the longitude, or leave both empty."))
            return cleaned
        if lat is None:
            # No pin (no GPS, no map): the place in words is enough; staff pin it later.
            if not place:
                self.add_error("lat", ValidationError(
                    _("Show us where the problem is: tap the map, use your location, or type the "
                      "address or a landmark."), code="required",
                ))
            cleaned["location"] = None
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
            "address_text": self.place_in_words(),
            "reporter_name": cleaned.get("reporter_name", ""),
            "reporter_phone": cleaned.get("reporter_phone", ""),
            "reporter_email": cleaned.get("reporter_email", ""),
            "notify_channel": cleaned.get("notify_channel", ""),
            # A name from the register's drop-down; a boundary covering the pin overrules it.
            "community": cleaned.get("community") or None,
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


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still wrong?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell the team what is still wrong.")},
    )


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the work?"), coerce=int, widget=forms.RadioSelect,
        choices=[(n, str(n)) for n in range(1, 6)],
        error_messages={"required": _("Choose from 1 to 5 stars."),
                        "invalid_choice": _("Choose from 1 to 5 stars.")},
    )


class FollowForm(forms.Form):
    """"This is my problem too": how to hear about someone else's report."""

    channel = forms.ChoiceField(
        label=_("Tell me about changes by"), choices=[("email", _("E-mail")), ("sms", _("SMS"))],
        error_messages={"required": _("Choose how you want to hear about it.")},
    )
    address = forms.CharField(label=_("E-mail or phone"), max_length=254,
                              error_messages={"required": _("Give your e-mail address or phone number.")})
