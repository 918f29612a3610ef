"""A person's LTC case, the care plans the CM writes for it (one per budget year, in versions),
their items and weekly schedule, the subcommittee's decision and the fund's payments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smarthealth.models import Person

from ..rules import CareCategory, Group, Responsible, Tai, Weekday
from .people import Caregiver, CareManager


class LtcCase(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active (dependent)")
        IMPROVED = "improved", _("Improved")
        DIED = "died", _("Died")
        MOVED = "moved", _("Moved out")
        CLOSED = "closed", _("Closed")
        NOT_ENROLLED = "not_enrolled", _("Not enrolled")

    OPEN = (Status.ACTIVE,)

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="ltc_cases", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.ACTIVE)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    care_manager = models.ForeignKey(
        CareManager,
        verbose_name=_("care manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    caregiver = models.ForeignKey(
        Caregiver,
        verbose_name=_("caregiver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    # ADL at enrolment: "improved or worsened" compares the latest assessment with it.
    adl_at_enrolment = models.PositiveSmallIntegerField(_("ADL at enrolment"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("LTC case")
        verbose_name_plural = _("LTC cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="ltc_one_active_case_per_person"
            )
        ]

    def __str__(self):
        return f"LTC case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CarePlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Sent to the subcommittee")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        SUPERSEDED = "superseded", _("Replaced by a newer version")

    case = models.ForeignKey(LtcCase, on_delete=models.CASCADE, related_name="plans", verbose_name=_("case"))
    budget_year = models.PositiveSmallIntegerField(_("budget year (B.E.)"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("copied from"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    written_by = models.ForeignKey(
        CareManager,
        verbose_name=_("care manager"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    written_on = models.DateField(_("written on"))
    # Set when the CM sends it to the subcommittee: what the fund's officer may open, whatever
    # became of it since (a later version supersedes drafts and sent plans alike).
    submitted_on = models.DateField(_("sent to the subcommittee on"), null=True, blank=True)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    adl_score = models.PositiveSmallIntegerField(_("ADL score"), validators=[MaxValueValidator(20)])
    tai = models.CharField(_("TAI"), max_length=2, choices=Tai.choices, blank=True)
    suggested_group = models.PositiveSmallIntegerField(
        _("suggested group"), choices=Group.choices, null=True, blank=True
    )
    group = models.PositiveSmallIntegerField(_("group"), choices=Group.choices)
    problems = models.TextField(_("problems and needs"), blank=True)
    short_term_goals = models.TextField(_("short-term goals (under 3 months)"), blank=True)
    long_term_goals = models.TextField(_("long-term goals"), blank=True)
    precautions = models.TextField(_("precautions"), blank=True)
    devices = models.TextField(_("assistive devices and medical equipment"), blank=True)
    requested_amount = models.DecimalField(
        _("requested annual amount (baht)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount_breakdown = models.TextField(_("breakdown of the amount"), blank=True)
    # The subcommittee's decision (3C does not hold it: the fund does).
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    meeting = models.CharField(_("meeting (no./year)"), max_length=60, blank=True)
    approved_amount = models.DecimalField(
        _("approved amount (baht)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        ordering = ["-budget_year", "-version", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "budget_year", "version"], name="ltc_plan_version_unique")
        ]

    def __str__(self):
        return f"plan {self.budget_year}/{self.version}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class CareItem(models.Model):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("category"), max_length=12, choices=CareCategory.choices)
    text = models.CharField(_("care"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "order", "id"]
        verbose_name = _("care item")
        verbose_name_plural = _("care items")

    def __str__(self):
        return f"care item {self.pk}"


class ScheduleRow(models.Model):
    """One line of the weekly schedule: activity × day × time × frequency × who."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="schedule")
    activity = models.CharField(_("activity"), max_length=200)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    time = models.TimeField(_("time"), null=True, blank=True)
    frequency = models.CharField(_("frequency"), max_length=60, blank=True)
    responsible = models.CharField(
        _("who"), max_length=10, choices=Responsible.choices, default=Responsible.CG
    )

    class Meta:
        ordering = ["weekday", "time", "id"]
        verbose_name = _("weekly schedule row")
        verbose_name_plural = _("weekly schedule rows")

    def __str__(self):
        return f"schedule row {self.pk}"


class Payment(models.Model):
    # CASCADE: a payment is part of its plan's record (the fund's own books keep the voucher);
    # a person deleted from the registry (the demo's re-seed) takes cases, plans and payments.
    plan = models.ForeignKey(
        CarePlan, on_delete=models.CASCADE, related_name="payments", verbose_name=_("plan")
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(
        _("amount (baht)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reference = models.CharField(_("voucher"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]

    def __str__(self):
        return f"payment {self.pk}"
