"""The caregiver's visits without a network (issue 23, as the volunteers' of issue 16): the copy
of HER people the phone keeps, the two pages the service worker keeps for her, and the endpoint
the one outbox sends her visits to — recorded once however often the same visit arrives."""

import io
import json
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from ltc.models import CgVisit
from ltc.services import care_plan_decide, care_plan_write, case_enrol
from smarthealth.models import AccessLog

from ..helpers import login
from .conftest import MONDAY_THURSDAY_CG, plan_data


def be(day) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@pytest.fixture
def her_case_and_another(make_person, make_caregiver, nurse, admin, care_manager):
    (user, mine), (_other_user, other) = make_caregiver("cg_off_a"), make_caregiver("cg_off_b")
    cases = []
    for caregiver, adl in ((mine, 5), (other, 7)):
        case = case_enrol(person=make_person(adl), user=nurse, caregiver=caregiver)
        plan = care_plan_write(case=case, user=nurse, data=plan_data(precautions="ระวังหกล้ม"), items=[],
                               schedule=MONDAY_THURSDAY_CG)
        care_plan_decide(plan=plan, user=admin, approve=True, decided_on=timezone.localdate(),
                         meeting="1/2570", approved_amount=plan.requested_amount)
        cases.append(case)
    return user, cases[0], cases[1]


@pytest.fixture
def cg_client(kantang_client, her_case_and_another):
    user, _mine, _theirs = her_case_and_another
    return login(kantang_client, "kantang", user.username)


def fields(case, key=None, **extra):
    data = {"case": str(case.pk), "idempotency_key": str(key or uuid.uuid4()),
            "visited_on": be(timezone.localdate()), "activities": ["hygiene", "feeding"],
            "problems": ["pressure_sore"], "sbp": "130", "dbp": "80", "witness_name": "ลูกสาว"}
    data.update(extra)
    return data


def test_the_copy_holds_her_people_only_and_is_audited(cg_client, her_case_and_another):
    user, mine, theirs = her_case_and_another
    response = cg_client.get("/ltc/my-people/offline/copy/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    copy = response.json()
    assert copy["user"] == user.pk
    assert set(copy["persons"]) == {str(mine.pk)}
    person = copy["persons"][str(mine.pk)]
    assert person["name"] == mine.person.full_name and "ระวังหกล้ม" in person["precautions"]
    assert set(person["schedule"]) == {"0", "3"}
    assert f"/ltc/cases/{mine.pk}/visit/" in "".join(copy["cards"])
    assert theirs.person.first_name not in json.dumps(copy, ensure_ascii=False)
    row = AccessLog.objects.filter(user=user, object_ref="offline_copy").latest("pk")
    assert row.action == "list" and row.detail["count"] == 1


@pytest.mark.parametrize("path", ["/ltc/my-people/offline/", "/ltc/my-people/offline/visit/"])
def test_the_offline_pages_hold_no_one_s_data(cg_client, her_case_and_another, path):
    _user, mine, _theirs = her_case_and_another
    html = cg_client.get(path).content.decode()
    assert "data-offline-shell" in html and mine.person.first_name not in html


def test_the_worker_keeps_her_pages_and_their_files(kantang_client):
    body = kantang_client.get("/sw.js").content.decode()
    config = json.loads(body.split("var CONFIG = ", 1)[1].split(";\n", 1)[0])
    group = config["groups"]["cg"]
    assert group["pages"] == {"list": "/ltc/my-people/offline/", "visit": "/ltc/my-people/offline/visit/"}
    patterns = {route["pattern"]: route["page"] for route in group["routes"]}
    assert patterns == {"^/ltc/my-people/$": "/ltc/my-people/offline/",
                        "^/ltc/cases/[0-9]+/visit/$": "/ltc/my-people/offline/visit/"}
    assert "/static/js/ltc/cg-visit.js" in config["assets"] and "/static/css/ltc.css" in config["assets"]
    assert all(finders.find(asset.removeprefix("/static/")) for asset in config["assets"])


def test_her_pages_register_the_worker_and_the_one_outbox(cg_client):
    html = cg_client.get("/ltc/my-people/").content.decode()
    assert 'data-sw="/sw.js"' in html and "js/smarthealth/offline-outbox.js" in html
    assert "js/smarthealth/offline-households.js" in html and 'data-copy-key="ltc-people"' in html
    assert "cg-outbox" not in html


def test_a_visit_sent_twice_is_recorded_once(cg_client, her_case_and_another):
    _user, mine, _theirs = her_case_and_another
    key = uuid.uuid4()
    first = cg_client.post("/ltc/visits/sync/", fields(mine, key))
    again = cg_client.post("/ltc/visits/sync/", fields(mine, key))
    assert first.status_code == again.status_code == 200
    assert first.json()["ok"] and again.json()["key"] == str(key)
    assert again["Idempotent-Replayed"] == "true"
    visit = CgVisit.objects.get(case=mine)
    assert visit.idempotency_key == key and visit.activities == ["hygiene", "feeding"]
    assert (visit.sbp, visit.problems, visit.witness_name) == (130, ["pressure_sore"], "ลูกสาว")


def test_a_resend_after_the_case_closed_is_still_saved(cg_client, her_case_and_another):
    # Her first send arrived but its answer was lost; the case closed before the phone retried.
    _user, mine, _theirs = her_case_and_another
    key = uuid.uuid4()
    assert cg_client.post("/ltc/visits/sync/", fields(mine, key)).status_code == 200
    mine.status = "died"
    mine.save(update_fields=["status"])
    again = cg_client.post("/ltc/visits/sync/", fields(mine, key))
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert CgVisit.objects.filter(idempotency_key=key).count() == 1
    assert cg_client.post("/ltc/visits/sync/", fields(mine)).status_code == 403  # a new one: refused


def test_a_visit_with_its_photo(cg_client, her_case_and_another):
    _user, mine, _theirs = her_case_and_another
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (30, 120, 60)).save(buffer, format="JPEG")
    photo = SimpleUploadedFile("visit.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert cg_client.post("/ltc/visits/sync/", {**fields(mine), "photo": photo}).status_code == 200
    assert CgVisit.objects.get(case=mine).photo


def test_another_caregivers_person_is_refused(cg_client, her_case_and_another):
    _user, _mine, theirs = her_case_and_another
    response = cg_client.post("/ltc/visits/sync/", fields(theirs))
    assert response.status_code == 403 and response.json()["code"] == "out_of_scope"
    assert not CgVisit.objects.filter(case=theirs).exists()


def test_bad_values_come_back_with_their_fields(cg_client, her_case_and_another):
    _user, mine, _theirs = her_case_and_another
    response = cg_client.post("/ltc/visits/sync/", fields(mine, sbp="70", dbp="90"))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["details"]
    bad_key = cg_client.post("/ltc/visits/sync/", fields(mine, key="not-a-key"))
    assert bad_key.status_code == 400


def test_signed_out_and_other_roles(kantang_client, her_case_and_another):
    _user, mine, _theirs = her_case_and_another
    kantang_client.raise_request_exception = True
    from django.test import Client

    anonymous = Client(HTTP_HOST="kantang.localhost")
    assert anonymous.post("/ltc/visits/sync/", fields(mine)).status_code == 401
    volunteer = login(Client(HTTP_HOST="kantang.localhost"), "kantang", "volunteer")
    assert volunteer.post("/ltc/visits/sync/", fields(mine)).status_code == 403
    assert volunteer.get("/ltc/my-people/offline/copy/").status_code == 403


def test_only_the_caregivers_form_keeps_a_visit_on_the_phone(cg_client, her_case_and_another):
    from django.test import Client

    _user, mine, _theirs = her_case_and_another
    assert "data-keeps-offline" in cg_client.get(f"/ltc/cases/{mine.pk}/visit/").content.decode()
    cm = login(Client(HTTP_HOST="kantang.localhost"), "kantang", "nurse")
    page = cm.get(f"/ltc/cases/{mine.pk}/visit/")
    assert page.status_code == 200 and "data-keeps-offline" not in page.content.decode()
