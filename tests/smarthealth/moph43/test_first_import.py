"""A small export loads: households, persons, their care rows, counted per file."""

import datetime as dt

from django_tenants.utils import schema_context

from smarthealth.models import AdlAssessment, HomeVisit, Household, NcdScreening, Person

from .conftest import by_file, cid, home, import_bytes, person, row, zip_bytes


def test_it_loads_every_file_in_dependency_order(in_kantang):
    files = {
        "PERSON": [
            person("1", cid_=cid(1), hid="10"),
            person("2", hid="10", sex="2", passport="MA1234567", nation="048"),
        ],
        "HOME": [home("10", LATITUDE="7.405", LONGITUDE="99.515", VHVID="1", HEADID="1")],
        "CHRONIC": [
            row("CHRONIC", PID="1", DATE_DIAG="20200101", CHRONIC="E119", TYPEDISCH="03"),
            row("CHRONIC", PID="1", DATE_DIAG="20200101", CHRONIC="K297", TYPEDISCH="03"),
        ],
        "DISABILITY": [row("DISABILITY", PID="2", DISABTYPE="3", DATE_DETECT="20200101")],
        "FUNCTIONAL": [
            row("FUNCTIONAL", PID="1", SEQ="1", DATE_SERV="20250101", FUNCTIONAL_TEST="01", TESTRESULT="4"),
            row("FUNCTIONAL", PID="1", SEQ="1", DATE_SERV="20250101", FUNCTIONAL_TEST="02", TESTRESULT="7"),
        ],
        "NCDSCREEN": [
            row(
                "NCDSCREEN",
                PID="1",
                SEQ="2",
                DATE_SERV="20250102",
                SBP_1="150",
                DBP_1="90",
                SBP_2="141",
                DBP_2="85",
                BSLEVEL="130.4",
                BSTEST="1",
            )
        ],
        "COMMUNITY_SERVICE": [
            row("COMMUNITY_SERVICE", PID="1", SEQ="3", DATE_SERV="20250103", COMSERVICE="1A001")
        ],
    }
    job = import_bytes(zip_bytes(files, extra={"SPECIALPP.TXT": "", "SERVICE.TXT": ""}))

    assert job.status == "done", job.failure_reason
    results = by_file(job)
    assert [r["file"] for r in job.file_results if r["used"]] == [
        "HOME",
        "PERSON",
        "CHRONIC",
        "DISABILITY",
        "FUNCTIONAL",
        "NCDSCREEN",
        "COMMUNITY_SERVICE",
    ]
    assert {r["file"] for r in job.file_results if not r["used"]} == {"SPECIALPP", "SERVICE"}
    assert results["PERSON"]["created"] == 2 and results["HOME"]["created"] == 1
    assert results["CHRONIC"]["not_mapped"] == {"K297": 1}
    assert results["FUNCTIONAL"]["not_used"] == 1
    assert job.rows == sum(r["rows"] for r in results.values())
    household = Household.objects.get(hospcode="07547", hid="10")
    assert household.house_id is None and household.location is not None
    first = Person.objects.get(hospcode="07547", pid="1")
    second = Person.objects.get(hospcode="07547", pid="2")
    assert first.household == household and first.prefix == "นาย"
    assert first.chronic_conditions == ["DM"]
    assert second.cid_hash is None and second.passport == "MA1234567" and second.nationality == "048"
    assert second.disability == "physical"
    adl = AdlAssessment.objects.get(person=first)
    assert (adl.score, adl.group, adl.source) == (4, "bedbound", "import")
    screening = NcdScreening.objects.get(person=first)
    assert (screening.sbp, screening.dbp, screening.fbs) == (146, 88, 130)  # (150+141)/2 = 145.5 → 146
    assert screening.screened_on == dt.date(2025, 1, 2)
    visit = HomeVisit.objects.get(person=first)
    assert visit.service_code == "1A001" and visit.notes == "เยี่ยมผู้ป่วยโรคเบาหวาน"


def test_the_same_zip_again_changes_nothing(in_kantang):
    files = {
        "PERSON": [person("1", cid_=cid(1))],
        "HOME": [home("10")],
        "NCDSCREEN": [row("NCDSCREEN", PID="1", DATE_SERV="20250102", SBP_1="120", DBP_1="80")],
    }
    content = zip_bytes(files)
    first = import_bytes(content)
    again = import_bytes(content)

    assert first.created == 3
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    with schema_context("kantang"):
        assert Person.objects.filter(hospcode="07547").count() == 1
