"""Writes of the LTC module (STYLE: `<noun>_<verb>`, keyword-only, one transaction each)."""

from .cases import (
    case_close,
    case_decline,
    case_enrol,
    cases_close_discharged,
    ltc_settings_update,
)
from .plans import care_plan_copy, care_plan_decide, care_plan_submit, care_plan_write, payment_record
from .visits import cg_visit_record, cg_visit_seen

__all__ = [
    "care_plan_copy",
    "care_plan_decide",
    "care_plan_submit",
    "care_plan_write",
    "case_close",
    "case_decline",
    "case_enrol",
    "cases_close_discharged",
    "cg_visit_record",
    "cg_visit_seen",
    "ltc_settings_update",
    "payment_record",
]
