"""Bad rows of every file: rejected with their reason (or loaded with a warning), listed in the
error report as the file has them, and the rows that depend on them say why."""

import csv
import io
import zipfile

from django_tenants.utils import schema_context

from smarthealth.models import AdlAssessment, HomeVisit, Household, NcdScreening, Person

from .conftest import HEADERS, by_file, cid, home, import_bytes, person, row, zip_bytes


def _report(job) -> zipfile.ZipFile:
    with schema_context("kantang"):
        with job.error_report.open("rb") as handle:
            return zipfile.ZipFile(io.BytesIO(handle.read()))


def _lines(report: zipfile.ZipFile, name: str) -> list[list[str]]:
    return [line.split("|") for line in report.read(name).decode("utf-8").splitlines()]


FILES = {
    "HOME": [
        home("1", LATITUDE="99.515", LONGITUDE="7.405"),  # swapped: kept, without the point
        home("2", LATITUDE="51.5", LONGITUDE="-0.12"),
    ],  # London: kept, without the point
    "PERSON": [
        person("1", cid_=cid(1), hid="1"),
        person("2", birth="19641345"),  # month 13: rejected                              line 3
        person("3", cid_="1111111111111"),  # placeholder: loaded without an ID (warning)   line 4
        person("4", cid_=cid(4)[:12] + str((int(cid(4)[12]) + 1) % 10)),  # check digit: warning
        person("5", typearea="9"),  # not a TYPEAREA: rejected                              line 6
        person("6", sex="3"),  # rejected                                                   line 7
    ],
    "CHRONIC": [
        row("CHRONIC", PID="2", DATE_DIAG="20200101", CHRONIC="I10", TYPEDISCH="03"),  # person rejected
        row("CHRONIC", PID="99", DATE_DIAG="20200101", CHRONIC="I10", TYPEDISCH="03"),  # unknown PID
        row("CHRONIC", PID="1", DATE_DIAG="20201341", CHRONIC="I10", TYPEDISCH="03"),
    ],  # bad date
    "DISABILITY": [row("DISABILITY", PID="1", DISABTYPE="8", DATE_DETECT="20200101")],
    "FUNCTIONAL": [
        row("FUNCTIONAL", PID="1", SEQ="1", DATE_SERV="20240101", FUNCTIONAL_TEST="01", TESTRESULT="25"),
        row("FUNCTIONAL", PID="1", SEQ="2", DATE_SERV="20240102", FUNCTIONAL_TEST="01", TESTRESULT="x"),
    ],
    "NCDSCREEN": [
        row("NCDSCREEN", PID="1", DATE_SERV="20240101", SBP_1="70", DBP_1="95"),
        row("NCDSCREEN", PID="1", DATE_SERV="20240102", BSTEST="9"),
        row("NCDSCREEN", PID="1", DATE_SERV="20240103", SBP_1="400", DBP_1="80"),
    ],
    "COMMUNITY_SERVICE": [
        row("COMMUNITY_SERVICE", PID="1", SEQ="1", COMSERVICE="1A000"),
        row("COMMUNITY_SERVICE", PID="6", SEQ="2", DATE_SERV="20240101", COMSERVICE="1A000"),
    ],
    "VILLAGE": [row("VILLAGE", VID="9202011")],
}


def test_each_file_rejects_its_bad_rows_and_keeps_the_good(in_kantang):
    job = import_bytes(zip_bytes(FILES))

    assert job.status == "done", job.failure_reason
    counts = {name: (r["rows"], r["rejected"], r["warnings"]) for name, r in by_file(job).items()}
    assert counts == {
        "VILLAGE": (1, 1, 0),
        "HOME": (2, 0, 2),
        "PERSON": (6, 3, 2),
        "CHRONIC": (3, 3, 0),
        "DISABILITY": (1, 1, 0),
        "FUNCTIONAL": (2, 2, 0),
        "NCDSCREEN": (3, 3, 0),
        "COMMUNITY_SERVICE": (2, 2, 0),
    }
    assert job.rejected == 15
    with schema_context("kantang"):
        assert set(Person.objects.filter(hospcode="07547").values_list("pid", flat=True)) == {"1", "3", "4"}
        assert Person.objects.filter(hospcode="07547", pid__in=["3", "4"], cid_hash=None).count() == 2
        assert Household.objects.filter(hospcode="07547", location=None).count() == 2
        assert not AdlAssessment.objects.filter(person__hospcode="07547").exists()
        assert not NcdScreening.objects.filter(person__hospcode="07547").exists()
        assert not HomeVisit.objects.filter(person__hospcode="07547").exists()


def test_the_report_holds_the_original_rows_with_their_header_and_reasons(in_kantang):
    job = import_bytes(zip_bytes(FILES))
    report = _report(job)

    assert set(report.namelist()) == {
        "HOME.txt",
        "PERSON.txt",
        "CHRONIC.txt",
        "DISABILITY.txt",
        "FUNCTIONAL.txt",
        "NCDSCREEN.txt",
        "COMMUNITY_SERVICE.txt",
        "VILLAGE.txt",
        "errors.csv",
    }
    person_lines = _lines(report, "PERSON.txt")
    assert person_lines[0] == [*HEADERS["PERSON"], "แถว", "ปัญหา", "Problem"]
    rows = {line[len(HEADERS["PERSON"])]: line for line in person_lines[1:]}
    assert set(rows) == {"3", "4", "5", "6", "7"}
    assert rows["3"][: len(HEADERS["PERSON"])] == FILES["PERSON"][1]  # as the file has it
    assert "BIRTH" in rows["3"][-1] and "Not a date" in rows["3"][-1]
    assert rows["4"][-1].startswith("CID: Warning:") and "placeholder" in rows["4"][-1]
    chronic = {line[len(HEADERS["CHRONIC"])]: line[-1] for line in _lines(report, "CHRONIC.txt")[1:]}
    assert chronic["2"] == "PID: PERSON row 3 was rejected."
    chronic_th = {line[len(HEADERS["CHRONIC"])]: line[-2] for line in _lines(report, "CHRONIC.txt")[1:]}
    assert chronic_th["2"] == "PID: แฟ้ม PERSON แถวที่ 3 ถูกปฏิเสธ"
    assert "No PERSON row has this PID" in chronic["3"]
    assert "DATE_DIAG" in chronic["4"]
    service = {
        line[len(HEADERS["COMMUNITY_SERVICE"])]: line[-1]
        for line in _lines(report, "COMMUNITY_SERVICE.txt")[1:]
    }
    assert "DATE_SERV" in service["2"] and service["3"] == "PID: PERSON row 7 was rejected."
    home_lines = _lines(report, "HOME.txt")
    assert "swapped" in home_lines[1][-1] and "outside Thailand" in home_lines[2][-1]

    errors = list(csv.reader(io.StringIO(report.read("errors.csv").decode("utf-8-sig"))))
    assert errors[0] == ["file", "row", "column", "ปัญหา", "problem"]
    assert ["CHRONIC", "2", "PID"] == errors[[e[:2] for e in errors].index(["CHRONIC", "2"])][:3]
    assert len(errors) - 1 == sum(
        1
        for name in report.namelist()
        if name.endswith(".txt")
        for line in _lines(report, name)[1:]
        for _ in line[-1].split(" ; ")
    )


def test_a_file_without_header_gets_its_rows_padded_to_the_standard_width(in_kantang):
    job = import_bytes(zip_bytes({"PERSON": [person("1", sex="3")[:31]]}, header=False))
    lines = _lines(_report(job), "PERSON.txt")

    assert len(lines) == 1  # no header: none in the report either
    assert len(lines[0]) == 34 + 3  # PERSON's full width (HOSPCODE9 included), then แถว|ปัญหา|Problem
    assert lines[0][34] == "1" and "SEX" in lines[0][35]


def test_the_report_rows_fixed_and_uploaded_again_load(in_kantang):
    job = import_bytes(zip_bytes({"PERSON": [person("1", sex="3")]}))
    fixed = _report(job).read("PERSON.txt").decode().replace("|3|19500101|", "|1|19500101|")

    again = import_bytes(fixed.encode(), name="PERSON.txt")

    assert (again.created, again.rejected) == (1, 0)
