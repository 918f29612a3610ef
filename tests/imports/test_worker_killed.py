"""A real Celery worker is SIGKILLed in the middle of an import job. Its database session notices
the dead client within a second (client_connection_check_interval), which releases the job's
advisory lock; the recovery sweep (beat) sees a "running" job nobody holds and sends it again; a
new worker runs it from the kept file and the job ends `done` with exactly the right rows.

The worker needs committed data, and a transactional test would flush the session's seeded demo
data when it ends, so this test commits its own rows through `django_db_blocker.unblock()` and
deletes them in `finally`. To kill the job deterministically "while running", the test holds a
SHARE lock on the asset table from a second connection: the worker marks the job running, then waits
on that lock at its upsert; the test sees the waiting lock in pg_locks and kills the worker there.
The sweep's message is routed to this test's own queue (the only thing patched), so no other
worker can take it.
"""

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files import File
from django.db import connection
from django_tenants.utils import schema_context

from imports import services
from imports.models import ImportJob
from imports.services import import_job_start, import_jobs_recover
from imports.tasks import import_job_run_task
from infrastructure.models import Asset

from ..helpers import celery_worker, subprocess_env
from .conftest import write_csv

pytestmark = pytest.mark.worker
ROWS = 3000
PREFIX = "WKILL-"
TABLE = "kantang.infrastructure_asset"


def _wait_for(check, what, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what() if callable(what) else what}")


def _worker_waits_on_the_lock(locker) -> list[int]:
    """The database sessions waiting on the lock (the worker's)."""
    with locker.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_locks WHERE relation = %s::regclass AND NOT granted", [TABLE])
        return [row[0] for row in cursor.fetchall()]


def _session_alive(locker, pids: list[int]) -> bool:
    with locker.cursor() as cursor:
        # Inside a transaction pg_stat_activity answers from a snapshot taken at first use.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
        return cursor.fetchone()[0] > 0


def _status(job_id: int) -> str:
    with schema_context("kantang"):
        return ImportJob.objects.values_list("status", flat=True).get(pk=job_id)


def _job_state(job_id: int) -> tuple:
    with schema_context("kantang"):
        return ImportJob.objects.values_list("status", "failure_reason").get(pk=job_id)


def test_a_job_whose_worker_is_killed_is_redelivered_and_ends_exactly_right(
        django_db_setup, django_db_blocker, tmp_path, monkeypatch):
    # The sweep would enqueue on the default queue: send it to this test's worker instead.
    # After the browser tests, Playwright's event loop is still running in this thread; these ORM
    # calls are plain synchronous ones (as in tests/browser/test_home_visit.py).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    queue = f"test-imp-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(services, "_enqueue",
                        lambda job: import_job_run_task.apply_async(args=[job.pk], queue=queue))
    rows = [["code", "asset_type", "name", "lat", "lon"]]
    rows += [[f"{PREFIX}{n:05d}", "cctv", f"กล้อง {n}", "7.41", "99.52"] for n in range(ROWS)]
    path = write_csv(tmp_path / "assets.csv", rows)
    job_id, orphans = None, []
    with django_db_blocker.unblock():
        locker = psycopg.connect(**connection.get_connection_params())
        try:
            with schema_context("kantang"):  # autocommit: the worker sees these rows
                with open(path, "rb") as handle:
                    job = import_job_start(dataset="assets", upload=File(handle, name=path.name),
                                           preview=True)
                job_id = job.pk
                # The worker must find the kept file where this process stored it: the storage may
                # still hold an earlier test's MEDIA_ROOT, so derive the root from the file itself.
                full = str(job.file.path)
                schema_root = Path(full[: -len(job.file.name)])
                assert schema_root.name == "kantang", full
                env = subprocess_env(MEDIA_ROOT=str(schema_root.parent), IMPORT_CLIENT_CHECK_SECONDS="1")
                ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.QUEUED)
            with locker.cursor() as cursor:  # held until locker.rollback()
                cursor.execute(f"LOCK TABLE {TABLE} IN SHARE MODE")

            with celery_worker(queue, env=env, concurrency=1, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True) as first:
                with schema_context("kantang"):
                    import_job_run_task.apply_async(args=[job_id], queue=queue)
                orphans = _wait_for(lambda: _worker_waits_on_the_lock(locker),
                          lambda: f"the worker to reach the upsert (job: {_job_state(job_id)})")
                assert _status(job_id) == ImportJob.Status.RUNNING
                os.killpg(first.pid, signal.SIGKILL)  # the main process and its pool child
                killed_at = time.monotonic()
                first.wait(timeout=30)
            # The dead worker's session notices on its own, while still waiting on the lock, and
            # ends: nothing of the file was committed, and the job's advisory lock is free.
            _wait_for(lambda: not _session_alive(locker, orphans), "the dead worker's session to end", 30)
            session_ended_at = time.monotonic()
            locker.rollback()
            with schema_context("kantang"):
                assert _status(job_id) == ImportJob.Status.RUNNING
                assert not Asset.objects.filter(code__startswith=PREFIX).exists()
                assert import_jobs_recover() == {"rerun": 1, "failed": 0, "resent": 0}
            with celery_worker(queue, env=env, concurrency=1, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True):
                _wait_for(lambda: _status(job_id) in (ImportJob.Status.DONE, ImportJob.Status.FAILED),
                          "the new worker to finish the job", timeout=120)
            with schema_context("kantang"):
                job = ImportJob.objects.get(pk=job_id)
                assert job.status == ImportJob.Status.DONE, job.failure_reason
                counts = (job.rows, job.created, job.updated, job.unchanged, job.rejected, job.attempts)
                assert counts == (ROWS, ROWS, 0, 0, 0, 2)
                print(f"\nworker killed mid-import: its session ended {session_ended_at - killed_at:.2f} s "
                      f"later; the job ended done once, {time.monotonic() - killed_at:.2f} s after the "
                      f"kill, rows={job.rows} created={job.created} attempts={job.attempts}")
                codes = list(Asset.objects.filter(code__startswith=PREFIX).values_list("code", flat=True))
                assert sorted(codes) == [f"{PREFIX}{n:05d}" for n in range(ROWS)]
        finally:
            locker.rollback()
            if orphans:  # never leave a session behind to block the test database's drop
                with locker.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) pid", [orphans])
            locker.close()
            with schema_context("kantang"):
                Asset.objects.filter(code__startswith=PREFIX).delete()
                if job_id is not None:
                    ImportJob.objects.filter(pk=job_id).delete()
