"""The preview is prepared by a task from the kept file (issue 22: no web request parses a file).
The task is idempotent and never touches a job that moved on while it was reading."""

import pytest
from django.core.files import File
from django_tenants.utils import schema_context

from imports import services
from imports.models import ImportJob
from imports.reading import ImportFileError
from imports.services import import_job_preview_prepare, import_job_start

from .conftest import run

pytestmark = pytest.mark.django_db


def _awaiting(path) -> ImportJob:
    with open(path, "rb") as handle:
        return import_job_start(dataset="households", upload=File(handle, name=path.name), preview=True,
                                run_here=True)


def test_the_preview_keeps_its_problems_and_date_format_in_both_languages(kantang, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("cid,first_name,last_name,sex,birth_date\n1234,ก,ข,M,05/01/2510\n", encoding="utf-8")
    with schema_context("kantang"):
        with open(path, "rb") as handle:
            job = import_job_start(dataset="persons", upload=File(handle, name="p.csv"), preview=True,
                                   run_here=True)
        job = import_job_preview_prepare(job_id=job.pk)
    assert job.status == "preview" and job.attempts == 1
    english, thai = job.preview_in("en"), job.preview_in("th")
    assert english["date_format"] == "dd/mm/yyyy, Buddhist Era"
    assert thai["date_format"] != english["date_format"]
    (number, _cells, problems), = english["rows"]
    assert number == 2 and problems == ["cid: A national ID has exactly 13 digits."]
    assert thai["rows"][0][2] == ["เลขประจำตัวประชาชน: เลขประจำตัวประชาชนต้องมี 13 หลักพอดี"]
    assert english["encoding"] == "utf-8" and english["mapping"]["cid"] == "cid"


def test_a_second_delivery_and_a_finished_job_are_left_alone(kantang, households_file):
    with schema_context("kantang"):
        job = import_job_preview_prepare(job_id=_awaiting(households_file).pk)
        again = import_job_preview_prepare(job_id=job.pk)
        assert again.attempts == 1 and again.preview == job.preview
    done = run("kantang", "households", households_file)
    with schema_context("kantang"):
        assert import_job_preview_prepare(job_id=done.pk).status == "done"
        done.refresh_from_db()
    assert done.preview == {} and done.status == "done"


def test_a_job_run_by_its_caller_while_the_preview_was_read_is_not_touched(kantang, households_file,
                                                                          monkeypatch):
    """The caller set the job going (as import_data, or a bench, does) while the task read the file:
    the task keeps neither its preview (personal data) nor its verdict on the file."""
    with schema_context("kantang"):
        job = _awaiting(households_file)

        def meanwhile_running(job):
            ImportJob.objects.filter(pk=job.pk).update(status="running")
            raise ImportFileError("unreadable")

        monkeypatch.setattr(services, "preview_compute", meanwhile_running)
        assert import_job_preview_prepare(job_id=job.pk).status == "running"
        job.refresh_from_db()
        assert (job.status, job.preview, job.failure_reason) == ("running", {}, "")

        other = _awaiting(households_file)

        def meanwhile_confirmed(job):
            ImportJob.objects.filter(pk=job.pk).update(status="queued")
            return {"rows": [[2, ["ชื่อ"], []]]}

        monkeypatch.setattr(services, "preview_compute", meanwhile_confirmed)
        import_job_preview_prepare(job_id=other.pk)
        other.refresh_from_db()
        assert (other.status, other.preview) == ("queued", {})


def test_confirming_empties_the_preview_and_needs_one(kantang, households_file,
                                                      django_capture_on_commit_callbacks):
    with schema_context("kantang"):
        job = _awaiting(households_file)
        assert services.import_job_confirm(job=job).status == "preview"  # nothing shown yet: no confirm
        job = import_job_preview_prepare(job_id=job.pk)
        with django_capture_on_commit_callbacks(execute=False):
            job = services.import_job_confirm(job=job)
        job.refresh_from_db()
    assert (job.status, job.preview, job.attempts) == ("queued", {}, 0)
