"""Every file convention of the reference's §1 and §5: the same export written the ways real
exporters write it loads the same persons."""

import io
import zipfile

import pytest
from django_tenants.utils import schema_context

from smarthealth.models import Household, NcdScreening, Person

from .conftest import HEADERS, by_file, cid, home, import_bytes, person, row, text_file, zip_bytes

FILES = {
    "PERSON": [
        person("000001", cid_=cid(1), hid="0001", name="สมชาย", birth="19480305"),
        person("000002", cid_=cid(2), hid="0001", name="สมศรี", sex="2"),
    ],
    "HOME": [home("0001", HOUSE_ID="92020100123", LATITUDE="7.405", LONGITUDE="99.515")],
    "NCDSCREEN": [
        row("NCDSCREEN", PID="000001", SEQ="0001", DATE_SERV="20250110", SBP_1="135", DBP_1="85", BSTEST="9")
    ],
}


def _loaded():
    with schema_context("kantang"):
        persons = {p.pid: p for p in Person.objects.filter(hospcode="07547")}
        return {
            "pids": sorted(persons),
            "names": sorted(p.first_name for p in persons.values()),
            "birth": str(persons["000001"].birth_date) if "000001" in persons else None,
            "household": Household.objects.filter(hospcode="07547", hid="0001")
            .values_list("house_id", flat=True)
            .first(),
            "screening": NcdScreening.objects.filter(person__pid="000001")
            .values_list("sbp", "dbp", "fbs")
            .first(),
        }


EXPECTED = {
    "pids": ["000001", "000002"],
    "names": ["สมชาย", "สมศรี"],
    "birth": "1948-03-05",
    "household": "92020100123",
    "screening": (135, 85, None),
}


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"header": False},
        {"header_case": "lower"},
        {"newline": "\n"},
        {"encoding": "cp874"},
        {"encoding": "utf-8-sig"},
        {"folder": ""},
        {"folder": "deep/F43_07547_25680228180000/"},
        {"names": "lower"},
    ],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default",
)
def test_it_reads_the_export_however_it_is_written(in_kantang, options):
    job = import_bytes(zip_bytes(FILES, **options))

    assert job.status == "done", job.failure_reason
    assert job.rejected == 0 and _loaded() == EXPECTED
    assert by_file(job)["PERSON"]["header"] == options.get("header", True)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_blank_lines_no_final_newline_and_a_bom_before_a_cp874_body(in_kantang):
    person_text = text_file("PERSON", FILES["PERSON"]).replace("\r\n", "\r\n\r\n").rstrip("\r\n")
    content = _zip(
        {
            "PERSON.txt": b"\xef\xbb\xbf" + person_text.encode("cp874"),
            "HOME.txt": text_file("HOME", FILES["HOME"]).encode(),
            "NCDSCREEN.txt": text_file("NCDSCREEN", FILES["NCDSCREEN"]).encode(),
            "EMPTY/DEATH.txt": b"",
            "CHRONIC.txt": b"",
        }
    )

    job = import_bytes(content)

    assert job.status == "done", job.failure_reason
    assert _loaded() == EXPECTED
    assert by_file(job)["PERSON"]["encoding"] == "cp874"
    assert by_file(job)["CHRONIC"]["rows"] == 0  # an empty file is a file with no rows
    assert {r["file"] for r in job.file_results if not r["used"]} == {"DEATH"}


def test_person_in_the_v20_layout_31_columns_and_with_hospcode9_34_columns(in_kantang):
    short = ["|".join(r[:31]) for r in FILES["PERSON"]]
    long = ["|".join([*r, "000007547"]) for r in FILES["PERSON"]]
    services = [r[:-1] for r in FILES["NCDSCREEN"]]  # v2.0: no trailing CID
    for person_lines in (short, long):
        content = _zip(
            {
                "PERSON.TXT": "\r\n".join(person_lines).encode(),
                "HOME.TXT": "\r\n".join("|".join([*r, "000007547"]) for r in FILES["HOME"]).encode(),
                "NCDSCREEN.TXT": "\r\n".join("|".join(r) for r in services).encode(),
            }
        )
        job = import_bytes(content)
        assert job.status == "done", job.failure_reason
        assert _loaded() == EXPECTED
        assert by_file(job)["PERSON"]["columns"] == len(person_lines[0].split("|"))


def test_a_header_glued_to_the_first_row_is_split_again(in_kantang):
    """One exporter writes the QOF header without its line break (reference §5, pitfall 1)."""
    header = "|".join(HEADERS["HOME"])
    glued = header + "|".join(FILES["HOME"][0]) + "\r\n"
    content = zip_bytes(
        {"PERSON": FILES["PERSON"], "NCDSCREEN": FILES["NCDSCREEN"]}, extra={"HOME.TXT": glued}
    )

    job = import_bytes(content)

    assert job.status == "done", job.failure_reason
    assert _loaded() == EXPECTED
    assert by_file(job)["HOME"]["rows"] == 1


def test_ragged_rows_are_padded_or_cut(in_kantang):
    lines = [
        "|".join(HEADERS["PERSON"]),
        "|".join(FILES["PERSON"][0]) + "|extra|cells",
        "|".join(FILES["PERSON"][1][:31]),
    ]  # ends at D_UPDATE: no phones
    content = zip_bytes(
        {"HOME": FILES["HOME"], "NCDSCREEN": FILES["NCDSCREEN"]}, extra={"PERSON.TXT": "\r\n".join(lines)}
    )

    job = import_bytes(content)

    assert job.rejected == 0 and _loaded() == EXPECTED


def test_leading_zeros_stay_and_dates_with_a_time_are_read(in_kantang):
    files = {
        "PERSON": [person("000010", hid="00077", birth="19500101000000", d_update="20250101")],
        "HOME": [home("00077", house="007")],
    }
    job = import_bytes(zip_bytes(files))

    assert job.rejected == 0
    with schema_context("kantang"):
        p = Person.objects.get(hospcode="07547", pid="000010")
        assert str(p.birth_date) == "1950-01-01" and p.household.hid == "00077"
        assert p.household.house_no == "007" and p.hospcode == "07547"


def test_a_buddhist_era_year_is_read_as_such_with_a_warning(in_kantang):
    files = {"PERSON": [person("1", birth="25100305")]}
    job = import_bytes(zip_bytes(files))

    assert (job.created, job.rejected, by_file(job)["PERSON"]["warnings"]) == (1, 0, 1)
    with schema_context("kantang"):
        assert str(Person.objects.get(hospcode="07547", pid="1").birth_date) == "1967-03-05"
        with job.error_report.open("rb") as handle:
            report = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert "1967-03-05" in report.read("PERSON.txt").decode()


def test_one_txt_file_uploaded_alone(in_kantang):
    job = import_bytes(text_file("PERSON", FILES["PERSON"]).encode(), name="person.txt")

    assert job.status == "done" and job.created == 2
    assert [r["file"] for r in job.file_results] == ["PERSON"]


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("notes.txt", b"x", "is not one of the files"),
        ("export.rar", b"x", "accepts the export's .zip"),
        ("F43.zip", b"not a zip at all", "damaged or not a zip"),
        ("F43.zip", _zip({"README.md": b"hello"}), "holds none of the files"),
    ],
)
def test_an_upload_that_cannot_be_read_fails_with_its_reason(in_kantang, name, content, words):
    job = import_bytes(content, name=name)

    assert job.status == "failed" and words in job.failure_reason


def test_a_zip_that_expands_too_far_is_refused(in_kantang, monkeypatch):
    from smarthealth.moph43 import bundle

    monkeypatch.setattr(bundle, "MAX_UNZIPPED", 1000)
    job = import_bytes(zip_bytes({"PERSON": FILES["PERSON"] * 10}))

    assert job.status == "failed" and "expands to more than" in job.failure_reason


def test_a_file_with_too_many_cells_in_a_row_is_refused_naming_the_file(in_kantang, settings):
    settings.IMPORT_MAX_COLUMNS = 40
    content = zip_bytes({"HOME": FILES["HOME"]}, extra={"PERSON.TXT": "|" * 60})

    job = import_bytes(content)

    assert job.status == "failed" and "PERSON.TXT" in job.failure_reason
    assert "IMPORT_MAX_COLUMNS" in job.failure_reason
