"""What the fund's officer may open is what was sent to the subcommittee, whatever became of it
since (a draft the CM replaced by a new version stays hers); a person's PDPA erasure reaches the
long-term care records; a visit's key is never taken for another person's visit."""

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from ltc.models import CarePlan, CgVisit, LtcCase
from ltc.selectors import export_rows
from ltc.services import care_plan_decide, care_plan_submit, care_plan_write, case_enrol, cg_visit_record

from ..helpers import kantang_staff
from .conftest import MONDAY_THURSDAY_CG, plan_data
from .test_demo_roles import sign_in

fund_officer = kantang_staff("ltc_fund", name="fund_officer")


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "JPEG")
    return SimpleUploadedFile("visit.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_draft_replaced_by_a_new_version_stays_the_care_managers(kantang, make_person, nurse, care_manager,
                                                                  fund_officer):
    case = case_enrol(person=make_person(6), user=nurse)
    first = care_plan_write(case=case, user=nurse, data=plan_data(), items=[], schedule=[])
    second = care_plan_write(case=case, user=nurse, data=plan_data(problems="ฉบับที่สอง"), items=[], schedule=[])
    first.refresh_from_db()
    assert first.status == CarePlan.Status.SUPERSEDED and first.submitted_on is None

    client = sign_in("kantang", "ltc_fund")
    for path in (f"/ltc/plans/{first.pk}/", f"/ltc/plans/{second.pk}/print/"):
        assert client.get(path).status_code == 404, path
    with pytest.raises(ValidationError):
        care_plan_decide(plan=second, user=fund_officer, approve=True, decided_on=timezone.localdate(),
                         meeting="1/2570", approved_amount=second.requested_amount)

    care_plan_submit(plan=second, user=nurse)
    assert client.get(f"/ltc/plans/{second.pk}/").status_code == 200
    assert client.get(f"/ltc/plans/{first.pk}/").status_code == 404  # still the CM's draft


def test_erasure_empties_what_the_ltc_records_say_of_the_person(kantang, make_person, make_caregiver, nurse,
                                                                 admin, care_manager):
    from smarthealth.services.pdpa import person_erase

    user, caregiver = make_caregiver("cg_erase")
    person = make_person(5)
    case = case_enrol(person=person, user=nurse, caregiver=caregiver)
    plan = care_plan_write(case=case, user=nurse, data=plan_data(precautions="ระวังหกล้ม"),
                           items=[{"category": "general", "text": "พาไปตลาดบ้านนายสมชาย"}],
                           schedule=MONDAY_THURSDAY_CG)
    care_plan_decide(plan=plan, user=admin, approve=True, decided_on=timezone.localdate(), meeting="1/2570",
                     approved_amount=plan.requested_amount)
    visit = cg_visit_record(case=case, user=user, visited_on=timezone.localdate() - dt.timedelta(days=1),
                            check_in_lat=7.405, check_in_lon=99.515, activities=[], notes="ลูกสาวชื่อสมศรีดูแล",
                            witness_name="สมศรี ใจดี", photo=_jpeg(), deviation_reason="ไปช้า")
    photo = visit.photo.name
    assert photo and visit.photo.storage.exists(photo)
    assert plan in export_rows(year=plan.budget_year)[0]

    summary = person_erase(user=admin, person=person, reason="คำขอลบข้อมูลของเจ้าของข้อมูล")

    visit.refresh_from_db()
    plan.refresh_from_db()
    case.refresh_from_db()
    assert (visit.notes, visit.witness_name, visit.deviation_reason) == ("", "", "")
    assert visit.check_in_location is None and not visit.photo and not visit.photo.storage.exists(photo)
    assert (plan.diagnosis, plan.problems, plan.precautions) == ("", "", "")
    assert list(plan.items.values_list("text", flat=True)) == [""]
    assert plan.approved_amount == plan.requested_amount  # the money stays in the fund's figures
    assert case.status == LtcCase.Status.CLOSED
    assert summary["ltc"] == {"visits_cleared": 1, "visit_photos_deleted": 1, "plans_cleared": 1,
                              "cases_closed": 1}
    assert plan not in export_rows(year=plan.budget_year)[0]


def test_a_key_of_another_persons_visit_is_refused_not_reported_saved(kantang, make_person, make_caregiver,
                                                                       nurse, care_manager):
    user, caregiver = make_caregiver("cg_keys")
    cases = [case_enrol(person=make_person(adl), user=nurse, caregiver=caregiver) for adl in (5, 7)]
    key = uuid.uuid4()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    first = cg_visit_record(case=cases[0], user=user, visited_on=yesterday, idempotency_key=key)

    assert cg_visit_record(case=cases[0], user=user, visited_on=yesterday, idempotency_key=key) == first
    with pytest.raises(ValidationError):
        cg_visit_record(case=cases[1], user=user, visited_on=yesterday, idempotency_key=key)
    assert CgVisit.objects.filter(idempotency_key=key).count() == 1
