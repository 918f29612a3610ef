"""POST requests.json: the parameters checked by a form, then one atomic create."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual
from kernel.thaidate import thai_datetime

from ..models import Asset, Channel, RequestCategory, ServiceRequest
from ..services import service_request_comment, service_request_create
from ..system_notes import FILED_THROUGH_OPEN311
from ..validators import reported_location, validate_photo
from .attributes import ServiceAttribute
from .common import Open311Error

# service_request_create's field names → the Open311 parameter a client sent.
PARAM_FOR_FIELD = {
    "category": "service_code", "due_at": "service_code", "priority": "service_code",
    "location": "lat", "photo": "media", "address_text": "address_string",
    "reporter_name": "first_name", "reporter_phone": "phone", "reporter_email": "email",
    "description": "description",
}

LAT_LONG_NUMBERS = _("Latitude and longitude must be numbers, e.g. 7.41 and 99.52.")


class Open311RequestForm(forms.Form):
    """The parameters of POST requests.json (GeoReport v2 names), all checked before a write."""

    service_code = forms.ChoiceField(choices=RequestCategory.choices, error_messages={
        "required": _("Required: the service_code of one of the services (GET services.json)."),
        "invalid_choice": _("“%(value)s” is not a service_code (GET services.json lists them)."),
    })
    lat = forms.FloatField(required=False, error_messages={"invalid": LAT_LONG_NUMBERS})
    long = forms.FloatField(required=False, error_messages={"invalid": LAT_LONG_NUMBERS})
    address_string = forms.CharField(required=False, max_length=300)
    address_id = forms.CharField(required=False, max_length=100)
    description = forms.CharField(max_length=2000, error_messages={
        "required": _("Describe the problem in a few words."),
    })
    email = forms.EmailField(required=False, error_messages={
        "invalid": _("Enter a valid e-mail address, e.g. name@example.com."),
    })
    first_name = forms.CharField(required=False, max_length=75)
    last_name = forms.CharField(required=False, max_length=74)
    phone = forms.RegexField(required=False, max_length=20, regex=r"^\+?[0-9 ()-]{6,20}$", error_messages={
        "invalid": _("Enter a phone number of digits only, e.g. 081 234 5678."),
    })
    device_id = forms.CharField(required=False, max_length=100)
    account_id = forms.CharField(required=False, max_length=100)
    media_url = forms.URLField(required=False, max_length=500, assume_scheme="https", error_messages={
        "invalid": _("media_url must be an http or https address."),
    })
    media = forms.FileField(required=False)

    def __init__(self, *args, municipality=None, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)

    def clean_media_url(self):
        url = self.cleaned_data.get("media_url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError(_("media_url must be an http or https address."), code="invalid")
        return url

    def clean_media(self):
        media = self.cleaned_data.get("media")
        if media:
            validate_photo(media)
        return media

    def clean(self):
        cleaned = super().clean()
        if "lat" in self.errors or "long" in self.errors:
            return cleaned
        lat, lon = cleaned.get("lat"), cleaned.get("long")
        if lat is None and lon is None:
            # GeoReport v2: lat and long, or address_string, or address_id. An address in words
            # is filed without a pin (staff pin it later); this server keeps no address ids.
            if (cleaned.get("address_string") or "").strip():
                cleaned["location"] = None
                return cleaned
            if cleaned.get("address_id"):
                message = _("Required: lat and long, or an address_string. This server keeps no "
                            "address ids, so an address_id alone is not enough.")
            else:
                message = _("Required: lat and long of the problem (WGS 84 decimal degrees), or an "
                            "address_string.")
            self.add_error("lat", ValidationError(message, code="required"))
            return cleaned
        for name, value in (("lat", lat), ("long", lon)):
            if value is None:
                self.add_error(name, ValidationError(
                    _("Required: lat and long of the problem (WGS 84 decimal degrees)."), code="required",
                ))
        if lat is None or lon is None:
            return cleaned
        try:
            cleaned["location"] = reported_location(lat, lon, self.municipality)
        except ValidationError as error:
            self.add_error("lat", error)
        return cleaned

    def service_data(self, answers: dict[ServiceAttribute, str] | None = None) -> dict:
        """The `data` for services.service_request_create; an answer naming an asset of this
        municipality (a lamp post's number) links the request to it."""
        cleaned = self.cleaned_data
        name = " ".join(part for part in (cleaned.get("first_name"), cleaned.get("last_name")) if part)
        data = {
            "category": cleaned["service_code"],
            "description": cleaned["description"],
            "location": cleaned["location"],
            "address_text": cleaned.get("address_string", ""),
            "reporter_name": name,
            "reporter_phone": cleaned.get("phone", ""),
            "reporter_email": cleaned.get("email", ""),
        }
        for attribute, answer in (answers or {}).items():
            if attribute.asset_type:
                asset = Asset.objects.filter(asset_type=attribute.asset_type, code__iexact=answer).first()
                if asset is not None:
                    data["asset"] = asset
        return data

    def client_note(self, *, token_name: str, answers: dict[ServiceAttribute, str] | None = None) -> str:
        """What the client sent that has no column: kept on the internal timeline for staff.
        A media_url is recorded, never fetched (we store nothing from outside)."""
        cleaned = self.cleaned_data
        lines = [bilingual(FILED_THROUGH_OPEN311, {"name": token_name})]
        for param in ("account_id", "device_id", "address_id", "media_url"):
            if cleaned.get(param):
                lines.append(f"{param}: {cleaned[param]}")
        for attribute, answer in (answers or {}).items():
            lines.append(f"{attribute.description}: {attribute.label(answer)}")
        return "\n".join(lines)


def _describe(param: str, error: ValidationError) -> list[str]:
    return [f"{param}: {bilingual(e.message, e.params)}" for e in error.error_list]


def form_errors(form: forms.Form) -> Open311Error:
    descriptions = []
    for name, errors in form.errors.as_data().items():
        for error in errors:
            descriptions.extend(_describe(name if name != "__all__" else "request", error))
    return Open311Error(400, descriptions)


def service_errors(error: ValidationError) -> Open311Error:
    """A ValidationError of service_request_create, named by the Open311 parameters."""
    if not hasattr(error, "error_dict"):
        return Open311Error(400, _describe("request", error))
    descriptions = []
    for name, errors in error.error_dict.items():
        for item in errors:
            descriptions.extend(_describe(PARAM_FOR_FIELD.get(name, name), item))
    return Open311Error(400, descriptions)


@transaction.atomic
def open311_request_create(*, form: Open311RequestForm, user, token_name: str,
                           answers: dict[ServiceAttribute, str] | None = None) -> ServiceRequest:
    """A request from a valid form, with the client's extra parameters and the answers to the
    service's attributes on its timeline; all or nothing."""
    service_request = service_request_create(
        data=form.service_data(answers), user=user, channel=Channel.OPEN311,
        photo=form.cleaned_data.get("media") or None,
    )
    note = form.client_note(token_name=token_name, answers=answers)
    service_request_comment(service_request=service_request, user=user, comment=note)
    return service_request


def created_serialise(service_request: ServiceRequest, *, status_url: str | None) -> dict:
    parts = [
        _("Received with tracking code %(code)s") % {"code": service_request.tracking_code},
        _("target: %(due)s") % {"due": thai_datetime(service_request.due_at)},
    ]
    if status_url:
        parts.append(_("follow it at %(url)s") % {"url": status_url})
    notice = "; ".join(str(part) for part in parts)
    return {
        "service_request_id": service_request.tracking_code,
        "service_notice": notice,
        # The spec's account_id is this server's id for the person; we keep no citizen accounts.
        "account_id": None,
    }
