"""Persons without a national ID and houses known by the health centre's HID only: every page,
export and service that shows or reads an ID works for them."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tenants.utils import schema_context

from smarthealth.models import AccessLog, ChronicIcdMapping, Household, Person

from ...helpers import host_client, login
from .conftest import cid, home, import_bytes, person, row, zip_bytes

FILES = {
    "HOME": [home("10", HEADID="5", VHVID="6")],
    "PERSON": [
        person("5", hid="10", name="อ่อง", lname="ซาน", nation="048", PASSPORT="MC123456", typearea="3"),
        person("6", hid="10", name="ขิ่น", lname="หม่อง", sex="2", nation="096", typearea="3"),
        person("7", cid_=cid(7), hid="10", name="มานะ", lname="ใจดี"),
    ],
}


@pytest.fixture
def imported(in_kantang):
    import_bytes(zip_bytes(FILES))
    with schema_context("kantang"):
        return {
            "household": Household.objects.get(hospcode="07547", hid="10"),
            **{pid: Person.objects.get(hospcode="07547", pid=pid) for pid in ("5", "6", "7")},
        }


def client_for(username):
    return login(host_client("kantang.localhost"), "kantang", username)


def test_the_person_page_shows_the_masked_passport_or_that_there_is_no_id(imported):
    nurse = client_for("nurse")
    with_passport = nurse.get(reverse("smarthealth:person-detail", args=[imported["5"].public_id])).text
    without = nurse.get(reverse("smarthealth:person-detail", args=[imported["6"].public_id])).text

    assert "หนังสือเดินทาง xxxxx456" in with_passport and "MC123456" not in with_passport
    assert "PID 5 (รพ.สต. 07547)" in with_passport
    assert "ไม่มีเลขประจำตัวประชาชน" in without
    assert reverse("smarthealth:person-reveal-cid", args=[imported["6"].public_id]) not in without


def test_the_passport_is_revealed_like_a_national_id_with_one_audit_row(imported):
    url = reverse("smarthealth:person-reveal-cid", args=[imported["5"].public_id])
    response = client_for("nurse").post(url)

    assert response.status_code == 200 and "MC123456" in response.text
    with schema_context("kantang"):
        row_ = AccessLog.objects.filter(action="reveal_cid", object_ref=str(imported["5"].public_id)).get()
        assert row_.detail == {"document": "passport"}


def test_the_lists_and_the_care_export_show_them(imported):
    nurse = client_for("nurse")
    listing = nurse.post(reverse("smarthealth:person-list"), {"q": "อ่อง"}).text
    assert "หนังสือเดินทาง xxxxx456" in listing
    export = nurse.get(reverse("smarthealth:care-export", kwargs={"kind": "elderly", "fmt": "csv"}))
    assert export.status_code == 200


def test_the_household_list_and_page_show_the_hid_and_the_volunteer_named_by_the_file(imported):
    nurse = client_for("nurse")
    listing = nurse.get(reverse("smarthealth:household-list") + "?located=no").text
    assert "HID 10 (รพ.สต. 07547)" in listing and "ยังไม่อยู่บนแผนที่" in listing
    located = nurse.get(reverse("smarthealth:household-list") + "?located=yes").text
    assert "HID 10 (รพ.สต. 07547)" not in located
    page = nurse.get(reverse("smarthealth:household-detail", args=[imported["household"].pk])).text
    assert "หน่วยบริการระบุ นางขิ่น หม่อง (PID 6)" in page  # PRENAME 005 → นาง
    assert "หัวหน้าครัวเรือน" in page and "นายอ่อง ซาน" in page
    health_map = nurse.get(reverse("smarthealth:map")).text
    assert "?located=no" in health_map and "ยังไม่อยู่บนแผนที่" in health_map


def test_a_house_known_by_its_hid_is_edited_without_a_house_id_and_keeps_its_members(imported):
    nurse = client_for("nurse")
    household = imported["household"]
    response = nurse.post(
        reverse("smarthealth:household-update", args=[household.pk]),
        {
            "house_id": "",
            "house_no": "12",
            "moo": "1",
            "community": "ชุมชนท่าเรือ",
            "road": "",
            "subdistrict_code": "",
            "lat": "7.41",
            "lon": "99.52",
            "volunteer": "",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    member = imported["7"]
    page = nurse.get(reverse("smarthealth:person-update", args=[member.public_id]))
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(cid="", birth_date="01/01/2493", chronic_conditions=[], phone="0812345678")
    response = nurse.post(reverse("smarthealth:person-update", args=[member.public_id]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    with schema_context("kantang"):
        household.refresh_from_db()
        assert (household.house_id, household.house_no, household.location is not None) == (None, "12", True)
        assert Person.objects.get(pk=member.pk).household_id == household.pk


def test_a_member_added_from_the_house_page_joins_the_house(imported):
    nurse = client_for("nurse")
    household = imported["household"]
    page = nurse.get(reverse("smarthealth:person-create") + f"?household={household.pk}")
    assert page.context["form"].initial["household"] == household.pk
    response = nurse.post(
        reverse("smarthealth:person-create"),
        {
            "cid": cid(8),
            "prefix": "นาย",
            "first_name": "สมบัติ",
            "last_name": "ใจดี",
            "sex": "M",
            "birth_date": "01/01/2500",
            "house_id": "",
            "household": household.pk,
            "phone": "",
            "chronic_conditions": [],
            "disability": "none",
            "status": "living",
        },
    )
    assert response.status_code == 302
    with schema_context("kantang"):
        assert Person.objects.get(first_name="สมบัติ", last_name="ใจดี").household_id == household.pk


def test_the_api_answers_for_a_person_without_an_id(imported, make_token):
    from ...api.conftest import call

    token = make_token("kantang", "nurse")
    body = call("kantang", "get", f"/api/v1/persons/{imported['5'].public_id}", token).json()
    assert body["cid_masked"] is None and body["passport_masked"] == "xxxxx456"
    assert body["household"]["house_id"] is None and body["household"]["hid"] == "10"


def test_a_person_without_an_id_is_exported_and_erased(imported, tmp_path):
    out = tmp_path / "person.json"
    call_command(
        "person_export",
        "--schema",
        "kantang",
        "--public-id",
        str(imported["5"].public_id),
        "--by",
        "nurse",
        str(out),
        stdout=io.StringIO(),
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["person"]["national_id"] is None and data["person"]["passport"] == "MC123456"
    assert data["person"]["health_centre"] == {"hospcode": "07547", "pid": "5"}
    assert data["household"]["health_centre"] == {"hospcode": "07547", "hid": "10"}

    call_command(
        "person_erase",
        "--schema",
        "kantang",
        "--public-id",
        str(imported["5"].public_id),
        "--by",
        "admin",
        "--reason",
        "คำขอลบข้อมูลเลขที่ 1/2568",
        "--yes-erase",
        stdout=io.StringIO(),
    )
    with schema_context("kantang"):
        erased = Person.objects.get(pk=imported["5"].pk)
        assert (erased.passport_encrypted, erased.hospcode, erased.pid) == ("", None, None)


def test_a_volunteer_still_finds_a_person_by_national_id(imported):
    from accounts.models import User

    with schema_context("kantang"):
        Household.objects.filter(pk=imported["household"].pk).update(
            volunteer=User.objects.get(username="volunteer")
        )
    listing = client_for("volunteer").post(reverse("smarthealth:person-list"), {"q": cid(7)}).text
    assert "มานะ" in listing and "อ่อง" not in listing


def test_the_icd_table_is_the_health_teams_and_the_next_import_uses_it(in_kantang):
    nurse = client_for("nurse")
    url = reverse("smarthealth:icd-mappings")
    assert "E10" in nurse.get(url).text
    assert client_for("executive").get(url).status_code == 403
    with schema_context("kantang"):
        from smarthealth.models import ChronicCondition

        ckd = ChronicCondition.objects.get(code="CKD")
    response = nurse.post(url, {"icd_from": "n.17", "icd_to": "N179", "condition": ckd.pk})
    assert response.status_code == 302
    with schema_context("kantang"):
        added = ChronicIcdMapping.objects.get(icd_from="N17")
    import_bytes(
        zip_bytes(
            {
                "PERSON": [person("1")],
                "CHRONIC": [row("CHRONIC", PID="1", DATE_DIAG="20200101", CHRONIC="N179", TYPEDISCH="03")],
            }
        )
    )
    with schema_context("kantang"):
        assert Person.objects.get(hospcode="07547", pid="1").chronic_conditions == ["CKD"]
    assert nurse.post(reverse("smarthealth:icd-mapping-delete", args=[added.pk])).status_code == 302
    with schema_context("kantang"):
        assert not ChronicIcdMapping.objects.filter(pk=added.pk).exists()
    refused = nurse.post(url, {"icd_from": "N19", "icd_to": "N17", "condition": ckd.pk})
    assert refused.status_code == 400
