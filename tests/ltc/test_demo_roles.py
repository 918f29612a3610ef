"""The demo's caregiver and fund's officer are demo accounts like the other roles: they sign in
with the demo password, the caregiver sees her own people only (in both pilots), and the fund's
officer decides and pays without the register, the health registry or any module's settings."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from ltc.services import care_plan_decide, care_plan_submit, care_plan_write, case_enrol

from ..helpers import DEMO_PASSWORD, host_client
from .conftest import MONDAY_THURSDAY_CG, plan_data


def sign_in(schema: str, username: str):
    client = host_client(f"{schema}.localhost")
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/", username
    return client


@pytest.mark.parametrize("schema", ["kantang", "nueaklong"])
def test_the_demo_caregiver_signs_in_and_sees_her_people(schema, kantang, nueaklong):
    from ltc.models import LtcCase

    with schema_context(schema):
        mine = list(LtcCase.objects.filter(caregiver__user__username="caregiver", status="active")
                    .select_related("person"))
    assert mine, f"{schema}: the demo caregiver has nobody assigned"

    client = sign_in(schema, "caregiver")
    assert "/ltc/my-people/" in client.get("/").content.decode()
    page = client.get("/ltc/my-people/").content.decode()
    for case in mine:
        assert case.person.full_name in page
    assert client.get(f"/ltc/cases/{mine[0].pk}/visit/").status_code == 200
    assert client.get("/ltc/").status_code == 403


def test_the_demo_caregiver_sees_no_one_elses_person(kantang, make_person, make_caregiver, nurse):
    _user, other = make_caregiver("cg_other")
    theirs = case_enrol(person=make_person(4), user=nurse, caregiver=other)

    client = sign_in("kantang", "caregiver")
    page = client.get("/ltc/my-people/").content.decode()
    assert theirs.person.first_name not in page
    assert client.get(f"/ltc/cases/{theirs.pk}/visit/").status_code == 404


@pytest.fixture
def submitted_plan(make_person, nurse, care_manager):
    case = case_enrol(person=make_person(5), user=nurse)
    plan = care_plan_write(case=case, user=nurse, data=plan_data(), items=[], schedule=MONDAY_THURSDAY_CG)
    return care_plan_submit(plan=plan, user=nurse)


def test_the_fund_officer_decides_and_pays(kantang, submitted_plan):
    from ltc.models import CarePlan

    client = sign_in("kantang", "ltc_fund")
    fund = client.get("/ltc/fund/").content.decode()
    assert submitted_plan.case.person.full_name in fund  # waiting for the subcommittee
    assert client.get(f"/ltc/plans/{submitted_plan.pk}/").status_code == 200
    assert client.get(f"/ltc/plans/{submitted_plan.pk}/print/").status_code == 200
    today = timezone.localdate()
    thai_today = f"{today.day:02d}/{today.month:02d}/{today.year + 543}"
    decided = client.post(f"/ltc/plans/{submitted_plan.pk}/decide/", {
        "approve": "1", "decided_on": thai_today, "meeting": "3/2570", "approved_amount": "10442"})
    assert decided.status_code == 302
    plan = CarePlan.objects.get(pk=submitted_plan.pk)
    assert plan.status == CarePlan.Status.APPROVED, plan.status
    paid = client.post(f"/ltc/plans/{plan.pk}/pay/", {
        "paid_on": thai_today, "amount": "5221", "reference": "ฎ.9/2570"})
    assert paid.status_code == 302
    assert plan.payments.get().recorded_by.username == "ltc_fund"
    export = client.get(f"/ltc/fund/export.csv?year={plan.budget_year}")
    assert export.status_code == 200
    assert submitted_plan.case.person.first_name in b"".join(export.streaming_content).decode("utf-8-sig")


def test_the_fund_officer_has_no_other_powers(kantang, submitted_plan, make_person, nurse):
    from smarthealth.models import Person

    draft_case = case_enrol(person=make_person(6), user=nurse)
    draft = care_plan_write(case=draft_case, user=nurse, data=plan_data(), items=[], schedule=[])
    client = sign_in("kantang", "ltc_fund")
    person = submitted_plan.case.person
    assert client.get(f"/ltc/plans/{draft.pk}/").status_code == 404  # a CM's draft is not the fund's
    for path in (
        "/ltc/",
        "/ltc/follow-up/",
        "/ltc/people/",
        "/ltc/settings/",
        "/ltc/my-people/",
        f"/ltc/cases/{submitted_plan.case.pk}/",
        f"/ltc/cases/{submitted_plan.case.pk}/visit/",
        f"/ltc/cases/{submitted_plan.case.pk}/plan/",
        f"/health/persons/{person.public_id}/",
        f"/health/persons/{Person.objects.order_by('pk').first().public_id}/",
        "/health/persons/",
        "/accounts/users/",
        "/settings/components/",
    ):
        assert client.get(path).status_code in (403, 404), path
    assert client.post(f"/ltc/plans/{draft.pk}/submit/").status_code == 403


def test_the_admin_still_decides(kantang, submitted_plan, admin):
    plan = care_plan_decide(plan=submitted_plan, user=admin, approve=True, decided_on=timezone.localdate(),
                            meeting="4/2570", approved_amount=submitted_plan.requested_amount)
    assert plan.status == "approved"


def test_the_new_user_form_offers_the_fund_officer_in_thai(kantang):
    client = sign_in("kantang", "admin")
    client.cookies["django_language"] = "th"
    form = client.get("/accounts/users/new/").content.decode()
    assert 'value="ltc_fund"' in form and "เจ้าหน้าที่กองทุน LTC" in form
    assert "ผู้ดูแลผู้สูงอายุ (CG)" in form
