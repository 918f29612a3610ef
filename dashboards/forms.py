from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.i18n import in_active_language

from .aggregates import PERIODS, Filters
from .disaster import (
    AGES,
    DEFAULT_KINDS,
    DEFAULT_METRES,
    DEFAULT_VULNERABLE,
    MAX_METRES,
    MIN_METRES,
    VULNERABILITIES,
    Query,
    kind_choices,
)
from .targets import ASSETS, HEALTH, REQUESTS, TARGET_FIGURES


class DashboardFilterForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"), required=False)
    months = forms.TypedChoiceField(
        label=_("Period (service requests)"), required=False, coerce=int, empty_value=PERIODS[-1],
        choices=[(3, _("Last 3 months")), (6, _("Last 6 months")), (12, _("Last 12 months"))],
    )

    def __init__(self, data, *, communities: list[str]):
        super().__init__(data, initial={"months": PERIODS[-1]})
        self.fields["community"].choices = [("", _("Whole municipality")), *[(c, c) for c in communities]]
        self.fields["community"].error_messages["invalid_choice"] = _(
            "There are no figures for this community. Choose one from the list.")
        self.fields["months"].error_messages["invalid_choice"] = _("Choose a period of 3, 6 or 12 months.")

    def filters(self) -> Filters:
        """The filters to show: the whole municipality over 12 months when the input is bad (the
        form then carries the error to show)."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        return Filters(community=self.cleaned_data["community"] or "",
                       months=self.cleaned_data["months"] or PERIODS[-1])


class DisasterForm(forms.Form):
    metres = forms.IntegerField(
        label=_("Distance (metres)"), required=False, min_value=MIN_METRES, max_value=MAX_METRES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 10}),
    )
    kinds = forms.MultipleChoiceField(label=_("Hazards"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    age = forms.TypedChoiceField(
        label=_("Requests reported within"), required=False, coerce=int, empty_value=None,
        choices=[("", _("any time")), *AGES.items()],
    )
    vulnerable = forms.MultipleChoiceField(label=_("Vulnerable people"), required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           choices=list(VULNERABILITIES.items()))

    def __init__(self, data=None):
        super().__init__(data, initial={"kinds": list(DEFAULT_KINDS), "vulnerable": list(DEFAULT_VULNERABLE),
                                        "metres": DEFAULT_METRES})
        self.fields["kinds"].choices = kind_choices()

    def clean_metres(self):
        return self.cleaned_data["metres"] or DEFAULT_METRES

    def full_clean(self):
        super().full_clean()
        # One clear message instead of Django's generic range messages.
        if "metres" in self.errors:
            self.errors["metres"] = self.error_class([in_active_language(
                _("Choose a distance from %(min)s to %(max)s metres."),
                {"min": MIN_METRES, "max": MAX_METRES})])

    def query(self) -> Query | None:
        """What to show (the usual view when nothing was asked); None when the input is bad."""
        if not self.is_bound:
            return Query()
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return Query(metres=data["metres"], kinds=tuple(data["kinds"] or DEFAULT_KINDS),
                     vulnerable=tuple(data["vulnerable"] or DEFAULT_VULNERABLE), max_age_days=data["age"])

    def distance(self) -> int | None:
        query = self.query()
        return query.metres if query else None


class TargetsForm(forms.Form):
    """One field per target figure (targets.TARGET_FIGURES): a percentage, blank for no target."""

    def __init__(self, data=None, *, current: dict[str, Decimal]):
        super().__init__(data, initial=dict(current))
        for key, figure in TARGET_FIGURES.items():
            hint = (_("Met when the actual value is at least the target.") if figure.higher_is_better
                    else _("Met when the actual value is at most the target."))
            self.fields[key] = forms.DecimalField(
                label=figure.label, required=False, min_value=0, max_value=100, max_digits=4,
                decimal_places=1, help_text=hint,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1", "min": 0, "max": 100,
                                                "placeholder": figure.suggestion}),
                error_messages={"min_value": _("Enter a percentage from 0 to 100."),
                                "max_value": _("Enter a percentage from 0 to 100."),
                                "invalid": _("Enter a percentage from 0 to 100."),
                                "max_decimal_places": _("Use at most one decimal place."),
                                "max_digits": _("Enter a percentage from 0 to 100.")})
        self.sections = [
            (_("Service requests"), [self[k] for k, f in TARGET_FIGURES.items() if f.section == REQUESTS]),
            (_("Smart health"), [self[k] for k, f in TARGET_FIGURES.items() if f.section == HEALTH]),
            (_("Infrastructure"), [self[k] for k, f in TARGET_FIGURES.items() if f.section == ASSETS]),
        ]

    def values(self) -> dict[str, Decimal | None]:
        """Every figure's target as entered (None = no target)."""
        return {key: self.cleaned_data.get(key) for key in TARGET_FIGURES}
