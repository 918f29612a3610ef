"""Data subjects' requests under the PDPA (issue 22): everything held about one person, for an
access request, and erasure on request.

Both leave their own row in the access log, and neither touches the rows already there: the
audit trail of who saw a person's data outlives the data.
"""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from kernel.db import current_tenant
from kernel.i18n import bilingual
from kernel.national_id import normalise_national_id
from kernel.permissions import require_perm

from .. import crypto
from ..audit import audit_log
from ..erasure import ERASED_HASH_PREFIX, erased_q, is_erased, person_erased
from ..models import AccessLog, AdlAssessment, ChronicCondition, HomeVisit, NcdScreening, Person
from ..rules import AdlGroup, Complication, Disability, NcdColour
from ..selectors import persons_for

EXPORT_FORMAT = "cityplatform-pdpa-access-request"
# Fields an erasure empties (the row stays, see erasure.py); birth_date keeps its year only.
ERASED_FIELDS = ("prefix", "first_name", "last_name", "phone", "cid_encrypted", "cid_hash", "cid_last3",
                 "passport_encrypted", "passport_last3", "hospcode", "pid", "birth_date", "household")
MIN_REASON_LENGTH = 5


class PdpaError(Exception):
    """A request that cannot be carried out as asked; `bilingual()` for command output."""

    def __init__(self, message, params: dict | None = None):
        self.message, self.params = message, params or {}
        super().__init__(str(message) % self.params if self.params else str(message))

    def bilingual(self) -> str:
        return bilingual(self.message, self.params)


def person_for_request(*, user, public_id: str | None = None, cid: str | None = None) -> Person:
    """The person a request is about, by public_id or national ID, within the user's scope.
    PdpaError when unknown, out of scope or already erased (an erased person has nothing left
    to export or erase)."""
    if bool(public_id) == bool(cid):
        raise PdpaError(_("Name the person by exactly one of their public ID or their national ID."))
    scope = persons_for(user)
    if public_id:
        try:
            person = scope.filter(public_id=uuid.UUID(str(public_id))).first()
        except ValueError:
            person = None
    else:
        try:
            digits = normalise_national_id(cid)
        except ValidationError as exc:
            raise PdpaError(" ".join(exc.messages)) from exc
        person = scope.filter(cid_hash=crypto.cid_hash(digits)).first()
    if person is None:
        # The lists leave erased persons out; by public ID the request can still be told what
        # happened to them (a national ID no longer leads anywhere: its hash went with the erasure).
        if public_id and _erased_by_public_id(public_id):
            raise PdpaError(_("This person's personal data was erased on request; nothing is left to "
                              "export or erase."))
        raise PdpaError(_("No person with this ID is registered in this municipality."))
    return person


def _erased_by_public_id(public_id: str) -> bool:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return False
    return Person.objects.filter(erased_q(), public_id=key).exists()


# --- access request -----------------------------------------------------------------------------
def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _staff(user) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.get_username(), "name": user.get_full_name()}


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value or ""))


@transaction.atomic
def person_pdpa_export(*, user, person: Person, request=None) -> dict[str, Any]:
    """Everything held about `person`, national ID in clear, as one JSON-ready dict (Thai labels):
    the person, their household, chronic conditions, ADL assessments, NCD screenings, home visits
    and the access-log rows about them. Writes one 'export' row first, so the export lists itself.

    Needs export_personal and reveal_cid (a nurse or an administrator)."""
    require_perm(user, "smarthealth.export_personal")
    require_perm(user, "smarthealth.reveal_cid")
    if is_erased(person):
        raise PdpaError(_("This person's personal data was erased on request; nothing is left to export "
                          "or erase."))
    audit_log(request=request, user=user, action=AccessLog.Action.EXPORT, object_type="person",
              object_ref=str(person.public_id), detail={"purpose": "pdpa_access_request", "format": "json"})

    with translation.override("th"):
        conditions = {c.code: c for c in ChronicCondition.objects.filter(code__in=person.chronic_conditions)}
        household = person.household
        tenant = current_tenant()
        data: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "generated_at": timezone.now().isoformat(),
            "generated_by": _staff(user),
            "municipality": {"schema": getattr(tenant, "schema_name", ""),
                             "name_th": getattr(tenant, "name_th", "")},
            "person": {
                "public_id": str(person.public_id),
                "national_id": person.cid or None,
                "passport": person.passport or None,
                "nationality": person.nationality,
                "health_centre": {"hospcode": person.hospcode, "pid": person.pid} if person.pid else None,
                "prefix": person.prefix,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "sex": person.sex, "sex_label": _label(Person.Sex, person.sex),
                "birth_date": _iso(person.birth_date),
                "phone": person.phone,
                "status": person.status, "status_label": _label(Person.Status, person.status),
                "status_since": _iso(person.status_since),
                "disability": person.disability, "disability_label": _label(Disability, person.disability),
                "chronic_conditions": [
                    {"code": code, "name_th": conditions[code].name_th if code in conditions else "",
                     "name_en": conditions[code].name_en if code in conditions else ""}
                    for code in person.chronic_conditions
                ],
                "created_at": _iso(person.created_at),
                "updated_at": _iso(person.updated_at),
            },
            "household": None if household is None else {
                "house_id": household.house_id,
                "health_centre": ({"hospcode": household.hospcode, "hid": household.hid}
                                  if household.hid else None),
                "house_no": household.house_no,
                "moo": household.moo,
                "community": household.community,
                "road": household.road,
                "subdistrict_code": household.subdistrict_code,
                "location": ({"lat": household.location.y, "lon": household.location.x}
                             if household.location else None),
                "health_volunteer": _staff(household.volunteer),
            },
            "adl_assessments": [
                {"assessed_on": _iso(a.assessed_on), "score": a.score, "group": a.group,
                 "group_label": _label(AdlGroup, a.group), "items": a.items, "source": a.source,
                 "assessed_by": _staff(a.assessed_by), "recorded_at": _iso(a.created_at)}
                for a in AdlAssessment.objects.filter(person=person).select_related("assessed_by")
            ],
            "ncd_screenings": [
                {"screened_on": _iso(s.screened_on), "sbp": s.sbp, "dbp": s.dbp, "fbs": s.fbs,
                 "complication": s.complication, "complication_label": _label(Complication, s.complication),
                 "colour": s.colour, "colour_label": _label(NcdColour, s.colour),
                 "screened_by": _staff(s.screened_by), "recorded_at": _iso(s.created_at)}
                for s in NcdScreening.objects.filter(person=person).select_related("screened_by")
            ],
            "home_visits": [
                {"visited_on": _iso(v.visited_on), "visitor": _staff(v.visitor), "sbp": v.sbp, "dbp": v.dbp,
                 "fbs": v.fbs, "weight_kg": str(v.weight_kg) if v.weight_kg is not None else None,
                 "adl_score": v.adl.score if v.adl else None, "notes": v.notes, "photo": bool(v.photo),
                 "next_visit_due": _iso(v.next_visit_due), "recorded_at": _iso(v.created_at)}
                for v in HomeVisit.objects.filter(person=person).select_related("visitor", "adl")
            ],
            # The platform keeps no care plans as records of their own: the care lists are computed
            # from the assessments and screenings above.
            "care_plans": [],
            "access_log": _access_log(person),
            "notes": [
                "access_log lists every view, reveal, print, export and change of this person's record and "
                "of their household; list pages are logged by their filters, not by who was on them.",
            ],
        }
    return data


def _access_log(person: Person) -> list[dict[str, Any]]:
    about = Q(object_type="person", object_ref=str(person.public_id))
    if person.household_id:
        about |= Q(object_type="household", object_ref=str(person.household_id))
    rows = AccessLog.objects.filter(about).order_by("at", "id")
    return [
        {"at": _iso(row.at), "username": row.username, "role": row.role, "action": row.action,
         "action_label": _label(AccessLog.Action, row.action), "about": row.object_type,
         # Denied attempts (a log being extended alongside this export) are about them too.
         "outcome": getattr(row, "outcome", "allowed"), "detail": row.detail}
        for row in rows
    ]


# --- erasure ------------------------------------------------------------------------------------
def _require_controller(user) -> None:
    """Erasure is the municipality's decision as data controller: its administrator's (or a
    superuser's), not the care team's."""
    require_perm(user, "smarthealth.change_person")
    if not (user.is_superuser or user.role == Role.ADMIN):
        raise PermissionDenied


@transaction.atomic
def person_erase(*, user, person: Person, reason: str, request=None) -> dict[str, Any]:
    """Erase `person`'s personal data on their request, keeping what identifies nobody.

    Emptied: prefix, names, phone, the national ID (ciphertext, last digits and keyed hash, so
    the ID can be registered again), the household link, the notes and photos of every home
    visit (the photo files are deleted); the
    birth date keeps its year (1 July: ages computed from it are off by half a year at most).
    Kept: sex, status, disability, chronic condition codes, ADL scores, screenings and visit
    measurements with their dates, and every access-log row. Writes one more row with the
    reason and who erased. Returns what was done (numbers only)."""
    _require_controller(user)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise PdpaError(_("Give the reason for the erasure (at least %(n)s characters)."),
                        {"n": MIN_REASON_LENGTH})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if is_erased(person):
        raise PdpaError(_("This person's personal data was erased on request; nothing is left to export "
                          "or erase."))

    notes_cleared = HomeVisit.objects.filter(person=person).exclude(notes="").update(notes="")
    with_photo = HomeVisit.objects.filter(person=person).exclude(photo="").exclude(photo__isnull=True)
    photo_files = [str(name) for name in with_photo.values_list("photo", flat=True)]
    with_photo.update(photo=None)
    photo_storage = HomeVisit.photo.field.storage
    for name in photo_files:
        photo_storage.delete(name)
    person.prefix = person.first_name = person.last_name = person.phone = ""
    person.cid_encrypted = person.cid_last3 = person.passport_encrypted = person.passport_last3 = ""
    person.cid_hash = ERASED_HASH_PREFIX + uuid.uuid4().hex
    # The health centre's key identifies them there: gone too (a later 43-file import of the same
    # person registers them again, as a new person, like a national ID typed again).
    person.hospcode = person.pid = None
    person.birth_date = dt.date(person.birth_date.year, 7, 1)
    person.household = None
    # No full_clean(): an erased row is valid only as what is left of one (names are required
    # of a person being registered, not of one who asked to be forgotten).
    person.save(update_fields=[*ERASED_FIELDS, "updated_at"])

    kept = {
        "adl_assessments": AdlAssessment.objects.filter(person=person).count(),
        "ncd_screenings": NcdScreening.objects.filter(person=person).count(),
        "home_visits": HomeVisit.objects.filter(person=person).count(),
    }
    summary = {"pdpa": "erasure", "reason": reason, "erased": list(ERASED_FIELDS),
               "visit_notes_cleared": notes_cleared, "visit_photos_deleted": len(photo_files), "kept": kept}
    person_erased.send(sender=Person, person=person, summary=summary)
    audit_log(request=request, user=user, action=AccessLog.Action.UPDATE, object_type="person",
              object_ref=str(person.public_id), detail=summary)
    return summary
