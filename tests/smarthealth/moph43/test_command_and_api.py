"""The 43-file import as users start it: import_data, the HTTP API, the upload page (the whole
zip, or its .txt files chosen together)."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tenants.utils import schema_context

from cityplatform.celery import app as celery_app
from imports.models import ImportJob
from smarthealth.models import Person

from ...api.conftest import call
from ...helpers import host_client, login
from .conftest import cid, home, person, row, text_file, zip_bytes

FILES = {
    "HOME": [home("1")],
    "PERSON": [person("1", cid_=cid(1), hid="1"), person("2", sex="3")],
    "NCDSCREEN": [row("NCDSCREEN", PID="2", DATE_SERV="20250101", SBP_1="130", DBP_1="80")],
}


@pytest.fixture
def eager():
    """Tasks run in this process (the real-worker path is covered by the Celery suite)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def test_import_data_prints_a_line_per_file_then_the_total(kantang, tmp_path, capsys):
    path = tmp_path / "F43_07547_20250228180000.zip"
    path.write_bytes(zip_bytes(FILES, extra={"SPECIALPP.TXT": ""}))

    call_command("import_data", "--schema", "kantang", "--dataset", "moph43", str(path), "--wait")

    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "HOME rows=1 created=1 updated=0 unchanged=0 rejected=0",
        "PERSON rows=2 created=1 updated=0 unchanged=0 rejected=1",
        "NCDSCREEN rows=1 created=0 updated=0 unchanged=0 rejected=1",
        "rows=4 created=2 updated=0 unchanged=0 rejected=2",
    ]
    assert "SPECIALPP.TXT" in out.err


def test_import_data_fails_on_an_unreadable_upload(kantang, tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "F43.zip"
    path.write_bytes(b"PK not really")
    with pytest.raises(CommandError, match="zip"):
        call_command("import_data", "--schema", "kantang", "--dataset", "moph43", str(path))


def test_the_api_takes_the_zip_and_reports_each_file(
    kantang, eager, make_token, django_capture_on_commit_callbacks
):
    token = make_token("kantang", "nurse")
    upload = SimpleUploadedFile("F43_07547_20250228180000.zip", zip_bytes(FILES))
    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            "kantang", "POST", "/api/v1/imports/", token, data={"dataset": "moph43", "file": upload}
        )
    assert response.status_code == 202, response.content

    status = call("kantang", "GET", f"/api/v1/imports/{response.json()['id']}", token).json()
    assert status["status"] == "done" and (status["rows"], status["created"], status["rejected"]) == (4, 2, 2)
    files = {f["file"]: f for f in status["files"]}
    assert files["PERSON"] == {
        "file": "PERSON",
        "name": "F43_07547_20250228180000/PERSON.TXT",
        "used": True,
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "warnings": 0,
    }
    errors = call("kantang", "GET", status["errors_url"].split("localhost", 1)[1], token)
    assert errors.status_code == 200 and errors["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(errors.content.decode("utf-8-sig"))))
    assert lines[0] == ["file", "row", "column", "ปัญหา", "problem"]
    assert [line[:3] for line in lines[1:]] == [["PERSON", "3", "SEX"], ["NCDSCREEN", "2", "PID"]]
    assert lines[2][4] == "PERSON row 3 was rejected."


def test_the_api_takes_several_txt_files_as_one_job(
    kantang, eager, make_token, django_capture_on_commit_callbacks
):
    token = make_token("kantang", "nurse")
    parts = [
        SimpleUploadedFile(f"{name}.txt", text_file(name, rows).encode()) for name, rows in FILES.items()
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            "kantang", "POST", "/api/v1/imports/", token, data={"dataset": "moph43", "file": parts}
        )
    assert response.status_code == 202, response.content

    with schema_context("kantang"):
        job = ImportJob.objects.get(public_id=response.json()["id"])
        assert job.original_name == "HOME+PERSON+NCDSCREEN.zip"
        assert [r["file"] for r in job.file_results] == ["HOME", "PERSON", "NCDSCREEN"]
        with job.file.open("rb") as kept:
            assert sorted(zipfile.ZipFile(io.BytesIO(kept.read())).namelist()) == [
                "HOME.txt",
                "NCDSCREEN.txt",
                "PERSON.txt",
            ]


def test_several_files_only_as_the_txt_files_of_a_43_file_export(kantang, make_token):
    token = make_token("kantang", "nurse")
    parts = [SimpleUploadedFile("a.csv", b"cid\n"), SimpleUploadedFile("b.csv", b"cid\n")]
    response = call("kantang", "POST", "/api/v1/imports/", token, data={"dataset": "persons", "file": parts})

    assert response.status_code == 422


def test_the_page_previews_the_files_then_shows_each_files_counts(
    kantang, eager, django_capture_on_commit_callbacks
):
    client = login(host_client("kantang.localhost"), "kantang", "nurse")
    uploads = [
        SimpleUploadedFile(f"{name}.txt", text_file(name, rows).encode()) for name, rows in FILES.items()
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"dataset": "moph43", "file": uploads})
    assert response.status_code == 302, response.content.decode()[:2000]

    preview = client.get(response["Location"]).content.decode()
    assert "PERSON.txt" in preview and "HOME.txt" in preview
    with schema_context("kantang"):
        assert not Person.objects.filter(hospcode="07547").exists()  # a preview loads nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    page = client.get(response["Location"]).content.decode()
    assert "imp-file-person" in page and "imp-file-ncdscreen" in page
    with schema_context("kantang"):
        assert Person.objects.filter(hospcode="07547").count() == 1
