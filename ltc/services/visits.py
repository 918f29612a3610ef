"""A caregiver's visit against the plan: recorded by the CG (on her phone), compared with the
plan's weekly schedule, and a difference flagged to the CM."""

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kernel.permissions import require_perm
from kernel.photos import photo_reencode
from smarthealth.audit import audit_log

from ..models import CarePlan, CgVisit, LtcCase
from ..rules import Activity, Problem, Responsible
from ._errors import Errors

CG_VISIT = "ltc.record_cg_visit"
MANAGE = "ltc.manage_ltc"


def plan_in_force(case: LtcCase, on: dt.date) -> CarePlan | None:
    """The approved plan the visit is held against: the latest approved one written on or before
    the day (else the latest approved at all)."""
    approved = case.plans.filter(status=CarePlan.Status.APPROVED).order_by("-budget_year", "-version")
    return approved.filter(written_on__lte=on).first() or approved.first()


def cg_weekdays(plan: CarePlan | None) -> set[int]:
    if plan is None:
        return set()
    return {row.weekday for row in plan.schedule.all() if row.responsible == Responsible.CG}


def deviations(*, plan: CarePlan | None, visited_on: dt.date, activities: list[str]) -> list[str]:
    """Why a visit differs from the plan (empty: it does not)."""
    found = []
    if plan is None:
        found.append(gettext("There is no approved plan."))
        return found
    days = cg_weekdays(plan)
    if days and visited_on.weekday() not in days:
        found.append(gettext("Not a day of the plan's schedule."))
    if not activities:
        found.append(gettext("No activity was ticked."))
    return found


def _int(errors: Errors, field: str, value, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.add(field, _("Enter a whole number."))
        return None
    if not low <= number <= high:
        errors.add(field, _("Must be %(low)s–%(high)s."), {"low": low, "high": high})
        return None
    return number


def _point(errors: Errors, field: str, lat, lon) -> Point | None:
    if lat in (None, "") or lon in (None, ""):
        return None
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        errors.add(field, _("The location could not be read."))
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors.add(field, _("The location could not be read."))
        return None
    return Point(lon, lat, srid=4326)


@transaction.atomic
def cg_visit_record(
    *,
    case: LtcCase,
    user,
    visited_on: dt.date,
    check_in_at=None,
    check_out_at=None,
    check_in_lat=None,
    check_in_lon=None,
    check_out_lat=None,
    check_out_lon=None,
    activities: list[str] | None = None,
    problems: list[str] | None = None,
    sbp=None,
    dbp=None,
    pulse=None,
    temperature=None,
    glucose=None,
    notes: str = "",
    witness_name: str = "",
    deviation: bool = False,
    deviation_reason: str = "",
    photo=None,
    idempotency_key: uuid.UUID | None = None,
) -> CgVisit:
    """Record one visit. The case's own CG records it (a CM may too); a second send of the same
    `idempotency_key` (the phone's retry) returns the first visit."""
    caregiver = getattr(user, "ltc_caregiver", None)
    if not user.has_perm(MANAGE):
        require_perm(user, CG_VISIT)
        if caregiver is None or case.caregiver_id != caregiver.pk:
            raise PermissionDenied
    if idempotency_key is not None:
        earlier = CgVisit.objects.filter(idempotency_key=idempotency_key, case=case).first()
        if earlier is not None:
            return earlier
    errors = Errors()
    if not case.is_open:
        errors.add("__all__", _("The case is closed."))
    if visited_on > timezone.localdate():
        errors.add("visited_on", _("The date cannot be in the future."))
    activities = [a for a in (activities or []) if a in Activity.values]
    problems = [p for p in (problems or []) if p in Problem.values]
    sbp_v = _int(errors, "sbp", sbp, 50, 300)
    dbp_v = _int(errors, "dbp", dbp, 30, 200)
    if sbp_v is not None and dbp_v is not None and sbp_v <= dbp_v:
        errors.add("sbp", _("Systolic pressure must be higher than diastolic pressure."))
    pulse_v = _int(errors, "pulse", pulse, 20, 250)
    glucose_v = _int(errors, "glucose", glucose, 20, 700)
    temp_v = None
    if temperature not in (None, ""):
        try:
            temp_v = Decimal(str(temperature)).quantize(Decimal("0.1"))
            if not Decimal("30") <= temp_v <= Decimal("45"):
                errors.add("temperature", _("Must be %(low)s–%(high)s."), {"low": 30, "high": 45})
        except InvalidOperation:
            errors.add("temperature", _("Enter a number."))
    if check_in_at and check_out_at and check_out_at < check_in_at:
        errors.add("check_out_at", _("Check-out cannot be before check-in."))
    in_point = _point(errors, "check_in_at", check_in_lat, check_in_lon)
    out_point = _point(errors, "check_out_at", check_out_lat, check_out_lon)
    stored_photo = None
    if photo is not None:
        try:
            stored_photo = photo_reencode(photo)
        except ValidationError as exc:
            errors.setdefault("photo", []).extend(exc.messages)
    errors.raise_if_any()
    plan = plan_in_force(case, visited_on)
    reasons = deviations(plan=plan, visited_on=visited_on, activities=activities)
    own = (deviation_reason or "").strip()
    visit = CgVisit(
        case=case,
        plan=plan,
        caregiver=caregiver if caregiver is not None else case.caregiver,
        visited_on=visited_on,
        check_in_at=check_in_at,
        check_out_at=check_out_at,
        check_in_location=in_point,
        check_out_location=out_point,
        activities=activities,
        problems=problems,
        sbp=sbp_v,
        dbp=dbp_v,
        pulse=pulse_v,
        temperature=temp_v,
        glucose=glucose_v,
        notes=(notes or "").strip(),
        witness_name=(witness_name or "").strip()[:120],
        deviation=bool(deviation or own or reasons),
        deviation_reason="\n".join([*([own] if own else []), *reasons]),
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:  # the same key sent twice at once: the other send won
        other = CgVisit.objects.get(idempotency_key=idempotency_key)
        if other.case_id != case.pk:  # a key of another person's visit: never reported as saved
            errors = Errors()
            errors.add("__all__", _("This visit's key belongs to another visit. Record the visit again."))
            errors.raise_if_any()
        return other
    if stored_photo is not None:
        visit.photo.save(stored_photo.name or "visit.jpg", stored_photo, save=False)
        visit.save(update_fields=["photo"])
    audit_log(
        user=user,
        action="create",
        object_type="person",
        object_ref=str(case.person.public_id),
        detail={"via": "ltc_visit", "visit": visit.pk},
    )
    return visit


@transaction.atomic
def cg_visit_seen(*, visit: CgVisit, user) -> CgVisit:
    """The CM has seen a flagged visit (it leaves the follow-up list)."""
    require_perm(user, MANAGE)
    visit.deviation_seen_on = timezone.localdate()
    visit.save(update_fields=["deviation_seen_on"])
    return visit
