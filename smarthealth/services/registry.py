"""Writes to the population registry: households and persons, and revealing a national ID."""

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from communities.assign import KEEP, community_settle
from kernel import geo
from kernel.geo import THAILAND, location_problem
from kernel.national_id import normalise_national_id
from kernel.permissions import require_perm
from kernel.text import strip_bidi_controls

from .. import crypto
from ..audit import audit_log
from ..models import AccessLog, Household, Person
from ._common import Errors, require_person_in_scope

PERSON_FIELDS = ("prefix", "first_name", "last_name", "sex", "birth_date", "household", "phone",
                 "chronic_conditions", "disability", "status")
HOUSEHOLD_FIELDS = ("house_id", "house_no", "moo", "community", "road", "subdistrict_code",
                    "location", "volunteer")
_DUPLICATE_CID = _("A person with this national ID is already registered.")
_DUPLICATE_HOUSE = _("A household with this house ID already exists.")


def _reject_unknown(data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")


def _validation_to_errors(errors: Errors, exc: ValidationError, field: str) -> None:
    errors.setdefault(field, []).extend(exc.messages)


def _clean_and_save(obj, errors: Errors, *, unique_field: str, duplicate, exclude=None,
                    stored_as_unique: tuple[str, ...] = ()) -> None:
    """Model validation added to `errors` (raised together), then the save. Uniqueness of
    `unique_field` is checked before with a clear message; a concurrent insert that still breaks
    the constraint gets the same message. Errors on `stored_as_unique` fields report once, under
    `unique_field`, unless that already has an error."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        # error_dict, not message_dict: the messages stay lazy, so the API can still render each in
        # Thai and in English (message_dict renders them now, in the active language).
        for field, messages in exc.error_dict.items():
            if field in stored_as_unique:
                field = unique_field
                if unique_field in errors:
                    continue
            errors.setdefault(field, []).extend(messages)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError({unique_field: [duplicate]}) from exc


# --- households -------------------------------------------------------------------------------
def _household_apply(household: Household, data: dict, errors: Errors) -> None:
    data = dict(data)
    lat, lon = data.pop("lat", None), data.pop("lon", None)
    _reject_unknown(data, HOUSEHOLD_FIELDS)
    if lat not in (None, "") or lon not in (None, ""):
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            errors.add("location", _("Enter both latitude and longitude as numbers."))
        else:
            if problem := location_problem(lat, lon):
                errors.add("location", geo.MESSAGES[problem],
                           THAILAND.params() if problem == geo.OUTSIDE else None)
            data["location"] = Point(lon, lat, srid=4326)
    chosen = data.pop("community", KEEP)
    volunteer = data.get("volunteer")
    if volunteer is not None and volunteer.role != Role.VOLUNTEER:
        errors.add("volunteer", _("The assigned person must have the village health volunteer role."))
    for field, value in data.items():
        if field in ("community", "road", "house_no", "subdistrict_code") and value is None:
            value = ""
        # Bidirectional controls would let a label show in another order than typed.
        value = strip_bidi_controls(value).strip() if isinstance(value, str) else value
        if field == "house_id" and not value:
            if household.house_id and not household.hid:
                errors.add("house_id", _("Enter the house ID."))
                continue
            value = None  # a house the health centre registered by its HID only
        setattr(household, field, value)
    try:  # the boundary covering the house decides, else the register entry chosen
        community_settle(household, location=household.location, chosen=chosen)
    except ValidationError as exc:
        _validation_to_errors(errors, exc, "community")
    if household.house_id and "house_id" in data and Household.objects.filter(
            house_id=household.house_id).exclude(pk=household.pk).exists():
        errors.add("house_id", _DUPLICATE_HOUSE)


def _household_save(household: Household, errors: Errors) -> None:
    _clean_and_save(household, errors, exclude=["volunteer"] if "volunteer" in errors else None,
                    unique_field="house_id", duplicate=_DUPLICATE_HOUSE)


@transaction.atomic
def household_create(*, user, data: dict, request=None) -> Household:
    """data: house_id, house_no, moo, community (a register entry or its name; a boundary
    covering the house overrules it), road, subdistrict_code, volunteer (User or None) and the
    location as `location` (Point) or `lat` + `lon`."""
    require_perm(user, "smarthealth.add_household")
    household, errors = Household(), Errors()
    _household_apply(household, data, errors)
    _household_save(household, errors)
    audit_log(request=request, user=user, action=AccessLog.Action.CREATE,
              object_type="household", object_ref=str(household.pk))
    return household


@transaction.atomic
def household_update(*, household: Household, user, data: dict, request=None) -> Household:
    require_perm(user, "smarthealth.change_household")
    errors = Errors()
    _household_apply(household, data, errors)
    _household_save(household, errors)
    audit_log(request=request, user=user, action=AccessLog.Action.UPDATE,
              object_type="household", object_ref=str(household.pk),
              detail={"fields": sorted({"location" if k in ("lat", "lon") else k for k in data})})
    return household


# --- persons ----------------------------------------------------------------------------------
def _person_apply(person: Person, data: dict, errors: Errors) -> set[str]:
    """Copy data onto person; returns the names of the fields that changed."""
    data = dict(data)
    cid = data.pop("cid", None)
    house_id = data.pop("house_id", None)
    _reject_unknown(data, PERSON_FIELDS)
    changed: set[str] = set()
    if cid is not None or person._state.adding:
        try:
            digits = normalise_national_id(cid)
        except ValidationError as exc:
            _validation_to_errors(errors, exc, "cid")
        else:
            digest = crypto.cid_hash(digits)
            if digest != person.cid_hash:
                if Person.objects.filter(cid_hash=digest).exclude(pk=person.pk).exists():
                    errors.add("cid", _DUPLICATE_CID)
                person.set_cid(digits)
                changed.add("cid")
    if house_id not in (None, ""):
        household = Household.objects.filter(house_id=str(house_id).strip()).first()
        if household is None:
            errors.add("house_id", _("No household has this house ID."))
        data["household"] = household
    if "chronic_conditions" in data:
        codes = data["chronic_conditions"] or []
        data["chronic_conditions"] = sorted({str(c).strip().upper() for c in codes if str(c).strip()})
    for field, value in data.items():
        if field in ("prefix", "phone") and value is None:
            value = ""
        if isinstance(value, str):
            # A right-to-left override in a name shows it as someone else's in lists and exports.
            value = strip_bidi_controls(value).strip()
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed.add(field)
    return changed


def _person_save(person: Person, errors: Errors) -> None:
    # clean() checks birth date and condition codes against the ChronicCondition table; the
    # stored forms of the ID report as the `cid` the user typed.
    _clean_and_save(person, errors, unique_field="cid", duplicate=_DUPLICATE_CID,
                    stored_as_unique=("cid_hash", "cid_encrypted", "cid_last3"))


@transaction.atomic
def person_create(*, user, data: dict, request=None) -> Person:
    """data: cid (required), prefix, first_name, last_name, sex, birth_date, household (Household
    or None) or house_id, phone, chronic_conditions (codes), disability, status.
    ValidationError (field → Thai / English messages) on any bad value; nothing is saved then."""
    require_perm(user, "smarthealth.add_person")
    person, errors = Person(), Errors()
    _person_apply(person, data, errors)
    _person_save(person, errors)
    audit_log(request=request, user=user, action=AccessLog.Action.CREATE,
              object_type="person", object_ref=str(person.public_id))
    return person


@transaction.atomic
def person_update(*, person: Person, user, data: dict, request=None) -> Person:
    """Change some fields (same keys as person_create; `cid` only to correct it). Audits the
    names of the changed fields, never their values."""
    require_perm(user, "smarthealth.change_person")
    require_person_in_scope(user, person)
    errors = Errors()
    changed = _person_apply(person, data, errors)
    if not changed:
        errors.raise_if_any()
        return person
    _person_save(person, errors)
    audit_log(request=request, user=user, action=AccessLog.Action.UPDATE,
              object_type="person", object_ref=str(person.public_id),
              detail={"fields": sorted(changed)})
    return person


@transaction.atomic
def person_cid_reveal(*, person: Person, user, request=None) -> str:
    """The full 13-digit national ID, for nurses and administrators; writes one reveal_cid row.
    A person without one (a foreigner): the passport number, revealed and audited the same way;
    "" when there is neither."""
    require_perm(user, "smarthealth.reveal_cid")
    require_person_in_scope(user, person)
    audit_log(request=request, user=user, action=AccessLog.Action.REVEAL_CID,
              object_type="person", object_ref=str(person.public_id),
              detail=None if person.has_cid else {"document": "passport"})
    return person.cid or person.passport

