"""A person's PDPA erasure (smarthealth.services.pdpa.person_erase) reaching the long-term care
records: what names or locates them, or was written about them in words, is emptied; the numbers
(ADL, group, amounts, visit dates, vitals, ticked activities and problems) stay, as the health
module keeps its measurements."""

import datetime as dt
from typing import Any

from django.utils import timezone

from ..models import CareItem, CarePlan, CgVisit, LtcCase

PLAN_TEXT = ("diagnosis", "problems", "short_term_goals", "long_term_goals", "precautions", "devices",
             "amount_breakdown", "decision_note")


def ltc_person_erase(*, person, summary: dict[str, Any], today: dt.date | None = None) -> None:
    """Called inside person_erase's transaction (the person_erased signal)."""
    cases = LtcCase.objects.filter(person=person)
    visits = CgVisit.objects.filter(case__in=cases)
    with_photo = visits.exclude(photo="").exclude(photo__isnull=True)
    photo_files = [str(name) for name in with_photo.values_list("photo", flat=True)]
    visits_cleared = visits.update(notes="", witness_name="", deviation_reason="", photo=None,
                                   check_in_location=None, check_out_location=None)
    storage = CgVisit.photo.field.storage
    for name in photo_files:
        storage.delete(name)
    plans = CarePlan.objects.filter(case__in=cases)
    plans_cleared = plans.update(**dict.fromkeys(PLAN_TEXT, ""))
    CareItem.objects.filter(plan__in=plans).update(text="")
    cases.update(reason="")
    closed = cases.filter(status__in=LtcCase.OPEN).update(
        status=LtcCase.Status.CLOSED, status_since=today or timezone.localdate())
    summary["ltc"] = {"visits_cleared": visits_cleared, "visit_photos_deleted": len(photo_files),
                      "plans_cleared": plans_cleared, "cases_closed": closed}
