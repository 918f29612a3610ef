"""Writes (STYLE: services). Every service checks the user's permission and scope, validates all
input first (ValidationError: field → Thai / English messages), and saves all or nothing."""

from .care import adl_assess, home_visit_record, home_visit_sync, ncd_screen
from .registry import (
    household_create,
    household_update,
    person_cid_reveal,
    person_create,
    person_update,
)

__all__ = [
    "adl_assess", "home_visit_record", "home_visit_sync", "household_create", "household_update",
    "ncd_screen", "person_cid_reveal", "person_create", "person_update",
]
