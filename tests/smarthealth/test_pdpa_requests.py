"""Issue 22: a person's PDPA requests, from the shell: an access request (everything held about
them, as JSON) and erasure (their personal data gone, the audit trail kept)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from smarthealth.models import AccessLog, AdlAssessment, HomeVisit, NcdScreening, Person
from smarthealth.selectors import person_get, persons_for
from smarthealth.services import adl_assess, home_visit_record, ncd_screen, person_create

from .conftest import make_cid

QUIET = {"stdout": io.StringIO()}
TODAY = dt.date(2025, 3, 1)


@pytest.fixture
def cared_for(own_person, nurse):
    """own_person (ทดสอบ1 ใจดี, HT) with a phone, an ADL assessment, a screening, a visit with
    notes, and one view of their record by the nurse."""
    own_person.phone = "081-234-5678"
    own_person.save(update_fields=["phone"])
    adl_assess(person=own_person, user=nurse, assessed_on=TODAY, score=11)
    ncd_screen(person=own_person, user=nurse, screened_on=TODAY, sbp=150, dbp=95, fbs=110)
    home_visit_record(person=own_person, user=nurse, visited_on=TODAY, sbp=148, dbp=92,
                      notes="ลูกสาวชื่อสมศรีดูแล เบอร์ 089-999-0000")
    person_get(nurse, own_person.public_id)
    return own_person


def _export(person, tmp_path, by="nurse"):
    out = tmp_path / "person.json"
    call_command("person_export", "--schema", "kantang", "--public-id", str(person.public_id), "--by", by,
                 str(out), **QUIET)
    return out


def test_it_exports_everything_held_about_a_person(cared_for, tmp_path):
    out = _export(cared_for, tmp_path)

    text = out.read_text(encoding="utf-8")
    data = json.loads(text)
    assert "ทดสอบ1" in text and "\\u0e" not in text  # Thai kept as Thai
    assert data["person"]["national_id"] == make_cid(1)
    assert (data["person"]["first_name"], data["person"]["last_name"]) == ("ทดสอบ1", "ใจดี")
    assert data["person"]["phone"] == "081-234-5678"
    assert data["person"]["chronic_conditions"][0]["code"] == "HT"
    assert data["household"]["house_id"] == "92020100001"
    assert [a["score"] for a in data["adl_assessments"]] == [11]
    assert [s["sbp"] for s in data["ncd_screenings"]] == [150]
    assert data["home_visits"][0]["notes"].startswith("ลูกสาว")
    actions = [(row["username"], row["action"]) for row in data["access_log"]]
    assert ("nurse", "view") in actions
    assert actions[-1] == ("nurse", "export")  # the export lists itself


def test_the_export_is_written_to_the_access_log(cared_for, tmp_path):
    _export(cared_for, tmp_path)

    row = AccessLog.objects.filter(object_ref=str(cared_for.public_id)).order_by("-id").first()
    assert (row.username, row.action, row.detail["purpose"]) == ("nurse", "export", "pdpa_access_request")


def test_it_finds_the_person_by_national_id_too(cared_for):
    out = io.StringIO()
    call_command("person_export", "--schema", "kantang", "--cid", make_cid(1), "--by", "admin", "-",
                 stdout=out)

    data = json.loads(out.getvalue())
    assert data["person"]["public_id"] == str(cared_for.public_id)
    assert data["generated_by"]["username"] == "admin"


def test_only_a_nurse_or_an_administrator_may_export(cared_for, executive, tmp_path):
    with pytest.raises(CommandError, match="may not"):
        _export(cared_for, tmp_path, by="executive")
    assert not AccessLog.objects.filter(action="export").exists()


def _erase(person, *extra, by="admin"):
    call_command("person_erase", "--schema", "kantang", "--public-id", str(person.public_id), "--by", by,
                 *extra, **QUIET)


def test_an_erasure_needs_a_reason_and_a_confirmation(cared_for):
    logged = AccessLog.objects.count()

    with pytest.raises(CommandError, match="--yes-erase"):
        _erase(cared_for, "--reason", "คำขอลบข้อมูลเลขที่ 12/2568")
    with pytest.raises(CommandError, match="reason"):
        _erase(cared_for, "--yes-erase")

    cared_for.refresh_from_db()
    assert cared_for.first_name == "ทดสอบ1" and cared_for.cid == make_cid(1)
    assert AccessLog.objects.count() == logged


def test_a_nurse_cannot_erase(cared_for):
    with pytest.raises(CommandError, match="may not"):
        _erase(cared_for, "--reason", "คำขอลบข้อมูลเลขที่ 12/2568", "--yes-erase", by="nurse")
    cared_for.refresh_from_db()
    assert cared_for.first_name == "ทดสอบ1"


def test_it_erases_the_personal_data_and_keeps_the_rest(cared_for, nurse, tmp_path):
    trail = list(AccessLog.objects.filter(object_ref=str(cared_for.public_id)).values_list("pk", flat=True))

    _erase(cared_for, "--reason", "คำขอลบข้อมูลเลขที่ 12/2568", "--yes-erase")

    person = Person.objects.get(pk=cared_for.pk)
    assert (person.prefix, person.first_name, person.last_name, person.phone) == ("", "", "", "")
    assert (person.cid_encrypted, person.cid_last3, person.household) == ("", "", None)
    assert person.birth_date == dt.date(1950, 7, 1)  # the year stays, for age bands
    assert (person.sex, person.chronic_conditions) == ("F", ["HT"])
    visit = HomeVisit.objects.get(person=person)
    assert visit.notes == "" and (visit.sbp, visit.dbp) == (148, 92)
    assert AdlAssessment.objects.filter(person=person).count() == 1
    assert NcdScreening.objects.filter(person=person).count() == 1
    # The audit trail stays whole, and says who erased, when and why.
    assert set(trail) <= set(AccessLog.objects.values_list("pk", flat=True))
    erasure = AccessLog.objects.filter(object_ref=str(person.public_id)).order_by("-id").first()
    assert (erasure.username, erasure.detail["pdpa"]) == ("admin", "erasure")
    assert erasure.detail["reason"] == "คำขอลบข้อมูลเลขที่ 12/2568"
    assert "ทดสอบ1" not in json.dumps(erasure.detail, ensure_ascii=False)


def test_an_erased_person_is_found_by_no_search_and_exported_no_more(cared_for, nurse, tmp_path):
    _erase(cared_for, "--reason", "คำขอลบข้อมูลเลขที่ 12/2568", "--yes-erase")

    assert not persons_for(nurse, filters={"q": make_cid(1)}).exists()
    assert not persons_for(nurse, filters={"q": "ทดสอบ1"}).exists()
    assert not persons_for(nurse, filters={"household": cared_for.household_id}).exists()
    assert not persons_for(nurse).filter(pk=cared_for.pk).exists()  # nor in any list, unfiltered
    with pytest.raises(CommandError, match="erased"):
        _export(cared_for, tmp_path)
    with pytest.raises(CommandError, match="erased"):
        _erase(cared_for, "--reason", "คำขอลบข้อมูลเลขที่ 12/2568", "--yes-erase")


def test_the_national_id_can_be_registered_again_after_an_erasure(cared_for, nurse):
    _erase(cared_for, "--reason", "คำขอลบข้อมูลเลขที่ 12/2568", "--yes-erase")

    again = person_create(user=nurse, data={"cid": make_cid(1), "first_name": "ทดสอบ", "last_name": "ใหม่",
                                            "sex": "F", "birth_date": dt.date(1950, 1, 1)})

    assert again.pk != cared_for.pk
    assert persons_for(nurse, filters={"q": make_cid(1)}).get() == again
