"""The care files' set-based statements run on the server's thread while the next file is read
(load.Loaded, Context.defer): what a later file reads of an earlier one's rows is still there
when it reads it, and a second file of one kind in the same zip is applied after the first."""

import io
import zipfile

from django_tenants.utils import schema_context

from smarthealth.models import AdlAssessment, NcdScreening, Person
from smarthealth.rules import NcdColour

from .conftest import by_file, cid, home, import_bytes, person, row, text_file


def _zip(folders: dict[str, dict[str, list[list[str]]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder, files in folders.items():
            for name, rows in files.items():
                archive.writestr(f"{folder}/{name}.TXT", text_file(name, rows).encode())
    return buffer.getvalue()


def test_two_functional_files_in_one_zip_make_one_assessment_per_day(in_kantang):
    # Two months' exports zipped together: the second file's row of the same day updates the
    # first one's assessment (it is not a new person's "fresh" row to insert plainly).
    content = _zip({
        "F43_07547_20250131180000": {
            "PERSON": [person("1", cid_=cid(1), hid="10")],
            "HOME": [home("10")],
            "FUNCTIONAL": [row("FUNCTIONAL", PID="1", SEQ="1", DATE_SERV="20250105", FUNCTIONAL_TEST="01",
                               TESTRESULT="4")],
        },
        "F43_07547_20250228180000": {
            "FUNCTIONAL": [
                row("FUNCTIONAL", PID="1", SEQ=seq, DATE_SERV=day, FUNCTIONAL_TEST="01", TESTRESULT=score)
                for seq, day, score in (("1", "20250105", "6"), ("2", "20250205", "14"))
            ],
        },
    })
    job = import_bytes(content)

    assert job.status == "done", job.failure_reason
    used = [r["file"] for r in job.file_results if r["used"]]
    assert used == ["HOME", "PERSON", "FUNCTIONAL", "FUNCTIONAL"]
    with schema_context("kantang"):
        ours = AdlAssessment.objects.filter(person__hospcode="07547", person__pid="1")
        scores = sorted(ours.values_list("assessed_on", "score"))
    assert [score for _day, score in scores] == [6, 14]


def test_a_screening_is_coloured_by_the_diagnosis_of_the_same_zip(in_kantang):
    # NCDSCREEN reads the persons' diagnoses that CHRONIC, two files before it, set: in the
    # 7-colour scheme a fasting sugar of 110 is dark green for a diabetic, light green for others.
    files = {
        "PERSON": [person("1", cid_=cid(1), hid="10"), person("2", cid_=cid(2), hid="10")],
        "HOME": [home("10")],
        "CHRONIC": [row("CHRONIC", PID="1", DATE_DIAG="20200101", CHRONIC="E119", TYPEDISCH="03")],
        "DISABILITY": [row("DISABILITY", PID="2", DISABTYPE="3", DATE_DETECT="20200101")],
        "NCDSCREEN": [
            row("NCDSCREEN", PID=pid, SEQ="1", DATE_SERV="20250102", BSLEVEL="110", BSTEST="1")
            for pid in ("1", "2")
        ],
    }
    job = import_bytes(_zip({"F43_07547_20250228180000": files}))

    assert job.status == "done", job.failure_reason
    assert by_file(job)["NCDSCREEN"]["created"] == 2
    with schema_context("kantang"):
        screenings = NcdScreening.objects.filter(person__hospcode="07547")
        colours = dict(screenings.values_list("person__pid", "colour"))
        diabetic = Person.objects.get(hospcode="07547", pid="1")
        assert diabetic.chronic_conditions == ["DM"]
        assert Person.objects.get(hospcode="07547", pid="2").disability == "physical"
    assert colours == {"1": NcdColour.DARK_GREEN.value, "2": NcdColour.LIGHT_GREEN.value}
