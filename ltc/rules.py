"""The long-term care scheme's rules as pure functions and code lists: no database, no request.

Only what ../shared/data/ltc-reference.md marks confirmed is fixed here (ADL ≤ 11 eligibility, the
TAI codes 3C accepts, 3C's CM and CG status codes, the Thai budget year). What it marks unconfirmed
(the ADL/TAI → group table, visits per group, per-group rates, the re-assessment interval) is the
municipality's configuration (models.LtcSettings, models.GroupRule), never a constant.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.thaidate import BE_OFFSET

# Barthel ADL (Thai MoPH 0–20): eligible for LTC at 11 or below [C].
ADL_ELIGIBLE_MAX = 11


def adl_eligible(score: int | None) -> bool:
    return score is not None and 0 <= score <= ADL_ELIGIBLE_MAX


class Tai(models.TextChoices):
    """The TAI codes the Department of Health's 3C care-plan form accepts [C]; B5/B4 are not
    dependent and never appear on a plan."""

    B3 = "B3", "B3"
    C2 = "C2", "C2"
    C3 = "C3", "C3"
    C4 = "C4", "C4"
    I3 = "I3", "I3"
    I2 = "I2", "I2"
    I1 = "I1", "I1"


class Group(models.IntegerChoices):
    """NHSO dependency groups 1–4 [C] (group 0, "does ADL unaided", is never on a plan)."""

    G1 = 1, _("Group 1: moves somewhat, no confusion")
    G2 = 2, _("Group 2: moves somewhat, with confusion")
    G3 = 3, _("Group 3: cannot move alone")
    G4 = 4, _("Group 4: cannot move alone, seriously ill or at the end of life")


class CmStatus(models.TextChoices):
    """3C's care manager status codes [C]."""

    OPERATIONAL = "01", _("01 Operational CM")
    ADMINISTRATIVE = "02", _("02 Administrative CM")
    REFRESHER = "03", _("03 Needs a refresher")
    RETIRED = "04", _("04 Retired")
    RESIGNED = "05", _("05 Resigned")
    DIED = "06", _("06 Died")
    MOVED = "07", _("07 Changed job or moved")


CM_ACTIVE = (CmStatus.OPERATIONAL, CmStatus.ADMINISTRATIVE, CmStatus.REFRESHER)


class CgStatus(models.TextChoices):
    """3C's caregiver status codes [C]."""

    CARING = "01", _("01 Caring according to a care plan")
    UNASSIGNED = "02", _("02 No elder assigned yet")
    REFRESHER = "03", _("03 Needs a refresher")
    RESIGNED = "04", _("04 Resigned")
    DIED = "05", _("05 Died")


CG_ACTIVE = (CgStatus.CARING, CgStatus.UNASSIGNED, CgStatus.REFRESHER)


class CgHours(models.IntegerChoices):
    H70 = 70, _("70 hours")
    H420 = 420, _("420 hours")


class CareCategory(models.TextChoices):
    """The four lists of care of 3C's simple plan [C]."""

    GENERAL = "general", _("General nursing care")
    SPECIAL = "special", _("Special nursing care")
    SOCIAL = "social", _("Social support care")
    ENVIRONMENT = "environment", _("Environmental care")


class Weekday(models.IntegerChoices):
    MON = 0, _("Monday")
    TUE = 1, _("Tuesday")
    WED = 2, _("Wednesday")
    THU = 3, _("Thursday")
    FRI = 4, _("Friday")
    SAT = 5, _("Saturday")
    SUN = 6, _("Sunday")


class Responsible(models.TextChoices):
    """Who does a scheduled activity (3C's full plan offers a longer list; the common ones) [C]."""

    CG = "cg", _("Caregiver")
    FAMILY = "family", _("Family")
    NURSE = "nurse", _("Nurse")
    PHYSIO = "physio", _("Physiotherapist")
    VOLUNTEER = "volunteer", _("Village health volunteer")
    SELF = "self", _("Self")
    OTHER = "other", _("Other")


class Activity(models.TextChoices):
    """The activity checklist of a CG visit (the union of the Buriram and Sakon Nakhon lists)."""

    HYGIENE = "hygiene", _("Bathing, hair washing, nail cutting and hygiene")
    FEEDING = "feeding", _("Feeding and nutrition")
    MEDICINE = "medicine", _("Helping with medicines")
    PHYSIO = "physio", _("Physiotherapy and exercise")
    VITALS = "vitals", _("Blood pressure and blood glucose")
    POSITIONING = "positioning", _("Turning and positioning")
    WOUND = "wound", _("Wound and pressure-sore care")
    TEACHING = "teaching", _("Teaching the patient and family")
    HOME = "home", _("Cleaning the house and surroundings")
    EMOTIONAL = "emotional", _("Emotional support")


class Problem(models.TextChoices):
    """The problems checklist of a CG visit (the Buriram province CG report) [C]."""

    PRESSURE_SORE = "pressure_sore", _("Pressure sores")
    PAIN = "pain", _("Pain")
    SWELLING = "swelling", _("Swelling")
    JOINT = "joint", _("Joint stiffness")
    SWALLOWING = "swallowing", _("Swallowing")
    EATING = "eating", _("Eating or malnutrition")
    BOWEL = "bowel", _("Bowel")
    BLADDER = "bladder", _("Bladder")
    MEDICATION = "medication", _("Taking medicines")
    EQUIPMENT = "equipment", _("Medical equipment")
    EMOTION = "emotion", _("Emotional state")
    DOCTOR = "doctor", _("Doctor follow-up due")
    OTHER = "other", _("Other problems")


# --- budget (fiscal) years -------------------------------------------------------------------
def budget_year(day: dt.date, *, start_month: int = 10) -> int:
    """The Buddhist-Era budget year `day` falls in. The Thai fiscal year starts on 1 October
    (start_month is the municipality's setting): 15 Oct 2026 is in 2570, 30 Sep 2026 in 2569."""
    return day.year + BE_OFFSET + (1 if start_month > 1 and day.month >= start_month else 0)


def budget_year_bounds(year_be: int, *, start_month: int = 10) -> tuple[dt.date, dt.date]:
    """First and last day of Buddhist-Era budget year `year_be`."""
    year = year_be - BE_OFFSET
    if start_month <= 1:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    first = dt.date(year - 1, start_month, 1)
    last = dt.date(year, start_month, 1) - dt.timedelta(days=1)
    return first, last


# --- the suggested group ---------------------------------------------------------------------
@dataclass(frozen=True)
class GroupRow:
    """One row of the municipality's ADL/TAI → group table (models.GroupRule)."""

    group: int
    adl_min: int
    adl_max: int
    tai_codes: tuple[str, ...]


def suggested_group(rows: Iterable[GroupRow], *, adl: int | None, tai: str = "") -> int | None:
    """The first row (in the given order) whose ADL range holds `adl` and whose TAI codes hold
    `tai` (a row without codes accepts any TAI; without a TAI only the ADL is compared). None
    when no row fits: the CM chooses the group either way, this is only the suggestion."""
    if adl is None:
        return None
    for row in rows:
        if not row.adl_min <= adl <= row.adl_max:
            continue
        if tai and row.tai_codes and tai not in row.tai_codes:
            continue
        return row.group
    return None


# --- fund arithmetic -------------------------------------------------------------------------
@dataclass
class FundLine:
    """The fund's figures of one group in one budget year (baht)."""

    group: int
    plans: int = 0
    approved: Decimal = Decimal("0")
    paid: Decimal = Decimal("0")

    @property
    def remaining(self) -> Decimal:
        return self.approved - self.paid

    @property
    def paid_share(self) -> Decimal | None:
        """Paid as a percentage of approved (one decimal), None before anything is approved."""
        if not self.approved:
            return None
        return (self.paid * 100 / self.approved).quantize(Decimal("0.1"))


def fund_total(lines: Iterable[FundLine]) -> FundLine:
    total = FundLine(group=0)
    for line in lines:
        total.plans += line.plans
        total.approved += line.approved
        total.paid += line.paid
    return total


def coverage_percent(*, with_plan: int, eligible: int) -> Decimal | None:
    """The share of eligible people with an approved plan, in percent (one decimal)."""
    if not eligible:
        return None
    return (Decimal(with_plan) * 100 / Decimal(eligible)).quantize(Decimal("0.1"))


def month_visits_planned(weekdays: Iterable[int], *, year: int, month: int) -> int:
    """How many visit days a weekly schedule (the weekdays a CG comes) gives in one month."""
    days = set(weekdays)
    first = dt.date(year, month, 1)
    n = 0
    day = first
    while day.month == month:
        if day.weekday() in days:
            n += 1
        day += dt.timedelta(days=1)
    return n
