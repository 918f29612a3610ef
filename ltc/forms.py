"""Forms of the LTC pages. They read and tidy input; the services check the rules."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from kernel.forms import ThaiDateField, form_add_service_errors

from .models import Caregiver, CareManager, CarePlan, GroupRule, LtcSettings
from .rules import (
    Activity,
    CareCategory,
    CgHours,
    CgStatus,
    CmStatus,
    Group,
    Problem,
    Responsible,
    Tai,
    Weekday,
)

SCHEDULE_ROWS = 8
ITEM_ROWS = 3  # per category


class EnrolForm(forms.Form):
    enrolled_on = ThaiDateField(label=_("Enrolled on"), required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why not enrolled"), max_length=500)


class AssignForm(forms.Form):
    care_manager = forms.ModelChoiceField(CareManager.objects.none(), label=_("Care manager"), required=False)
    caregiver = forms.ModelChoiceField(Caregiver.objects.none(), label=_("Caregiver"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        managers = self.fields["care_manager"]
        caregivers = self.fields["caregiver"]
        assert isinstance(managers, forms.ModelChoiceField) and isinstance(caregivers, forms.ModelChoiceField)
        managers.queryset = CareManager.objects.all()
        managers.label_from_instance = lambda cm: cm.full_name  # type: ignore[method-assign]
        caregivers.queryset = Caregiver.objects.all()
        caregivers.label_from_instance = lambda cg: cg.full_name  # type: ignore[method-assign]


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How the case ends"),
        choices=[
            ("improved", _("Improved")),
            ("died", _("Died")),
            ("moved", _("Moved out")),
            ("closed", _("Closed")),
        ],
    )
    on = ThaiDateField(label=_("Date"))
    reason = forms.CharField(label=_("Note"), required=False, max_length=500)


class PlanForm(forms.Form):
    budget_year = forms.IntegerField(label=_("Budget year (B.E.)"), min_value=2500, max_value=2700)
    written_on = ThaiDateField(label=_("Written on"))
    diagnosis = forms.CharField(
        label=_("Diagnosis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    adl_score = forms.IntegerField(label=_("ADL score (0–20)"), min_value=0, max_value=20)
    tai = forms.ChoiceField(label=_("TAI"), choices=[("", "—"), *Tai.choices], required=False)
    group = forms.TypedChoiceField(label=_("Group (chosen by the CM)"), choices=Group.choices, coerce=int)
    problems = forms.CharField(
        label=_("Problems and needs"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    short_term_goals = forms.CharField(
        label=_("Short-term goals (under 3 months)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    long_term_goals = forms.CharField(
        label=_("Long-term goals"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    precautions = forms.CharField(
        label=_("Precautions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    devices = forms.CharField(
        label=_("Assistive devices and medical equipment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    requested_amount = forms.DecimalField(
        label=_("Requested annual amount (baht)"), min_value=0, max_digits=10, decimal_places=2
    )
    amount_breakdown = forms.CharField(
        label=_("Breakdown of the amount"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in CareCategory:
            for n in range(ITEM_ROWS):
                self.fields[f"item_{category.value}_{n}"] = forms.CharField(
                    label=category.label, required=False, max_length=300
                )
        for n in range(SCHEDULE_ROWS):
            self.fields[f"s{n}_activity"] = forms.CharField(
                label=_("Activity"), required=False, max_length=200
            )
            self.fields[f"s{n}_weekday"] = forms.TypedChoiceField(
                label=_("Day"), choices=Weekday.choices, coerce=int, required=False
            )
            self.fields[f"s{n}_time"] = forms.TimeField(
                label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"s{n}_frequency"] = forms.CharField(
                label=_("Frequency"), required=False, max_length=60
            )
            self.fields[f"s{n}_responsible"] = forms.ChoiceField(
                label=_("Who"), choices=Responsible.choices, required=False
            )

    MAIN = (
        "budget_year",
        "written_on",
        "diagnosis",
        "adl_score",
        "tai",
        "group",
        "problems",
        "short_term_goals",
        "long_term_goals",
        "precautions",
        "devices",
        "requested_amount",
        "amount_breakdown",
    )

    def main_fields(self):
        return [self[name] for name in self.MAIN]

    def item_rows(self):
        return [
            (category, [self[f"item_{category.value}_{n}"] for n in range(ITEM_ROWS)])
            for category in CareCategory
        ]

    def schedule_rows(self):
        return [
            [self[f"s{n}_{part}"] for part in ("activity", "weekday", "time", "frequency", "responsible")]
            for n in range(SCHEDULE_ROWS)
        ]

    def items(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [
            (category.value, data.get(f"item_{category.value}_{n}") or "")
            for category in CareCategory
            for n in range(ITEM_ROWS)
        ]

    def schedule(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for n in range(SCHEDULE_ROWS):
            activity = (data.get(f"s{n}_activity") or "").strip()
            if activity and data.get(f"s{n}_weekday") not in (None, ""):
                rows.append(
                    {
                        "activity": activity,
                        "weekday": data[f"s{n}_weekday"],
                        "time": data.get(f"s{n}_time"),
                        "frequency": data.get(f"s{n}_frequency") or "",
                        "responsible": data.get(f"s{n}_responsible") or Responsible.CG,
                    }
                )
        return rows

    @staticmethod
    def initial_from(plan: CarePlan | None, **extra) -> dict:
        if plan is None:
            return extra
        initial = {
            field: getattr(plan, field)
            for field in (
                "diagnosis",
                "adl_score",
                "tai",
                "group",
                "problems",
                "short_term_goals",
                "long_term_goals",
                "precautions",
                "devices",
                "requested_amount",
                "amount_breakdown",
                "budget_year",
            )
        }
        counters: dict[str, int] = {}
        for item in plan.items.all():
            n = counters.get(item.category, 0)
            if n < ITEM_ROWS:
                initial[f"item_{item.category}_{n}"] = item.text
            counters[item.category] = n + 1
        for n, row in enumerate(list(plan.schedule.all())[:SCHEDULE_ROWS]):
            initial.update(
                {
                    f"s{n}_activity": row.activity,
                    f"s{n}_weekday": row.weekday,
                    f"s{n}_time": row.time,
                    f"s{n}_frequency": row.frequency,
                    f"s{n}_responsible": row.responsible,
                }
            )
        return {**initial, **extra}


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Approved")), ("0", _("Not approved"))],
    )
    decided_on = ThaiDateField(label=_("Decision date"))
    meeting = forms.CharField(label=_("Meeting (no./year)"), max_length=60, required=False)
    approved_amount = forms.DecimalField(
        label=_("Approved amount (baht)"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PaymentForm(forms.Form):
    paid_on = ThaiDateField(label=_("Paid on"))
    amount = forms.DecimalField(label=_("Amount (baht)"), min_value=0, max_digits=10, decimal_places=2)
    reference = forms.CharField(label=_("Voucher"), max_length=60, required=False)


class VisitForm(forms.Form):
    """What the CG's phone sends (visit-form.js fills the times and the location)."""

    visited_on = ThaiDateField(label=_("Visit date"))
    check_in_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    check_out_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    check_in_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    check_in_lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    check_out_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    check_out_lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    activities = forms.MultipleChoiceField(
        label=_("Activities done"),
        choices=Activity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sbp = forms.CharField(
        label=_("Systolic pressure (mmHg)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    dbp = forms.CharField(
        label=_("Diastolic pressure (mmHg)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    pulse = forms.CharField(
        label=_("Pulse (per minute)"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    temperature = forms.CharField(
        label=_("Temperature (°C)"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    glucose = forms.CharField(
        label=_("Blood glucose (mg/dL)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    problems = forms.MultipleChoiceField(
        label=_("Problems found"),
        choices=Problem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    witness_name = forms.CharField(label=_("Relative (witness)"), required=False, max_length=120)
    deviation_reason = forms.CharField(
        label=_("Different from the plan? Say how"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.ImageField(label=_("Photo"), required=False)
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()


def add_service_errors(form: forms.Form, error) -> None:
    form_add_service_errors(form, error)


class CareManagerForm(forms.ModelForm):
    cid = forms.CharField(label=_("National ID"), max_length=17, required=False)
    training_date = ThaiDateField(label=_("Training date"), required=False)

    class Meta:
        model = CareManager
        fields = [
            "prefix",
            "first_name",
            "last_name",
            "phone",
            "licence_no",
            "unit",
            "training_date",
            "training_organiser",
            "status",
            "user",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The CM flag goes on a nurse's account (a health officer holds the nurse role too).
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = User.objects.filter(groups__name=Role.NURSE.value)
        self.fields["status"].choices = CmStatus.choices


class CaregiverForm(forms.ModelForm):
    cid = forms.CharField(label=_("National ID"), max_length=17, required=False)
    training_date = ThaiDateField(label=_("Training date"), required=False)

    class Meta:
        model = Caregiver
        fields = [
            "prefix",
            "first_name",
            "last_name",
            "phone",
            "hours",
            "unit",
            "training_date",
            "training_organiser",
            "status",
            "employment",
            "care_manager",
            "user",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = User.objects.filter(groups__name=Role.CAREGIVER.value)
        self.fields["hours"].choices = CgHours.choices
        self.fields["status"].choices = CgStatus.choices


class SettingsForm(forms.ModelForm):
    class Meta:
        model = LtcSettings
        fields = [
            "fund_year_start_month",
            "reassessment_days",
            "renewal_warning_days",
            "default_annual_rate",
            "note",
        ]


class GroupRuleForm(forms.ModelForm):
    tai_codes = forms.MultipleChoiceField(
        label=_("TAI codes"), choices=Tai.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = GroupRule
        fields = [
            "order",
            "group",
            "adl_min",
            "adl_max",
            "tai_codes",
            "visits_per_month",
            "annual_rate",
            "confirmed",
        ]


GroupRuleFormSet = forms.modelformset_factory(GroupRule, form=GroupRuleForm, extra=1, can_delete=True)


def month_of(value: str | None) -> dt.date:
    """`YYYY-MM` (a month input) → its first day; this month when empty or unreadable."""
    try:
        year, month = (int(part) for part in (value or "").split("-")[:2])
        return dt.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)
