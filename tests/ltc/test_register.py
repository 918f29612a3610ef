"""The register: residents with a latest ADL ≤ 11 are candidates (the registry's own rule of who
lives here), enrolment and refusal, and the close on death or move-out."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ltc.models import LtcCase
from ltc.selectors import candidates_for
from ltc.services import case_decline, case_enrol, cases_close_discharged
from smarthealth.models import AdlAssessment, Person


def test_candidates_are_residents_whose_latest_adl_is_11_or_less(make_person, nurse):
    eligible, social, moved, unassessed = (
        make_person(11),
        make_person(12),
        make_person(5, status="moved"),
        make_person(None),
    )
    improved = make_person(4, assessed_days_ago=100)
    AdlAssessment.objects.create(person=improved, score=15, group="social", assessed_on=timezone.localdate())

    found = set(candidates_for(nurse).values_list("pk", flat=True))

    assert eligible.pk in found
    assert not {social.pk, moved.pk, unassessed.pk, improved.pk} & found


def test_an_enrolled_person_leaves_the_candidates(make_person, nurse):
    person = make_person(3)
    case = case_enrol(person=person, user=nurse)
    assert case.status == LtcCase.Status.ACTIVE and case.adl_at_enrolment == 3
    assert not candidates_for(nurse).filter(pk=person.pk).exists()
    with pytest.raises(ValidationError):
        case_enrol(person=person, user=nurse)


def test_it_refuses_to_enrol_someone_not_eligible(make_person, nurse):
    with pytest.raises(ValidationError):
        case_enrol(person=make_person(14), user=nurse)


def test_a_refusal_keeps_its_reason_and_the_person_stays_a_candidate(make_person, nurse):
    person = make_person(9)
    case_decline(person=person, user=nurse, reason="ญาติดูแลเอง ไม่ประสงค์เข้าร่วม")
    row = candidates_for(nurse).get(pk=person.pk)
    assert row.declined
    assert LtcCase.objects.get(person=person).reason == "ญาติดูแลเอง ไม่ประสงค์เข้าร่วม"
    case_enrol(person=person, user=nurse)  # enrolled later: the refusal is replaced
    assert list(LtcCase.objects.filter(person=person).values_list("status", flat=True)) == ["active"]


def test_cases_close_when_the_registry_says_died_or_moved(make_person, nurse):
    died, moved, stays = make_person(4), make_person(6), make_person(7)
    cases = {p.pk: case_enrol(person=p, user=nurse) for p in (died, moved, stays)}
    Person.objects.filter(pk=died.pk).update(status="deceased", status_since=dt.date(2026, 11, 2))
    Person.objects.filter(pk=moved.pk).update(status="moved", status_since=dt.date(2026, 11, 5))

    assert cases_close_discharged() == 2

    for pk, status, since in (
        (died.pk, "died", dt.date(2026, 11, 2)),
        (moved.pk, "moved", dt.date(2026, 11, 5)),
    ):
        case = LtcCase.objects.get(pk=cases[pk].pk)
        assert (case.status, case.status_since) == (status, since)
    assert LtcCase.objects.get(pk=cases[stays.pk].pk).status == "active"
    assert cases_close_discharged() == 0
