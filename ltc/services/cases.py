"""Enrolment, refusal and closing of LTC cases; the municipality's LTC settings."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.permissions import require_perm
from smarthealth.audit import audit_log
from smarthealth.models import AdlAssessment, Person
from smarthealth.selectors import person_is_visible_to

from ..models import Caregiver, CareManager, GroupRule, LtcCase, LtcSettings
from ..rules import adl_eligible
from ._errors import Errors

MANAGE = "ltc.manage_ltc"

# A person's registry status → the case's, when the registry says they left (43-file DISCHARGE).
DISCHARGED: dict[str, str] = {
    Person.Status.DECEASED: LtcCase.Status.DIED,
    Person.Status.MOVED: LtcCase.Status.MOVED,
    Person.Status.AWAY: LtcCase.Status.CLOSED,
}
AWAY_REASON = _("Not living in the area according to the health registry.")


def _latest_adl(person: Person) -> AdlAssessment | None:
    return person.adl_assessments.order_by("-assessed_on", "-id").first()


def _audit(user, person: Person, action: str, **detail) -> None:
    audit_log(
        user=user,
        action=action,
        object_type="person",
        object_ref=str(person.public_id),
        detail={"via": "ltc", **detail},
    )


@transaction.atomic
def case_enrol(
    *,
    person: Person,
    user,
    enrolled_on: dt.date | None = None,
    care_manager: CareManager | None = None,
    caregiver: Caregiver | None = None,
) -> LtcCase:
    """Enrol a resident whose latest ADL is 11 or less (ValidationError otherwise, or when the
    person already has an active case). An earlier refusal is replaced by the case."""
    require_perm(user, MANAGE)
    errors = Errors()
    if not person_is_visible_to(user, person):
        errors.add("person", _("You may not see this person."))
    if person.status != Person.Status.LIVING:
        errors.add("person", _("Only a person living in the area can be enrolled."))
    latest = _latest_adl(person)
    if latest is None or not adl_eligible(latest.score):
        errors.add("person", _("The latest ADL score must be 11 or less to enrol."))
    if LtcCase.objects.filter(person=person, status=LtcCase.Status.ACTIVE).exists():
        errors.add("person", _("This person already has an active case."))
    enrolled_on = enrolled_on or timezone.localdate()
    if enrolled_on > timezone.localdate():
        errors.add("enrolled_on", _("The date cannot be in the future."))
    errors.raise_if_any()
    LtcCase.objects.filter(person=person, status=LtcCase.Status.NOT_ENROLLED).delete()
    case = LtcCase.objects.create(
        person=person,
        status=LtcCase.Status.ACTIVE,
        enrolled_on=enrolled_on,
        status_since=enrolled_on,
        care_manager=care_manager,
        caregiver=caregiver,
        adl_at_enrolment=latest.score if latest else None,
        created_by=user,
    )
    if caregiver is not None:
        _caregiver_caring(caregiver)
    _audit(user, person, "create", case=case.pk)
    return case


def _caregiver_caring(caregiver: Caregiver) -> None:
    from ..rules import CgStatus

    if caregiver.status == CgStatus.UNASSIGNED:
        caregiver.status = CgStatus.CARING
        caregiver.save(update_fields=["status"])


@transaction.atomic
def case_assign(
    *, case: LtcCase, user, care_manager: CareManager | None, caregiver: Caregiver | None
) -> LtcCase:
    require_perm(user, MANAGE)
    case.care_manager, case.caregiver = care_manager, caregiver
    case.save(update_fields=["care_manager", "caregiver", "updated_at"])
    if caregiver is not None:
        _caregiver_caring(caregiver)
    _audit(user, case.person, "update", case=case.pk)
    return case


@transaction.atomic
def case_decline(*, person: Person, user, reason: str) -> LtcCase:
    """Record why an eligible person is not enrolled (kept as a case 'not enrolled')."""
    require_perm(user, MANAGE)
    errors = Errors()
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", _("Say why the person is not enrolled."))
    if not person_is_visible_to(user, person):
        errors.add("person", _("You may not see this person."))
    if LtcCase.objects.filter(person=person, status=LtcCase.Status.ACTIVE).exists():
        errors.add("person", _("This person already has an active case."))
    errors.raise_if_any()
    today = timezone.localdate()
    case, _created = LtcCase.objects.update_or_create(
        person=person,
        status=LtcCase.Status.NOT_ENROLLED,
        defaults={"reason": reason, "status_since": today, "created_by": user},
    )
    _audit(user, person, "update", case=case.pk, outcome="not_enrolled")
    return case


CLOSING = (LtcCase.Status.IMPROVED, LtcCase.Status.DIED, LtcCase.Status.MOVED, LtcCase.Status.CLOSED)


@transaction.atomic
def case_close(*, case: LtcCase, user, status: str, on: dt.date, reason: str = "") -> LtcCase:
    require_perm(user, MANAGE)
    errors = Errors()
    if status not in CLOSING:
        errors.add("status", _("Choose how the case ends."))
    if not case.is_open:
        errors.add("status", _("The case is already closed."))
    if on > timezone.localdate():
        errors.add("on", _("The date cannot be in the future."))
    errors.raise_if_any()
    case.status, case.status_since, case.reason = status, on, (reason or "").strip()
    case.save(update_fields=["status", "status_since", "reason", "updated_at"])
    _audit(user, case.person, "update", case=case.pk, outcome=status)
    return case


@transaction.atomic
def cases_close_discharged(*, user=None) -> int:
    """Close every active case whose person the registry no longer counts as living here (died,
    moved out, away: the 43-file PERSON.DISCHARGE and TYPEAREA, or a form), from the date the
    registry gives. Runs after each 43-file import and is safe to run at any time."""
    closed = 0
    today = timezone.localdate()
    for case in (
        LtcCase.objects.select_related("person")
        .select_for_update(of=("self",))
        .filter(status=LtcCase.Status.ACTIVE)
        .exclude(person__status=Person.Status.LIVING)
    ):
        person = case.person
        case.status = DISCHARGED.get(person.status, LtcCase.Status.CLOSED)
        case.status_since = person.status_since or today
        case.reason = str(AWAY_REASON) if person.status == Person.Status.AWAY else ""
        case.save(update_fields=["status", "status_since", "reason", "updated_at"])
        closed += 1
    if closed:
        audit_log(
            user=user,
            action="update",
            object_type="ltc_case",
            object_ref="discharged",
            detail={"closed": closed},
        )
    return closed


@transaction.atomic
def ltc_settings_update(
    *, user, settings: LtcSettings, rules: Iterable[GroupRule], removed: Iterable[GroupRule] = ()
) -> LtcSettings:
    """Save the settings and the group table the administrator edited (already validated forms'
    instances); ValidationError when a row's ADL range is upside down."""
    require_perm(user, "ltc.configure_ltc")
    rules = list(rules)
    errors = Errors()
    for rule in rules:
        if rule.adl_min > rule.adl_max:
            errors.add("rules", _("The lowest ADL of a row cannot be above its highest."))
    errors.raise_if_any()
    settings.save()
    for rule in removed:
        if rule.pk:
            rule.delete()
    for rule in rules:
        rule.save()
    return settings
