"""Forms of the registry pages: the person and household filters and edit forms, and the audit-log
filter. They parse and check input; saving goes through smarthealth.services."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from communities.forms import CommunityChoiceField
from kernel.forms import ThaiBirthDateField, ThaiDateField
from kernel.national_id import normalise_national_id
from kernel.text import strip_bidi_controls

from ..models import AccessLog, ChronicCondition, Person
from ..rules import ELDERLY_FILTER, AdlGroup, AgeBand, Disability, NcdColour

# The usual Thai name prefixes; the field accepts any other (ร.ต.อ., ว่าที่ ร.ต., พระ …).
PREFIX_SUGGESTIONS = ("นาย", "นาง", "นางสาว", "ด.ช.", "ด.ญ.")
_PHONE = re.compile(r"^\+?[0-9][0-9\s\-]{7,18}$")
_ALL = ("", _("All"))


class PlainTextField(forms.CharField):
    """A name or label: bidirectional control characters are dropped before the required check,
    so a name of nothing but a right-to-left override is empty, not a name."""

    def to_python(self, value):
        return strip_bidi_controls(super().to_python(value)).strip()


def _choices(*extra, choices=()):
    return [_ALL, *choices, *extra]


def condition_choices(*, include: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Active chronic conditions (plus any inactive code in `include`, so editing a person never
    drops a code silently)."""
    rows = ChronicCondition.objects.filter(active=True) | ChronicCondition.objects.filter(code__in=include)
    return [(c.code, c.name) for c in rows.order_by("code")]


class PersonFilterForm(forms.Form):
    """The person list's search box and filters. The form posts (never GET) so that a name or a
    national ID typed in the search box stays out of URLs, browser history and server logs."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={
            "type": "search", "autocomplete": "off",
            "placeholder": _("Name, or the full 13-digit national ID"),
        }),
    )
    community = forms.ChoiceField(label=_("Community"), required=False)
    moo = forms.ChoiceField(label=_("Moo"), required=False)
    condition = forms.ChoiceField(label=_("Chronic condition"), required=False)
    adl_group = forms.ChoiceField(
        label=_("ADL group"), required=False,
        choices=_choices(("none", _("Not assessed")), choices=AdlGroup.choices),
    )
    ncd_colour = forms.ChoiceField(
        label=_("NCD colour"), required=False,
        choices=_choices(("none", _("Not screened")), choices=NcdColour.choices),
    )
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=_choices(choices=Person.Status.choices))
    age_band = forms.ChoiceField(
        label=_("Age"), required=False,
        choices=_choices(choices=[(ELDERLY_FILTER, _("60 and over")), *AgeBand.choices]),
    )
    disability = forms.ChoiceField(
        label=_("Disability"), required=False,
        choices=_choices(choices=[("any", _("Any disability")),
                                  *[c for c in Disability.choices if c[0] != Disability.NONE]]),
    )
    household = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, communities=(), moos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _choices(choices=[(c, c) for c in communities])
        self.fields["moo"].choices = _choices(choices=[(str(m), str(m)) for m in moos])
        self.fields["condition"].choices = _choices(choices=condition_choices())

    def filters(self) -> dict:
        """The valid filters (an invalid value is dropped, with the form showing why)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(
        label=_("House ID or house number"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("House ID or house number")}),
    )
    community = forms.ChoiceField(label=_("Community"), required=False)
    moo = forms.ChoiceField(label=_("Moo"), required=False)
    volunteer = forms.ChoiceField(label=_("Health volunteer"), required=False)
    located = forms.ChoiceField(label=_("On the map"), required=False, choices=[
        ("", _("On the map or not")), ("no", _("Not on the map yet")), ("yes", _("On the map"))])

    def __init__(self, *args, communities=(), moos=(), volunteers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _choices(choices=[(c, c) for c in communities])
        self.fields["moo"].choices = _choices(choices=[(str(m), str(m)) for m in moos])
        if volunteers:
            self.fields["volunteer"].choices = _choices(
                ("none", _("No volunteer assigned")),
                choices=[(str(u.pk), u.get_full_name() or u.username) for u in volunteers],
            )
        else:
            del self.fields["volunteer"]

    def filters(self) -> dict:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def active_volunteers(*, also_pk: int | None = None):
    """Active users with the volunteer role (and `also_pk`, a household's current volunteer, so
    that one who has since left the role stays visible on its form)."""
    wanted = Q(groups__name=Role.VOLUNTEER.value, is_active=True)
    if also_pk is not None:
        wanted |= Q(pk=also_pk)
    return User.objects.filter(wanted).order_by("first_name", "username").distinct()


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class PersonForm(forms.Form):
    """Register or correct a person. On edit the national ID may stay empty (kept as it is)."""

    cid = forms.CharField(
        label=_("National ID"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("13 digits; dashes and spaces are fine."),
    )
    prefix = PlainTextField(
        label=_("Prefix"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"list": "person-prefixes", "autocomplete": "off"}),
        help_text=_("นาย, นาง, นางสาว, ด.ช., ด.ญ. or any other title."),
    )
    first_name = PlainTextField(label=_("First name"), max_length=100)
    last_name = PlainTextField(label=_("Last name"), max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, widget=forms.RadioSelect)
    birth_date = ThaiBirthDateField(
        label=_("Birth date"),
        help_text=_("Day/month/year in the Buddhist Era, e.g. 15/06/2510."),
    )
    house_id = forms.CharField(
        label=_("House ID"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("The 11-digit house ID of the household the person lives in."),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    chronic_conditions = forms.MultipleChoiceField(
        label=_("Chronic conditions"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    disability = forms.ChoiceField(label=_("Disability"), choices=Disability.choices,
                                   initial=Disability.NONE)
    status = forms.ChoiceField(label=_("Status"), choices=Person.Status.choices,
                               initial=Person.Status.LIVING)
    # A household known by the health centre's HID only (no house ID to type): chosen by its page.
    household = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, person: Person | None = None, households=None, **kwargs):
        """`households`: those the user may put the person in (selectors.households_for)."""
        self.person = person
        self.households = households
        if person is not None:
            kwargs.setdefault("initial", {
                "household": person.household_id if person.household and not person.household.house_id
                else None,
                "prefix": person.prefix, "first_name": person.first_name,
                "last_name": person.last_name, "sex": person.sex, "birth_date": person.birth_date,
                "house_id": person.household.house_id if person.household else "",
                "phone": person.phone, "chronic_conditions": list(person.chronic_conditions or []),
                "disability": person.disability, "status": person.status,
            })
        super().__init__(*args, **kwargs)
        include = tuple(person.chronic_conditions or []) if person is not None else ()
        self.fields["chronic_conditions"].choices = condition_choices(include=include)
        if person is not None:
            cid = self.fields["cid"]
            cid.required = False
            cid.help_text = _("Now %(masked)s. Leave empty to keep it; type the full ID only to "
                              "correct it.") % {"masked": person.identity_masked}

    def clean_cid(self):
        value = self.cleaned_data["cid"].strip()
        if not value and self.person is not None:
            return ""
        return normalise_national_id(value)

    def clean_household(self):
        pk = self.cleaned_data.get("household")
        if pk is None or self.households is None:
            return None
        return self.households.filter(pk=pk).first()

    def clean_house_id(self):
        value = re.sub(r"[\s\-]", "", self.cleaned_data["house_id"])
        if value and not (len(value) == 11 and value.isdigit()):
            raise ValidationError(_("A house ID has exactly 11 digits."))
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not _PHONE.match(value):
            raise ValidationError(_("Enter a phone number of digits, e.g. 081-234-5678."))
        return value

    def service_data(self) -> dict:
        """The cleaned values as services.person_create / person_update take them."""
        data = {k: self.cleaned_data[k] for k in (
            "prefix", "first_name", "last_name", "sex", "birth_date", "phone",
            "chronic_conditions", "disability", "status")}
        if self.cleaned_data["cid"]:
            data["cid"] = self.cleaned_data["cid"]
        if self.cleaned_data["house_id"]:
            data["house_id"] = self.cleaned_data["house_id"]
        else:
            data["household"] = self.cleaned_data.get("household")
        return data


class HouseholdForm(forms.Form):
    house_id = forms.RegexField(
        label=_("House ID"), regex=r"^\d{11}$", max_length=11,
        error_messages={"invalid": _("A house ID has exactly 11 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("11 digits, as on the house registration (ทะเบียนบ้าน)."),
    )
    house_no = PlainTextField(label=_("House number"), max_length=75)
    moo = forms.IntegerField(label=_("Moo (village no.)"), required=False, min_value=1, max_value=99)
    community = CommunityChoiceField(
        help_text=_("From the register. A community whose boundary covers the house takes it whatever "
                    "is chosen."))
    road = PlainTextField(label=_("Road"), required=False, max_length=120)
    subdistrict_code = forms.RegexField(
        label=_("Subdistrict code"), regex=r"^\d{6}$", required=False, max_length=6,
        error_messages={"invalid": _("A subdistrict code has exactly 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    lat = forms.FloatField(label=_("Latitude"), required=False,
                           widget=forms.NumberInput(attrs={"step": "any", "data-picker-lat": ""}))
    lon = forms.FloatField(label=_("Longitude"), required=False,
                           widget=forms.NumberInput(attrs={"step": "any", "data-picker-lon": ""}))
    volunteer = VolunteerChoiceField(label=_("Health volunteer (อสม.)"), required=False,
                                     queryset=User.objects.none(),
                                     empty_label=_("— nobody yet —"))

    def __init__(self, *args, household=None, **kwargs):
        self.household = household
        self.known_by_hid = household is not None and bool(household.hid) and not household.house_id
        if household is not None:
            location = household.location
            kwargs.setdefault("initial", {
                "house_id": household.house_id, "house_no": household.house_no,
                "moo": household.moo, "community": household.community_ref, "road": household.road,
                "subdistrict_code": household.subdistrict_code,
                "lat": round(location.y, 6) if location else None,
                "lon": round(location.x, 6) if location else None,
                "volunteer": household.volunteer_id,
            })
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = active_volunteers(
            also_pk=household.volunteer_id if household is not None else None)
        if self.known_by_hid:  # registered by the health centre without its house ID (yet)
            self.fields["house_id"].required = False
            self.fields["house_id"].help_text = _(
                "Known as %(label)s until its 11-digit house ID is entered.") % {"label": household.label}

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if (lat is None) != (lon is None) and "lat" not in self.errors and "lon" not in self.errors:
            self.add_error("lat", _("Enter both latitude and longitude, or neither."))
        return cleaned

    def service_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in (
            "house_id", "house_no", "moo", "community", "road", "subdistrict_code", "volunteer")}
        if self.cleaned_data["lat"] is not None:
            data["lat"], data["lon"] = self.cleaned_data["lat"], self.cleaned_data["lon"]
        else:
            data["location"] = None
        return data


class AccessLogFilterForm(forms.Form):
    username = forms.ChoiceField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=_choices(choices=AccessLog.Action.choices))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=_choices(choices=AccessLog.Outcome.choices))
    object_type = forms.ChoiceField(label=_("Kind of record"), required=False)
    object_ref = forms.CharField(label=_("Record reference"), required=False, max_length=120,
                                 widget=forms.TextInput(attrs={"autocomplete": "off"}))
    date_from = ThaiDateField(label=_("From"), required=False)
    date_to = ThaiDateField(label=_("To"), required=False)

    # A person's opaque public id, set by the "this person's rows" link (never a name or an ID).
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, usernames=(), object_types=(), **kwargs):
        """`usernames`, `object_types`: (value, label) pairs — people's names, records in words."""
        super().__init__(*args, **kwargs)
        self.fields["username"].choices = _choices(choices=list(usernames))
        self.fields["object_type"].choices = _choices(choices=list(object_types))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
