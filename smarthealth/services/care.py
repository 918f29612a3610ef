"""Care records: ADL assessments, NCD screenings and home visits.

A second assessment or screening of the same person on the same day replaces the first (the
tables hold one per day): correcting a typo, or re-importing a file, must not duplicate.
"""

import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kernel.permissions import require_perm
from kernel.photos import photo_reencode

from ..models import AdlAssessment, HomeVisit, NcdScreening, Person
from ..rules import (
    ADL_MAX,
    ADL_MIN,
    NCD_DIAGNOSES,
    Complication,
    adl_group,
    adl_score,
    ncd_colour,
    vitals_errors,
)
from ._common import Errors, as_int, check_date, require_person_in_scope


def _adl_score_from(errors: Errors, items, score, *, items_field: str = "items") -> int | None:
    if items is not None:
        try:
            from_items = adl_score(items)
        except ValidationError as exc:
            errors.setdefault(items_field, []).extend(exc.messages)
            return None
        if score not in (None, "") and as_int(errors, "score", score) != from_items:
            errors.add("score", _("The ADL score does not match the sum of its items (%(sum)s)."),
                       {"sum": from_items})
        return from_items
    value = as_int(errors, "score", score)
    if value is None:
        if "score" not in errors:
            errors.add("score", _("Enter the ADL score or the score of each item."))
        return None
    if not ADL_MIN <= value <= ADL_MAX:
        errors.add("score", _("The ADL score must be 0–20."))
        return None
    return value


def _living(errors: Errors, person: Person) -> None:
    if person.status != Person.Status.LIVING:
        errors.add("person", _("This person is no longer living here (moved out or deceased)."))


def _adl_save(*, person, user, assessed_on, items, score, source) -> AdlAssessment:
    assessment = AdlAssessment.objects.filter(person=person, assessed_on=assessed_on).first()
    assessment = assessment or AdlAssessment(person=person, assessed_on=assessed_on)
    assessment.items = {k: int(v) for k, v in items.items()} if items is not None else None
    assessment.score = score
    assessment.group = adl_group(score)
    assessment.assessed_by = user
    assessment.source = source
    assessment.save()
    return assessment


@transaction.atomic
def adl_assess(*, person: Person, user, assessed_on, items: dict | None = None,
               score: int | None = None, source: str = AdlAssessment.Source.FORM) -> AdlAssessment:
    """Record a Barthel ADL assessment: `items` {code: score} (the score is their sum) or a
    `score` 0–20. The group is derived from the score (rules.adl_group)."""
    require_perm(user, "smarthealth.add_adlassessment")
    require_person_in_scope(user, person)
    errors = Errors()
    check_date(errors, "assessed_on", assessed_on, person=person)
    if source not in AdlAssessment.Source.values:
        raise ValueError(f"unknown source {source!r}")
    total = _adl_score_from(errors, items, score)
    errors.raise_if_any()
    return _adl_save(person=person, user=user, assessed_on=assessed_on, items=items, score=total,
                     source=source)


def _vitals(errors: Errors, *, sbp, dbp, fbs, weight_kg=None):
    sbp, dbp, fbs = (as_int(errors, name, value) for name, value in
                     (("sbp", sbp), ("dbp", dbp), ("fbs", fbs)))
    weight = None
    if weight_kg not in (None, ""):
        try:
            weight = Decimal(str(weight_kg).strip()).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            errors.add("weight_kg", _("Enter the weight in kilograms, e.g. 58.5."))
    errors.merge(vitals_errors(sbp=sbp, dbp=dbp, fbs=fbs, weight_kg=weight))
    return sbp, dbp, fbs, weight


@transaction.atomic
def ncd_screen(*, person: Person, user, screened_on, sbp=None, dbp=None, fbs=None,
               complication: str = "") -> NcdScreening:
    """Record an NCD screening; its 7-colour class is computed (rules.ncd_colour) with
    diagnosed = the person has DM or HT among their chronic conditions."""
    require_perm(user, "smarthealth.add_ncdscreening")
    require_person_in_scope(user, person)
    errors = Errors()
    check_date(errors, "screened_on", screened_on, person=person)
    sbp, dbp, fbs, _weight = _vitals(errors, sbp=sbp, dbp=dbp, fbs=fbs)
    complication = (complication or "").strip()
    if complication and complication not in Complication.values:
        errors.add("complication", _("Unknown complication."))
    if sbp is None and dbp is None and fbs is None and not errors:
        errors.add("sbp", _("Enter the blood pressure, the fasting blood sugar, or both."))
    errors.raise_if_any()
    colour = ncd_colour(sbp=sbp, dbp=dbp, fbs=fbs, complication=bool(complication),
                        diagnosed=bool(NCD_DIAGNOSES & set(person.chronic_conditions or [])))
    screening = NcdScreening.objects.filter(person=person, screened_on=screened_on).first()
    screening = screening or NcdScreening(person=person, screened_on=screened_on)
    screening.sbp, screening.dbp, screening.fbs = sbp, dbp, fbs
    screening.complication = complication
    screening.colour = colour
    screening.screened_by = user
    screening.save()
    return screening


@transaction.atomic
def home_visit_record(*, person: Person, user, visited_on, sbp=None, dbp=None, fbs=None,
                      weight_kg=None, adl_items: dict | None = None, notes: str = "",
                      next_visit_due=None, photo=None,
                      idempotency_key: uuid.UUID | None = None) -> HomeVisit:
    """Record a home visit with its vitals (kept on the visit, not as a screening). With
    `adl_items` the visit also records an ADL assessment (source "visit") linked to it; a
    `photo` (an uploaded file) is stored re-encoded (kernel.photos). Volunteers may visit only
    members of their assigned households. `idempotency_key`: see home_visit_sync."""
    require_perm(user, "smarthealth.add_homevisit")
    require_person_in_scope(user, person)
    errors = Errors()
    _living(errors, person)
    check_date(errors, "visited_on", visited_on, person=person)
    sbp, dbp, fbs, weight = _vitals(errors, sbp=sbp, dbp=dbp, fbs=fbs, weight_kg=weight_kg)
    if next_visit_due is not None:
        check_date(errors, "next_visit_due", next_visit_due, allow_future=True)
        if "next_visit_due" not in errors and "visited_on" not in errors and next_visit_due < visited_on:
            errors.add("next_visit_due", _("The next visit cannot be before this visit."))
    adl_total = None
    if adl_items is not None:
        if not user.has_perm("smarthealth.add_adlassessment"):
            errors.add("adl_items", _("You may not record an ADL assessment."))
        else:
            adl_total = _adl_score_from(errors, adl_items, None, items_field="adl_items")
    stored_photo = None
    if photo is not None:
        try:
            stored_photo = photo_reencode(photo)
        except ValidationError as exc:
            errors.setdefault("photo", []).extend(exc.messages)
    errors.raise_if_any()
    assessment = None
    if adl_total is not None:
        assessment = _adl_save(person=person, user=user, assessed_on=visited_on, items=adl_items,
                               score=adl_total, source=AdlAssessment.Source.VISIT)
    visit = HomeVisit.objects.create(
        person=person, visited_on=visited_on, visitor=user, sbp=sbp, dbp=dbp, fbs=fbs,
        weight_kg=weight, adl=assessment, notes=(notes or "").strip(), next_visit_due=next_visit_due,
        idempotency_key=idempotency_key,
    )
    if stored_photo is not None:
        # After the row: a visit refused by the unique key (sent twice at once) leaves no file.
        visit.photo.save(str(stored_photo.name), stored_photo, save=False)
        visit.save(update_fields=["photo"])
    return visit


@transaction.atomic
def home_visit_sync(*, person: Person, user, idempotency_key: uuid.UUID, **fields) -> tuple[HomeVisit, bool]:
    """A visit recorded on the volunteer's phone, sent with the key the phone made for it; the
    phone sends it again whenever it did not hear the answer. The first send records it
    (home_visit_record, same rules) → (visit, True); every later send with the same key returns
    that visit unchanged and records nothing → (visit, False). A key that belongs to someone
    else's visit, or to a visit of another person, is refused (ValidationError)."""
    require_perm(user, "smarthealth.add_homevisit")
    existing = HomeVisit.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        try:
            # home_visit_record runs in its own savepoint: when the same visit, sent twice at
            # once, loses the race on the unique key, only that savepoint is rolled back.
            return home_visit_record(person=person, user=user, idempotency_key=idempotency_key,
                                     **fields), True
        except IntegrityError:
            existing = HomeVisit.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
    if existing.visitor_id != user.pk or existing.person_id != person.pk:
        errors = Errors()
        errors.add("idempotency_key", _("This visit's key was already used for another visit. "
                                        "Record the visit again."))
        errors.raise_if_any()
    return existing, False
