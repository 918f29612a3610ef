"""Forms of the volunteer's phone flow: home visit, ADL assessment, NCD screening, visit filters.

The forms only read and tidy input. Numbers stay text here on purpose: the services check the
ranges (rules.vitals_errors, rules.adl_score) and answer in Thai and English, so a value typed on
a phone gets the same message whichever page it came from; the views put those errors back on
the form (`apply_service_errors`).
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from kernel.forms import ThaiDateField, form_add_service_errors
from kernel.text import ascii_digits

from ..rules import BARTHEL_ITEMS, AdlGroup, Complication, adl_group, adl_score

# Days until the next home visit when none is given: bedbound people are seen weekly.
NEXT_VISIT_DAYS = 30
NEXT_VISIT_DAYS_BEDBOUND = 7

# What each score of each Barthel item means (Thai MoPH Barthel ADL index form), so that a
# volunteer picks a description, not a number.
BARTHEL_LEVELS: dict[str, tuple] = {
    "feeding": (
        _("Cannot feed themselves; must be fed"),
        _("Feeds themselves with help (food cut up or prepared)"),
        _("Feeds themselves normally"),
    ),
    "grooming": (
        _("Needs help"),
        _("Washes face, combs hair, brushes teeth and shaves without help"),
    ),
    "transfer": (
        _("Cannot sit up (no sitting balance) or needs two people to lift"),
        _("Needs a lot of help (one strong or skilled helper)"),
        _("Needs a little help (verbal or one person)"),
        _("Independent"),
    ),
    "toilet": (
        _("Dependent"),
        _("Needs some help"),
        _("Independent (on and off, cleaning, dressing)"),
    ),
    "mobility": (
        _("Cannot move around"),
        _("Moves around independently in a wheelchair"),
        _("Walks or moves with help of one person"),
        _("Walks or moves independently"),
    ),
    "dressing": (
        _("Must be dressed by someone"),
        _("Does about half without help"),
        _("Independent (buttons, zips, laces)"),
    ),
    "stairs": (
        _("Unable"),
        _("Needs help"),
        _("Goes up and down without help"),
    ),
    "bathing": (
        _("Needs help or must be bathed"),
        _("Bathes without help"),
    ),
    "bowels": (
        _("Incontinent or needs enemas"),
        _("Occasional accident (less than once a week)"),
        _("Continent"),
    ),
    "bladder": (
        _("Incontinent, or catheterised and unable to manage"),
        _("Occasional accident (less than once a day)"),
        _("Continent"),
    ),
}

ADL_PREFIX = "adl_"

# Thai labels of the ADL groups without the English part, for the live total (visit-form.js).
ADL_GROUP_LABELS = {
    AdlGroup.SOCIAL.value: _("Socially active"),
    AdlGroup.HOMEBOUND.value: _("Homebound"),
    AdlGroup.BEDBOUND.value: _("Bedbound"),
}


def _number(label, *, decimal: bool = False, help_text=""):
    """A number typed on a phone: the numeric keypad, validated by the service."""
    attrs = {"inputmode": "decimal" if decimal else "numeric", "autocomplete": "off",
             "maxlength": "6", "class": "hv-number"}
    if not decimal:
        attrs["pattern"] = "[0-9๐-๙]*"
    return forms.CharField(label=label, required=False, max_length=8, help_text=help_text,
                           widget=forms.TextInput(attrs=attrs))


class AdlItemsMixin:
    """Adds the ten Barthel items as radio groups named `adl_<code>` (scores 0..max)."""

    def add_adl_fields(self):
        for item in BARTHEL_ITEMS:
            levels = BARTHEL_LEVELS[item.code]
            self.fields[ADL_PREFIX + item.code] = forms.CharField(
                label=item.label_th, required=False,
                widget=forms.RadioSelect(choices=[(str(score), text) for score, text in enumerate(levels)]),
            )

    def adl_rows(self):
        """For the template: each item with its bound field and its levels."""
        rows = []
        for item in BARTHEL_ITEMS:
            bound = self[ADL_PREFIX + item.code]
            rows.append({"item": item, "field": bound, "levels": list(enumerate(BARTHEL_LEVELS[item.code])),
                         "value": str(bound.value() if bound.value() is not None else "")})
        return rows

    def adl_items(self) -> dict | None:
        """{code: value} when any item was answered (the service then wants all ten), else None."""
        raw = {item.code: (self.cleaned_data.get(ADL_PREFIX + item.code) or "").strip()
               for item in BARTHEL_ITEMS}
        if not any(raw.values()):
            return None
        return {code: value for code, value in raw.items() if value != ""}

    def adl_answered(self) -> bool:
        return any((self.data.get(ADL_PREFIX + item.code) or "").strip() for item in BARTHEL_ITEMS)


class VisitForm(AdlItemsMixin, forms.Form):
    visited_on = ThaiDateField(label=_("Visit date"), past_only=True)
    sbp = _number(_("Systolic (upper) mmHg"))
    dbp = _number(_("Diastolic (lower) mmHg"))
    fbs = _number(_("Fasting blood sugar (mg/dL)"))
    weight_kg = _number(_("Weight (kg)"), decimal=True)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    next_visit_due = ThaiDateField(
        label=_("Next visit due"), required=False,
        help_text=_("Left empty: 30 days after this visit, 7 days for a bedbound person."),
    )
    # The service checks the photo (kernel.photos): a file field here, not Django's ImageField,
    # so that one set of messages (HEIC, too large) answers the page and the phone's sync alike.
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            widget=forms.FileInput(attrs={"accept": "image/*"}))
    # Made by visit-form.js (a UUID): the same visit sent twice (a second tap, a retry from the
    # phone's queue) is recorded once (services.home_visit_sync).
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, bedbound: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.bedbound = bedbound
        self.add_adl_fields()
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("visited_on", today)
            self.initial.setdefault("next_visit_due", today + dt.timedelta(days=self.default_gap(bedbound)))

    @staticmethod
    def default_gap(bedbound: bool) -> int:
        return NEXT_VISIT_DAYS_BEDBOUND if bedbound else NEXT_VISIT_DAYS

    def service_kwargs(self) -> dict:
        """The service's arguments; the next visit, when left empty, is 30 days after this one
        (7 for a person bedbound, or bedbound by this visit's ADL items)."""
        data = self.cleaned_data
        adl_items = self.adl_items()
        next_due = data.get("next_visit_due")
        if next_due is None:
            bedbound = self.bedbound
            if adl_items is not None:
                try:
                    bedbound = adl_group(adl_score(adl_items)) == AdlGroup.BEDBOUND
                except (ValidationError, ValueError):
                    pass  # the service reports the items
            next_due = data["visited_on"] + dt.timedelta(days=self.default_gap(bedbound))
        return {
            "visited_on": data["visited_on"],
            "sbp": ascii_digits(data.get("sbp") or ""),
            "dbp": ascii_digits(data.get("dbp") or ""),
            "fbs": ascii_digits(data.get("fbs") or ""),
            "weight_kg": ascii_digits(data.get("weight_kg") or "").replace(",", "."),
            "adl_items": adl_items,
            "notes": data.get("notes") or "",
            "next_visit_due": next_due,
            "photo": data.get("photo"),
            "idempotency_key": data.get("idempotency_key"),
        }


class AdlForm(AdlItemsMixin, forms.Form):
    """Either the ten items or, for a score taken elsewhere, the total only."""

    assessed_on = ThaiDateField(label=_("Assessment date"), past_only=True)
    score = _number(_("Total score only (0–20)"),
                    help_text=_("Only when the items were scored on paper; otherwise answer the ten items."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_adl_fields()
        if not self.is_bound:
            self.initial.setdefault("assessed_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        if not self.adl_answered() and not (cleaned.get("score") or "").strip():
            raise ValidationError(_("Answer the ten items, or enter the total score."))
        return cleaned

    def service_kwargs(self) -> dict:
        items = self.adl_items()
        score = ascii_digits(self.cleaned_data.get("score") or "").strip()
        return {"assessed_on": self.cleaned_data["assessed_on"], "items": items,
                "score": score or None}


class ScreeningForm(forms.Form):
    screened_on = ThaiDateField(label=_("Screening date"), past_only=True)
    sbp = _number(_("Systolic (upper) mmHg"))
    dbp = _number(_("Diastolic (lower) mmHg"))
    fbs = _number(_("Fasting blood sugar (mg/dL)"))
    complication = forms.ChoiceField(
        label=_("Complication"), required=False,
        choices=[("", _("No complication"))] + list(Complication.choices),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("screened_on", timezone.localdate())

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "screened_on": data["screened_on"],
            "sbp": ascii_digits(data.get("sbp") or ""),
            "dbp": ascii_digits(data.get("dbp") or ""),
            "fbs": ascii_digits(data.get("fbs") or ""),
            "complication": data.get("complication") or "",
        }


class VisitFilterForm(forms.Form):
    """Filters of the nurse's list of visits (GET). A bad value counts as blank."""

    volunteer = forms.ModelChoiceField(
        label=_("Visitor"), required=False, empty_label=_("All visitors"),
        queryset=User.objects.none(),
    )
    community = forms.ChoiceField(label=_("Community"), required=False)
    date_from = ThaiDateField(label=_("From"), required=False)
    date_to = ThaiDateField(label=_("To"), required=False)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = User.objects.filter(
            groups__name__in=[Role.VOLUNTEER.value, Role.NURSE.value]).distinct().order_by("username")
        self.fields["volunteer"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["community"].choices = [("", _("All communities"))] + [(c, c) for c in communities]
        for name in ("volunteer", "community"):
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label

    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) for name in self.fields if name not in self.errors}


def apply_service_errors(form: forms.Form, exc: ValidationError, *, aliases: dict | None = None) -> list[str]:
    """Put a service's {field: [messages]} on the form; fields the form does not have become
    form-wide errors. Returns the messages of `adl_items`/`items` (shown next to the ADL table)."""
    adl_messages: list[str] = []
    if hasattr(exc, "error_dict"):
        rest = {}
        for field, errors in exc.error_dict.items():
            if (aliases or {}).get(field, field) in ("adl_items", "items"):
                adl_messages.extend(message for error in errors for message in error.messages)
                form.add_error(None, _("Check the ADL items below."))
            else:
                rest[field] = errors
        exc = ValidationError(rest)
    form_add_service_errors(form, exc, aliases=aliases)
    return adl_messages
