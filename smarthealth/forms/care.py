"""The care lists and their filters: which lists there are, and the form that reads a list's
filters from the query string (the same form for the page, its print view and its export)."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..rules import AdlGroup, Disability
from ..selectors import UNCONTROLLED, community_choices_for


@dataclass(frozen=True)
class CareList:
    kind: str
    title: str
    description: str
    filters: tuple[str, ...]  # the kind-specific filter fields of CareFilterForm


CARE_LISTS: dict[str, CareList] = {
    spec.kind: spec for spec in (
        CareList("elderly", _("Elderly (60+)"),
                 _("Living persons aged 60 and over, by their latest ADL group."), ("adl_group",)),
        CareList("bedridden", _("Bedridden"),
                 _("Bedbound by the latest ADL assessment, with the last home visit; overdue when "
                   "the next visit date has passed or there was no visit in 30 days."),
                 ("overdue",)),
        CareList("uncontrolled", _("Uncontrolled DM / HT"),
                 _("Diabetes or hypertension patients whose latest screening is yellow, orange or red."),
                 ("condition", "colour")),
        CareList("disabled", _("Persons with disabilities"),
                 _("Living persons with a registered disability, by type."), ("disability",)),
    )
}


class CareFilterForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"), required=False)
    moo = forms.IntegerField(label=_("Moo"), required=False, min_value=1, max_value=99,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    adl_group = forms.ChoiceField(
        label=_("ADL group"), required=False,
        choices=[("", _("All ADL groups")), *AdlGroup.choices, ("none", _("Not assessed"))],
    )
    overdue = forms.ChoiceField(
        label=_("Visits"), required=False,
        choices=[("", _("All")), ("1", _("Overdue visits only"))],
    )
    condition = forms.ChoiceField(
        label=pgettext_lazy("chronic disease", "Condition"), required=False,
        choices=[("", _("DM or HT")), ("DM", _("Diabetes")), ("HT", _("Hypertension"))],
    )
    colour = forms.ChoiceField(
        label=_("NCD colour"), required=False,
        choices=[("", _("Yellow, orange or red")),
                 *[(c.value, c.label) for c in UNCONTROLLED]],
    )
    disability = forms.ChoiceField(
        label=_("Disability type"), required=False,
        choices=[("", _("All types")), *[c for c in Disability.choices if c[0] != Disability.NONE]],
    )

    def __init__(self, data, *, spec: CareList, user):
        super().__init__(data)
        for name in ("adl_group", "overdue", "condition", "colour", "disability"):
            if name not in spec.filters:
                del self.fields[name]
        self.fields["community"].choices = [("", _("All communities")),
                                            *[(c, c) for c in community_choices_for(user)]]

    def summary(self) -> list[tuple[str, str]]:
        """(label, shown value) of each filter in use, for the print header."""
        shown = []
        for name, value in self.active().items():
            field = self.fields[name]
            choices = dict(getattr(field, "choices", None) or [])
            shown.append((str(field.label), str(choices.get(value, value))))
        return shown

    def active(self) -> dict:
        """The filters in use, as strings (for the audit row and the page links)."""
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}
