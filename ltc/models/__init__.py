"""Long-term care: the municipality's settings, its CMs and CGs, cases, plans, money and visits."""

from .cases import CareItem, CarePlan, LtcCase, Payment, ScheduleRow
from .config import GroupRule, LtcSettings
from .people import Caregiver, CareManager
from .visits import CgVisit

__all__ = [
    "CareItem",
    "CareManager",
    "CarePlan",
    "Caregiver",
    "CgVisit",
    "GroupRule",
    "LtcCase",
    "LtcSettings",
    "Payment",
    "ScheduleRow",
]
