"""Issue 22, finding 4: uploaded import files hold national IDs, names and phones. They are written
readable by the app's user only, and deleted with their error reports IMPORT_FILE_RETENTION_DAYS
after the job ended; the job stays with its counts and says why its files are gone."""

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from imports.models import ImportJob
from imports.services import import_files_purge, import_job_start

from ..helpers import login
from .conftest import run, write_csv

pytestmark = pytest.mark.django_db


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _with_errors(tmp_path) -> Path:
    return write_csv(tmp_path / "h.csv", [["house_id", "house_no"], ["99999000001", "1"], ["123", "2"]])


def _ended_days_ago(job, days: float) -> None:
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days))


def test_the_kept_file_and_the_error_report_are_readable_by_the_app_only(kantang, tmp_path):
    job = run("kantang", "households", _with_errors(tmp_path))
    assert job.rejected == 1
    with schema_context("kantang"):
        kept, report = Path(job.file.path), Path(job.error_report.path)
    assert _mode(kept) == 0o600 and _mode(report) == 0o600
    assert _mode(kept.parent) == 0o700 and _mode(report.parent) == 0o700


def test_files_past_the_retention_time_are_deleted_and_the_job_stays(kantang, kantang_client, tmp_path,
                                                                      settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    old = run("kantang", "households", _with_errors(tmp_path))
    recent = run("kantang", "households", _with_errors(tmp_path))
    with schema_context("kantang"):
        old_files = [Path(old.file.path), Path(old.error_report.path)]
        recent_files = [Path(recent.file.path), Path(recent.error_report.path)]
        _ended_days_ago(old, 31)
        _ended_days_ago(recent, 29)
        assert import_files_purge() == {"purged": 1, "abandoned": 0}
        assert import_files_purge() == {"purged": 0, "abandoned": 0}  # once
        old.refresh_from_db()
        recent.refresh_from_db()
    assert not any(path.exists() for path in old_files) and all(path.exists() for path in recent_files)
    assert (old.status, old.rows, old.created, old.rejected) == ("done", 2, 1, 1)
    assert not old.file and not old.error_report and old.file_purged_at is not None
    assert recent.file and recent.file_purged_at is None

    login(kantang_client, "kantang", "nurse")
    page = kantang_client.get(f"/imports/{old.public_id}/").content.decode()
    assert "retention rule" in page or "ระยะเวลาเก็บรักษา" in page
    assert "30" in page and f"/imports/{old.public_id}/errors/" not in page
    assert kantang_client.get(f"/imports/{old.public_id}/errors/").status_code == 404


def test_a_failed_job_loses_its_file_too_and_a_running_one_keeps_it(kantang, tmp_path):
    failed = run("kantang", "households", write_csv(tmp_path / "bad.csv", [["house_no"], ["1"]]))
    running = run("kantang", "households", _with_errors(tmp_path))
    with schema_context("kantang"):
        ImportJob.objects.filter(pk=running.pk).update(status="running")
        _ended_days_ago(failed, 40)
        _ended_days_ago(running, 40)
        assert import_files_purge()["purged"] == 1
        failed.refresh_from_db()
        running.refresh_from_db()
        assert running.file and Path(running.file.path).exists()
    assert failed.status == "failed" and not failed.file and "missing" in failed.failure_reason


def test_a_preview_never_confirmed_is_ended_and_its_file_deleted(kantang, households_file):
    from django.core.files import File

    with schema_context("kantang"):
        with open(households_file, "rb") as handle:
            job = import_job_start(dataset="households", upload=File(handle, name="h.csv"), preview=True,
                                   run_here=True)
        ImportJob.objects.filter(pk=job.pk).update(preview={"rows": [[2, ["x"], []]]},
                                                   created_at=timezone.now() - timedelta(days=31))
        kept = Path(job.file.path)
        assert import_files_purge() == {"purged": 1, "abandoned": 1}
        job.refresh_from_db()
    assert job.status == "failed" and "not confirmed within 30 days" in job.failure_reason
    assert not kept.exists() and job.preview == {} and job.file_purged_at is not None
