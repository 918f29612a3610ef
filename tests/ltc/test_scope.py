"""Role scoping: a caregiver opens only her own people; an executive sees counts and money,
never a name; every personal read leaves an audit row."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from ltc.selectors import case_get, cases_for
from ltc.services import care_plan_decide, care_plan_write, case_enrol, cg_visit_record
from ltc.services.cases import case_assign
from smarthealth.models import AccessLog

from ..helpers import login
from .conftest import MONDAY_THURSDAY_CG, plan_data


@pytest.fixture
def two_cases(make_person, make_caregiver, nurse, admin, care_manager):
    (user_a, cg_a), (user_b, cg_b) = make_caregiver("cg_a"), make_caregiver("cg_b")
    case_a = case_enrol(person=make_person(5), user=nurse, caregiver=cg_a)
    case_b = case_enrol(person=make_person(6), user=nurse, caregiver=cg_b)
    for case in (case_a, case_b):
        plan = care_plan_write(case=case, user=nurse, data=plan_data(), items=[], schedule=MONDAY_THURSDAY_CG)
        care_plan_decide(
            plan=plan,
            user=admin,
            approve=True,
            decided_on=timezone.localdate(),
            meeting="1/2570",
            approved_amount=plan.requested_amount,
        )
    return user_a, case_a, user_b, case_b


def test_a_caregiver_sees_only_her_people(two_cases):
    user_a, case_a, _user_b, case_b = two_cases
    assert list(cases_for(user_a)) == [case_a]
    assert case_get(user_a, case_a.pk) == case_a
    with pytest.raises(Http404):
        case_get(user_a, case_b.pk)
    denied = AccessLog.objects.filter(user=user_a, outcome=AccessLog.Outcome.DENIED).latest("pk")
    assert denied.object_ref == str(case_b.person.public_id)
    with pytest.raises(PermissionDenied):
        cg_visit_record(case=case_b, user=user_a, visited_on=timezone.localdate(), activities=["hygiene"])


def test_a_caregivers_pages_of_another_persons_answer_404(two_cases, kantang_client):
    user_a, case_a, _user_b, case_b = two_cases
    login(kantang_client, "kantang", user_a.username)
    assert kantang_client.get(f"/ltc/cases/{case_a.pk}/visit/").status_code == 200
    assert kantang_client.get(f"/ltc/cases/{case_b.pk}/visit/").status_code == 404
    assert kantang_client.get(f"/ltc/cases/{case_b.pk}/monthly/").status_code == 404
    assert kantang_client.get(f"/ltc/cases/{case_a.pk}/").status_code == 403  # the CM's page
    assert kantang_client.get("/ltc/").status_code == 403
    page = kantang_client.get("/ltc/my-people/").content.decode()
    assert case_a.person.first_name in page and case_b.person.first_name not in page


def test_a_visit_off_the_schedule_is_flagged_to_the_cm(two_cases, nurse):
    user_a, case_a, _user_b, _case_b = two_cases
    today = timezone.localdate()
    tuesday = today - dt.timedelta(days=(today.weekday() - 1) % 7)
    monday = today - dt.timedelta(days=today.weekday())
    on_plan = cg_visit_record(case=case_a, user=user_a, visited_on=monday, activities=["hygiene"])
    off_plan = cg_visit_record(case=case_a, user=user_a, visited_on=tuesday, activities=["hygiene"])
    assert not on_plan.deviation
    assert off_plan.deviation and off_plan.deviation_reason
    from ltc.selectors import followup_for

    assert off_plan in followup_for(nurse)["flagged"]


def test_an_executive_sees_counts_and_money_never_names(two_cases, kantang_client):
    _user_a, case_a, _user_b, _case_b = two_cases
    login(kantang_client, "kantang", "executive")
    response = kantang_client.get("/ltc/fund/")
    assert response.status_code == 200
    html = response.content.decode()
    assert case_a.person.first_name not in html and case_a.person.last_name not in html
    assert "data-fund-table" in html
    for path in (
        "/ltc/",
        f"/ltc/cases/{case_a.pk}/",
        "/ltc/follow-up/",
        "/ltc/fund/export.csv",
        f"/ltc/plans/{case_a.plans.first().pk}/print/",
    ):
        assert kantang_client.get(path).status_code == 403, path


def test_reading_a_case_is_audited(two_cases, kantang_client):
    _user_a, case_a, _user_b, _case_b = two_cases
    login(kantang_client, "kantang", "nurse")
    before = AccessLog.objects.count()
    assert kantang_client.get(f"/ltc/cases/{case_a.pk}/").status_code == 200
    row = AccessLog.objects.order_by("-pk").first()
    assert AccessLog.objects.count() == before + 1
    assert (row.action, row.object_ref) == ("view", str(case_a.person.public_id))


def test_copying_last_years_plan_makes_a_new_version(two_cases, nurse):
    from ltc.services import care_plan_copy

    _user_a, case_a, _user_b, _case_b = two_cases
    plan = case_a.plans.get()
    copy = care_plan_copy(case=case_a, user=nurse, to_year=plan.budget_year + 1)
    assert (copy.budget_year, copy.version, copy.copied_from_id, copy.status) == (
        plan.budget_year + 1,
        1,
        plan.pk,
        "draft",
    )
    assert [r.weekday for r in copy.schedule.all()] == [0, 3]


def test_a_case_assignment_needs_the_cm_permission(two_cases):
    user_a, case_a, _user_b, _case_b = two_cases
    with pytest.raises(PermissionDenied):
        case_assign(case=case_a, user=user_a, care_manager=None, caregiver=None)
