"""Month after month: the same export again changes nothing; next month's export updates what
changed (a newer D_UPDATE wins), adds the new, applies deaths and moves; nothing is deleted
because a row is absent. Who lives here decides every count."""

import datetime as dt
import io

from django.contrib.auth.models import Group
from django.core.files import File
from django_tenants.utils import schema_context

from accounts.models import User
from imports.services import import_job_run, import_job_start
from smarthealth import crypto
from smarthealth.models import AdlAssessment, HomeVisit, Household, NcdScreening, Person
from smarthealth.selectors import health_summary

from .conftest import by_file, cid, home, import_bytes, person, row, zip_bytes

JAN, FEB = "20250131120000", "20250228120000"


def _january():
    return {
        "HOME": [home("1", VHVID="9", HEADID="1"), home("2")],
        "PERSON": [
            person("1", cid_=cid(1), hid="1", name="อารี", d_update=JAN, MOBILE="0811111111"),
            person("2", cid_=cid(2), hid="1", name="บุญมี", d_update=JAN),
            person(
                "3", cid_=cid(3), hid="2", name="สมพร", typearea="2", d_update=JAN
            ),  # registered, lives away
            person("4", cid_=cid(4), name="ประยุทธ", typearea="4", d_update=JAN),  # came for a service
            person("5", hid="2", name="อ่อง", nation="048", PASSPORT="MC123456", typearea="3", d_update=JAN),
            person("6", cid_=cid(6), hid="2", name="วันดี", typearea="5", d_update=JAN),
            person("9", cid_=cid(9), hid="2", name="อสม", lname="ใจงาม", sex="2", d_update=JAN, VSTATUS="2"),
        ],
        "CHRONIC": [
            row("CHRONIC", PID="1", DATE_DIAG="20200101", CHRONIC="E119", TYPEDISCH="03"),
            row("CHRONIC", PID="2", DATE_DIAG="20200101", CHRONIC="C509", TYPEDISCH="03"),
            row("CHRONIC", PID="3", DATE_DIAG="20200101", CHRONIC="I10", TYPEDISCH="03"),
        ],
        "FUNCTIONAL": [
            row("FUNCTIONAL", PID="2", SEQ="1", DATE_SERV="20250105", FUNCTIONAL_TEST="01", TESTRESULT="3")
        ],
        "NCDSCREEN": [row("NCDSCREEN", PID="1", SEQ="2", DATE_SERV="20250110", SBP_1="150", DBP_1="95")],
        "COMMUNITY_SERVICE": [
            row("COMMUNITY_SERVICE", PID="2", SEQ="3", DATE_SERV="20250111", COMSERVICE="1A430")
        ],
    }


def _february():
    files = _january()
    people = files["PERSON"]
    people[0] = person("1", cid_=cid(1), hid="1", name="อารี", d_update=FEB, MOBILE="0822222222")  # new phone
    people[1] = person(
        "2", cid_=cid(2), hid="1", name="บุญมี", discharge="1", ddischarge="20250215", d_update=FEB
    )  # died
    people[5] = person(
        "6",
        cid_=cid(6),
        hid="2",
        name="วันดี",
        typearea="5",
        discharge="2",
        ddischarge="20250220",
        d_update=FEB,
    )  # moved out
    # An older row than the one stored never overwrites it.
    people[6] = person(
        "9", cid_=cid(9), hid="2", name="ชื่อเก่า", lname="ใจงาม", sex="2", d_update="20240101000000"
    )
    people.append(person("10", cid_=cid(10), hid="1", name="ทารก", birth="20250210", d_update=FEB))  # born
    files["CHRONIC"] += [
        row("CHRONIC", PID="2", DATE_DIAG="20200101", CHRONIC="C509", TYPEDISCH="07"),
        row("CHRONIC", PID="1", DATE_DIAG="20250201", CHRONIC="I10", TYPEDISCH="03"),
    ]
    files["CHRONIC"].pop(1)  # the open cancer row is replaced by the closed one
    files["NCDSCREEN"].append(
        row("NCDSCREEN", PID="1", SEQ="5", DATE_SERV="20250210", SBP_1="128", DBP_1="82")
    )
    del files["FUNCTIONAL"]  # a file absent from the export: nothing of it goes away
    return files


def _person(pid: str) -> Person:
    return Person.objects.get(hospcode="07547", pid=pid)


def test_the_same_export_again_changes_nothing(in_kantang):
    content = zip_bytes(_january())
    first = import_bytes(content)
    again = import_bytes(content)

    assert first.created > 0 and first.rejected == 0
    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert again.unchanged == again.rows == first.rows


def test_next_month_updates_adds_and_discharges_and_deletes_nothing(in_kantang):
    import_bytes(zip_bytes(_january()))
    with schema_context("kantang"):
        visit_ids = set(HomeVisit.objects.filter(person__hospcode="07547").values_list("pk", flat=True))
    job = import_bytes(zip_bytes(_february()))

    results = by_file(job)
    assert (results["PERSON"]["created"], results["PERSON"]["updated"]) == (1, 3)
    with schema_context("kantang"):
        assert _person("1").phone == "0822222222"
        died = _person("2")
        assert (died.status, died.status_since) == ("deceased", dt.date(2025, 2, 15))
        assert AdlAssessment.objects.filter(person=died).count() == 1  # history kept
        assert HomeVisit.objects.filter(person=died).exists()
        moved = _person("6")
        assert (moved.status, moved.status_since) == ("moved", dt.date(2025, 2, 20))
        assert _person("9").first_name == "อสม"  # the older row did not overwrite
        baby = _person("10")
        assert baby.status == "living" and baby.household.hid == "1"
        assert _person("1").chronic_conditions == ["DM", "HT"]
        assert died.chronic_conditions == []  # cancer closed: treatment complete (07)
        assert NcdScreening.objects.filter(person__pid="1", person__hospcode="07547").count() == 2
        assert (
            set(HomeVisit.objects.filter(person__hospcode="07547").values_list("pk", flat=True)) == visit_ids
        )


def test_a_condition_stays_while_another_open_row_maps_to_it(in_kantang):
    files = {
        "PERSON": [person("1")],
        "CHRONIC": [
            row("CHRONIC", PID="1", DATE_DIAG="20200101", CHRONIC="E11", TYPEDISCH="03"),
            row("CHRONIC", PID="1", DATE_DIAG="20210101", CHRONIC="E119", TYPEDISCH="01"),
            row("CHRONIC", PID="1", DATE_DIAG="20210101", CHRONIC="C61", TYPEDISCH="08"),
            row("CHRONIC", PID="1", DATE_DIAG="20210101", CHRONIC="J449", TYPEDISCH="02"),
        ],
    }
    with schema_context("kantang"):
        import_bytes(zip_bytes({"PERSON": [person("1")]}))
        Person.objects.filter(hospcode="07547", pid="1").update(chronic_conditions=["CANCER"])
    import_bytes(zip_bytes(files))

    with schema_context("kantang"):
        # E11 open keeps DM although E119 is cured; C61 "no treatment needed" takes CANCER away;
        # TYPEDISCH 02 (died) does not close a condition.
        assert _person("1").chronic_conditions == ["COPD", "DM"]


def test_several_disabilities_keep_the_most_recently_detected_then_the_lowest_code(in_kantang):
    files = {
        "PERSON": [person("1"), person("2")],
        "DISABILITY": [
            row("DISABILITY", PID="1", DISABTYPE="4", DATE_DETECT="20200101"),
            row("DISABILITY", PID="1", DISABTYPE="2", DATE_DETECT="20230101"),
            row("DISABILITY", PID="2", DISABTYPE="5", DATE_DETECT="20230101"),
            row("DISABILITY", PID="2", DISABTYPE="3", DATE_DETECT="20230101"),
        ],
    }
    import_bytes(zip_bytes(files))

    with schema_context("kantang"):
        assert (_person("1").disability, _person("2").disability) == ("hearing", "physical")


def test_a_person_first_known_from_excel_is_the_same_person_in_the_43_files(in_kantang, tmp_path):
    known = cid(77)
    csv_text = "cid,first_name,last_name,sex,birth_date,chronic\n" + f"{known},มาลี,ดีใจ,F,05/01/2510,HT\n"
    with schema_context("kantang"):
        job = import_job_start(
            dataset="persons", upload=File(io.BytesIO(csv_text.encode()), name="persons.csv"), run_here=True
        )
        assert import_job_run(job_id=job.pk).created == 1
    job = import_bytes(
        zip_bytes(
            {
                "PERSON": [person("77", cid_=known, name="มาลี", lname="ดีใจ", sex="2", birth="19670105")],
                "NCDSCREEN": [row("NCDSCREEN", PID="77", DATE_SERV="20250101", SBP_1="120", DBP_1="70")],
            }
        )
    )

    assert (job.created, job.updated) == (1, 1)  # the screening is new; the person got the PID
    with schema_context("kantang"):
        same = Person.objects.filter(cid_hash=crypto.cid_hash(known))
        assert same.count() == 1
        person_ = same.get()
        assert (person_.hospcode, person_.pid, person_.chronic_conditions) == ("07547", "77", ["HT"])
        assert person_.screenings.count() == 1


def test_foreigners_without_an_id_are_registered_and_counted(in_kantang):
    files = {
        "PERSON": [
            person("5", name="อ่อง", nation="048", PASSPORT="MC123456", typearea="3"),
            person("6", name="ขิ่น", sex="2", nation="096", typearea="3"),
        ]
    }
    with schema_context("kantang"):
        before = health_summary(None)["persons"]
    import_bytes(zip_bytes(files))
    import_bytes(zip_bytes(files))  # and again: still two persons, by (HOSPCODE, PID)

    with schema_context("kantang"):
        assert health_summary(None)["persons"] == before + 2
        foreigner = _person("5")
        assert foreigner.cid_hash is None and foreigner.nationality == "048"
        assert foreigner.passport == "MC123456" and foreigner.identity_masked.endswith("xxxxx456")
        assert Person.objects.filter(hospcode="07547", pid="6").count() == 1


def test_non_residents_count_in_no_figure(in_kantang):
    files = _january()
    with schema_context("kantang"):
        before = health_summary(None)
    import_bytes(zip_bytes(files))

    with schema_context("kantang"):
        after = health_summary(None)
        statuses = dict(Person.objects.filter(hospcode="07547").values_list("pid", "status"))
    assert statuses == {
        "1": "living",
        "2": "living",
        "3": "away",
        "4": "away",
        "5": "living",
        "6": "living",
        "9": "living",
    }
    assert after["persons"] - before["persons"] == 5
    # Person 3 (TYPEAREA 2) has hypertension: not counted.
    assert after["by_condition"].get("HT", 0) == before["by_condition"].get("HT", 0)
    assert after["by_condition"]["DM"] - before["by_condition"].get("DM", 0) == 1


def test_the_volunteer_named_by_the_file_is_matched_now_or_at_a_later_import(in_kantang):
    content = zip_bytes(_january())
    import_bytes(content)
    with schema_context("kantang"):
        household = Household.objects.get(hospcode="07547", hid="1")
        assert (household.volunteer, household.volunteer_pid, household.head_pid) == (None, "9", "1")
        user = User.objects.create_user("vhv9", first_name="อสม", last_name="ใจงาม")
        user.groups.add(Group.objects.get(name="volunteer"))
    job = import_bytes(content)  # nothing changed in the file: the match is tried again

    with schema_context("kantang"):
        household.refresh_from_db()
        assert household.volunteer == user
    assert by_file(job)["HOME"]["volunteers_assigned"] == 1


def test_a_new_diagnosis_gives_the_earlier_screenings_their_colour_of_now(in_kantang):
    files = {
        "PERSON": [person("1")],
        "NCDSCREEN": [row("NCDSCREEN", PID="1", DATE_SERV="20250110", SBP_1="125", DBP_1="82")],
    }
    import_bytes(zip_bytes(files))
    with schema_context("kantang"):
        assert NcdScreening.objects.get(person__hospcode="07547", person__pid="1").colour == "light_green"
    files["CHRONIC"] = [row("CHRONIC", PID="1", DATE_DIAG="20250201", CHRONIC="I10", TYPEDISCH="03")]
    import_bytes(zip_bytes(files))  # the screening row itself is unchanged

    with schema_context("kantang"):
        assert NcdScreening.objects.get(person__hospcode="07547", person__pid="1").colour == "dark_green"
