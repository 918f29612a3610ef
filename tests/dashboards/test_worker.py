"""A finished import makes a real Celery worker refresh the figures: no mock between the job's end
and the new "updated at". The test commits its own rows (the worker must see them) and removes
them afterwards; the refresh task is routed to this test's own queue (the only thing patched)."""

import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.core.files import File
from django.db.models import Sum
from django_tenants.utils import schema_context

from dashboards import tasks
from dashboards.models import Aggregate, RefreshState
from dashboards.services import dashboard_refresh, dashboard_refresh_run
from imports.models import ImportJob
from imports.services import import_job_run, import_job_start
from infrastructure.models import Asset

from ..helpers import celery_worker, subprocess_env
from ..imports.conftest import write_csv

pytestmark = pytest.mark.worker
PREFIX = "DASHW-"
ROWS = 7


def _cctv_count() -> int:
    rows = Aggregate.objects.filter(figure="assets", key1="cctv")
    return rows.aggregate(n=Sum("count"))["n"] or 0


def test_a_finished_import_is_followed_by_fresh_figures_from_a_real_worker(
        django_db_setup, django_db_blocker, tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # after the browser tests' event loop
    queue = f"test-dash-{uuid.uuid4().hex[:8]}"
    original = tasks.dashboard_refresh_task.apply_async
    monkeypatch.setattr(tasks.dashboard_refresh_task, "apply_async",
                        lambda args=None, **options: original(args=args, **{**options, "queue": queue}))
    path = write_csv(tmp_path / "assets.csv", [["code", "asset_type", "name", "lat", "lon"]]
                     + [[f"{PREFIX}{n}", "cctv", f"กล้อง {n}", "7.41", "99.52"] for n in range(ROWS)])
    with django_db_blocker.unblock():
        try:
            with schema_context("kantang"):
                # Also clears the "refresh pending" marks the session's earlier edits left: their
                # tasks went to a queue no test worker reads.
                dashboard_refresh_run()
                before = RefreshState.objects.get(part="infrastructure").refreshed_at
                cctv = _cctv_count()
                with open(path, "rb") as handle:
                    upload = File(handle, name=path.name)
                    job = import_job_start(dataset="assets", upload=upload, preview=True)
                full = str(job.file.path)
                env = subprocess_env(MEDIA_ROOT=str(Path(full[: -len(job.file.name)]).parent))
                ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
                with celery_worker(queue, env=env, concurrency=1, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True):
                    job = import_job_run(job_id=job.pk)  # here; the refresh it schedules goes to the worker
                    assert job.status == ImportJob.Status.DONE and job.created == ROWS
                    deadline = time.monotonic() + 60
                    while RefreshState.objects.get(part="infrastructure").refreshed_at == before:
                        assert time.monotonic() < deadline, "no refresh within a minute"
                        time.sleep(0.1)
                assert _cctv_count() == cctv + ROWS
        finally:
            with schema_context("kantang"):
                Asset.objects.filter(code__startswith=PREFIX).delete()
                ImportJob.objects.filter(original_name=path.name).delete()
                dashboard_refresh()
