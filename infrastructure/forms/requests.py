"""Forms of the staff service-request pages and the SLA settings grid.

The forms only read and tidy input; the workflow rules (legal transitions, SLA, who may be
assigned) live in services/requests.py, whose ValidationErrors the views put back on the form.
"""

from django import forms
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.forms import CommunityChoiceField
from kernel.text import parse_decimal_text

from ..models import (
    PLACE_NEEDED,
    TRANSITIONS,
    Asset,
    Channel,
    Condition,
    Priority,
    RequestCategory,
    RequestStatus,
    ServiceRequest,
    tracking_code_normalise,
)
from ..selectors import QUEUES

SLA_MIN_HOURS, SLA_MAX_HOURS = 1, 8760  # one hour .. one year
# Requests typed in by staff come by phone, by LINE or over the counter; the public page and
# Open311 have their own ways in.
STAFF_CHANNELS = (Channel.PHONE, Channel.LINE, Channel.STAFF)


COORDINATE = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})


def _blank(label):
    return [("", label)]


class RequestFilterForm(forms.Form):
    """The queue's tab, filters and search (GET). Unknown values are dropped, not refused."""

    queue = forms.ChoiceField(required=False, choices=[(q, q) for q in QUEUES])
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_blank(_("All categories")) + RequestCategory.choices,
        widget=forms.Select(attrs={"aria-label": _("Category")}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(_("All statuses")) + RequestStatus.choices,
        widget=forms.Select(attrs={"aria-label": _("Status")}),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=_blank(_("All priorities")) + Priority.choices,
        widget=forms.Select(attrs={"aria-label": _("Priority")}),
    )
    pin = forms.ChoiceField(
        label=_("Pin"), required=False, choices=[("", _("With or without a pin")), ("none", _("No pin yet"))],
        widget=forms.Select(attrs={"aria-label": _("Pin")}),
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def values(self) -> dict:
        """The valid values; a bad one (an old bookmark, a typo in the URL) counts as blank."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values = {name: cleaned.get(name) or "" for name in self.fields}
        values["q"] = values["q"].strip()
        values["queue"] = values["queue"] or "open"
        return values


class AssetCodeMixin:
    """An `asset_code` field resolved to one of `assets` (the queryset the view allows), or None
    when left empty."""

    def __init__(self, *args, assets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assets = assets if assets is not None else Asset.objects.none()

    def clean_asset_code(self):
        code = self.cleaned_data["asset_code"].strip()
        if not code:
            return None
        asset = self.assets.filter(code__iexact=code).first()
        if asset is None:
            raise ValidationError(_("No asset has the code “%(code)s”."), params={"code": code})
        return asset


class RequestCreateForm(AssetCodeMixin, forms.Form):
    """A request staff take down from a phone call, a LINE message or a visit to the office."""

    channel = forms.ChoiceField(
        label=_("Received by"), choices=[(c.value, c.label) for c in STAFF_CHANNELS], initial=Channel.PHONE
    )
    category = forms.ChoiceField(label=_("Category"), choices=_blank("---------") + RequestCategory.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    description = forms.CharField(
        label=_("What is the problem?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, widget=COORDINATE)
    longitude = forms.FloatField(label=_("Longitude"), required=False, widget=COORDINATE)
    address_text = forms.CharField(
        label=_("Address or landmark"), max_length=300, required=False,
        help_text=_("Enough on its own when the caller cannot say where on the map: set the pin later."),
    )
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, up to 8 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    asset_code = forms.CharField(
        label=_("Linked asset code"), max_length=40, required=False,
        help_text=_("Leave empty to link the nearest matching asset within 50 m (shown below the map)."),
    )
    no_asset = forms.BooleanField(label=_("Do not link any asset"), required=False)
    community = CommunityChoiceField(
        help_text=_("From the register. A community whose boundary covers the pin takes the request "
                    "whatever is chosen."),
    )
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=150, required=False)
    reporter_phone = forms.CharField(
        label=_("Reporter's phone"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    reporter_email = forms.EmailField(label=_("Reporter's e-mail"), required=False)

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if "latitude" not in self.errors and "longitude" not in self.errors:
            if lat is not None and lon is not None:
                cleaned["location"] = Point(lon, lat, srid=4326)
            elif lat is None and lon is None and (cleaned.get("address_text") or "").strip():
                cleaned["location"] = None  # a caller who can only say where: pinned later
            else:
                self.add_error("latitude", PLACE_NEEDED)
        if cleaned.get("no_asset") and cleaned.get("asset_code"):
            self.add_error("asset_code", _("Either enter an asset code or tick “Do not link any asset”."))
        return cleaned

    def service_data(self) -> dict:
        """The `data` dict of services.service_request_create."""
        c = self.cleaned_data
        data = {
            key: c[key] for key in (
                "category", "description", "address_text", "priority",
                "reporter_name", "reporter_phone", "reporter_email",
            )
        }
        data["location"] = c["location"]
        data["community"] = c.get("community")
        if c.get("asset_code"):
            data["asset"] = c["asset_code"]
        return data


# --- Action forms on the detail page ----------------------------------------------------------


class CommentMixin(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransitionForm(CommentMixin):
    """Change the status. The drop-down opens on "keep the current status" (a tap on a resolved
    request must never reopen it) and then offers only the legal next statuses, but any status is
    accepted here so that the service, which owns the workflow, answers an illegal one. Kept
    with a comment, the comment alone is added."""

    to_status = forms.ChoiceField(label=_("New status"), choices=[("", ""), *RequestStatus.choices],
                                  required=False)
    after_photo = forms.FileField(
        label=_("Photo after the repair (when resolving)"), required=False,
        help_text=_("JPEG, PNG or WebP, up to 8 MB. The citizen sees it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    asset_condition = forms.ChoiceField(
        label=_("Condition of the linked asset after the repair"), required=False,
        choices=[("", _("Leave as it is")), *Condition.choices],
    )
    field_order = ["to_status", "comment", "after_photo", "asset_condition"]

    def __init__(self, *args, service_request: ServiceRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = _("When resolving or rejecting, the citizen reads this note; "
                                             "otherwise it stays internal.")
        if RequestStatus.RESOLVED not in TRANSITIONS.get(service_request.status, frozenset()):
            del self.fields["after_photo"]
            del self.fields["asset_condition"]
        elif service_request.asset_id is None:
            del self.fields["asset_condition"]
        legal = TRANSITIONS.get(service_request.status, frozenset()) - {RequestStatus.DUPLICATE}
        if service_request.assignee_id is None:
            legal -= {RequestStatus.ASSIGNED}  # nobody to assign: the "Assign" form does both
        self.offered = [(s.value, s.label) for s in RequestStatus if s in legal]
        keep = _("Keep the current status (%(status)s)") % {"status": service_request.get_status_display()}
        self.fields["to_status"].widget.choices = [("", keep), *self.offered]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("to_status") and not (cleaned.get("comment") or "").strip() and not self.errors:
            raise ValidationError(_("Choose a new status, or write a comment."), code="nothing")
        return cleaned


class PhotoForm(CommentMixin):
    """A photo taken on site (services.service_request_photo_add decides where it is kept)."""

    photo = forms.FileField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP, up to 8 MB."),
        # No `capture`: a phone then offers its camera and its gallery both.
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": _("Choose or take a photo.")},
    )
    field_order = ["photo", "comment"]


def assignable_users():
    """Active people of this municipality (this schema) who may work on requests."""
    perms = Permission.objects.filter(
        content_type__app_label="infrastructure", codename="change_servicerequest"
    )
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=perms) | Q(user_permissions__in=perms) | Q(is_superuser=True))
        .distinct()
        .prefetch_related("groups")
        .order_by("first_name", "last_name", "username")
    )


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        role = obj.role.label if obj.role else ""
        return " · ".join(part for part in (name or obj.username, str(role)) if part)


class AssignForm(CommentMixin):
    assignee = AssigneeChoiceField(
        label=_("Assign to"), queryset=User.objects.none(),
        error_messages={"invalid_choice": _("This person cannot work on service requests.")},
    )
    field_order = ["assignee", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()


class PriorityForm(CommentMixin):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    field_order = ["priority", "comment"]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment.")},
    )
    public = forms.BooleanField(
        label=_("Public: show it on the status page and send it to the reporter"), required=False,
    )


class DuplicateForm(CommentMixin):
    """Mark this request a duplicate of another, named by its tracking code."""

    original = forms.CharField(
        label=_("Tracking code of the original request"), max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "ABCD-2345", "autocapitalize": "characters"}),
    )
    field_order = ["original", "comment"]

    def __init__(self, *args, requests=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.requests = requests if requests is not None else ServiceRequest.objects.none()

    def clean_original(self):
        text = self.cleaned_data["original"]
        code = tracking_code_normalise(text)
        if code is None:
            raise ValidationError(
                _("“%(code)s” is not a tracking code: it has 8 letters and digits, like ABCD-2345."),
                params={"code": text},
            )
        original = self.requests.filter(tracking_code=code).first()
        if original is None:
            raise ValidationError(_("No request has the tracking code %(code)s."), params={"code": code})
        return original


class LinkAssetForm(AssetCodeMixin, CommentMixin):
    asset_code = forms.CharField(
        label=_("Asset code"), max_length=40, required=False,
        help_text=_("Leave empty to unlink the asset."),
    )
    field_order = ["asset_code", "comment"]


class LocationForm(CommentMixin):
    """The request's pin, set (or moved) on the request's map; the coordinates can be typed too."""

    latitude = forms.FloatField(label=_("Latitude"), widget=COORDINATE,
                                error_messages={"required": _("The location is empty: pick it on the map.")})
    longitude = forms.FloatField(label=_("Longitude"), widget=COORDINATE,
                                 error_messages={"required": _("The location is empty: pick it on the map.")})
    field_order = ["latitude", "longitude", "comment"]

    def location(self) -> Point:
        return Point(self.cleaned_data["longitude"], self.cleaned_data["latitude"], srid=4326)


# --- SLA settings -----------------------------------------------------------------------------


def sla_field_name(category: str, priority: str) -> str:
    return f"h_{category}_{priority}"


class HoursField(forms.Field):
    """Whole hours from 1 to 8760; Thai digits and thousands separators are read too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": _("Enter the number of hours.")})
        super().__init__(
            widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5, "autocomplete": "off"}), **kwargs
        )

    def to_python(self, value):
        text = parse_decimal_text(value)
        if not text:
            return None
        if not (text.isascii() and text.isdigit()) or len(text) > 6:
            raise ValidationError(
                _("“%(value)s” is not a whole number of hours (from %(min)s to %(max)s)."),
                params={"value": str(value)[:20], "min": SLA_MIN_HOURS, "max": SLA_MAX_HOURS}, code="invalid",
            )
        return int(text)

    def validate(self, value):
        super().validate(value)
        if value is not None and not SLA_MIN_HOURS <= value <= SLA_MAX_HOURS:
            raise ValidationError(
                _("%(value)s hours is out of range: enter from %(min)s to %(max)s hours."),
                params={"value": value, "min": SLA_MIN_HOURS, "max": SLA_MAX_HOURS}, code="range",
            )


class SlaGridForm(forms.Form):
    """One hours field per category × priority, pre-filled from the current table."""

    def __init__(self, *args, table: dict[str, dict[str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.table = table
        for category in RequestCategory:
            for priority in Priority:
                name = sla_field_name(category.value, priority.value)
                self.fields[name] = HoursField(
                    label=f"{category.label} · {priority.label}", initial=table[category][priority]
                )

    def changes(self) -> list[tuple[str, str, int]]:
        """(category, priority, hours) for every cell whose value differs from the table."""
        return [
            (category.value, priority.value, self.cleaned_data[sla_field_name(category, priority)])
            for category in RequestCategory
            for priority in Priority
            if self.cleaned_data[sla_field_name(category, priority)] != self.table[category][priority]
        ]
