"""Redis stops for a while as people use the platform: a gunicorn (the production settings file)
serves the session's test database with a Redis of the test's own, and the test stops that
Redis for OUTAGE_SECONDS while an engineer browses, the API is called with a token, a citizen
looks up a report, and meanwhile the engineer confirms an import and a colleague signs in.

Nothing of that needs Redis: every answer is what it would be with Redis up (no 5xx), except
/healthz, which says 503 "redis unavailable". The confirmed import stays queued (the broker is
down); when Redis is back and a worker starts, the recovery sweep that beat sends every few
minutes hands it on and it runs once, with exactly the file's rows.

The data the server must see is committed (no test transaction) and deleted at the end."""

import statistics
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create
from imports.models import ImportJob
from imports.services import UNSENT_GRACE, import_job_preview_prepare, import_job_start
from infrastructure.models import Asset, ServiceRequest

from ..helpers import DEMO_PASSWORD, subprocess_env
from ..imports.conftest import write_csv
from .servers import Client, RedisServer, celery, gunicorn, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.worker]

HOST = "kantang.localhost"
OUTAGE_SECONDS = 20
ROWS = 150
PREFIX = "RDOWN-"
RECOVER_IMPORTS = settings.CELERY_BEAT_SCHEDULE["recover-imports"]["task"]


class Browse:
    """Every request of the test: when it was made, what it answered, how long it took."""

    def __init__(self, pages: list[tuple[str, Client, str]]):
        self.pages = pages
        self.log: list[tuple[float, str, int, float]] = []

    def get(self, name: str, client: Client, path: str) -> int:
        started = time.monotonic()
        status = client.get(path).status
        self.log.append((started, name, status, time.monotonic() - started))
        return status

    def round(self) -> None:
        for name, client, path in self.pages:
            self.get(name, client, path)

    def between(self, start: float, end: float) -> list[tuple[float, str, int, float]]:
        return [entry for entry in self.log if start <= entry[0] < end]


def _commit_fixtures(tmp_path: Path) -> dict:
    """The engineer's API token, a citizen's tracking code and an import whose preview waits for
    the engineer's confirmation, committed in kantang."""
    path = write_csv(tmp_path / "assets.csv", [["code", "asset_type", "name", "lat", "lon"]] + [
        [f"{PREFIX}{n:04d}", "cctv", f"กล้อง {n}", "7.41", "99.52"] for n in range(ROWS)])
    with schema_context("kantang"):
        engineer = User.objects.get(username="engineer")
        token, secret = api_token_create(user=engineer, name="fault test")
        with open(path, "rb") as handle:
            job = import_job_start(dataset="assets", upload=File(handle, name=path.name), user=engineer,
                                   preview=True, run_here=True)
        job = import_job_preview_prepare(job_id=job.pk)  # what the preview task does
        assert job.preview, job.failure_reason
        # Uploaded a while ago: the engineer has been reading its preview since. (The recovery
        # sweep leaves a job alone for UNSENT_GRACE after its upload, while its own send may be
        # under way.)
        ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - 2 * UNSENT_GRACE)
        # The server and the worker must find the kept file where this process stored it.
        media_root = Path(str(job.file.path)[: -len(job.file.name)]).parent
        code = ServiceRequest.objects.exclude(tracking_code="").values_list("tracking_code", flat=True)[0]
    return {"token": token, "secret": secret, "job": job, "media_root": media_root, "code": code}


def _delete_fixtures(fixtures: dict) -> None:
    with schema_context("kantang"):
        Asset.objects.filter(code__startswith=PREFIX).delete()
        ImportJob.objects.filter(pk=fixtures["job"].pk).delete()
        ApiToken.objects.filter(pk=fixtures["token"].pk).delete()


def _job(job_id: int) -> ImportJob:
    with schema_context("kantang"):
        return ImportJob.objects.get(pk=job_id)


def _send_sweep(redis_url: str) -> None:
    """What beat sends every few minutes: the sweep that hands on the imports nobody has sent."""
    from cityplatform.celery import app

    with app.connection_for_write(redis_url) as connection:
        app.send_task(RECOVER_IMPORTS, connection=connection)


def test_it_keeps_serving_while_redis_is_down_and_runs_the_queued_import_once(
        django_db_setup, django_db_blocker, tmp_path):
    with django_db_blocker.unblock():  # commits, and reads what the server and the worker commit
        fixtures = _commit_fixtures(tmp_path)
        try:
            _while_redis_is_down(fixtures, tmp_path)
        finally:
            _delete_fixtures(fixtures)


def _while_redis_is_down(fixtures: dict, tmp_path: Path) -> None:
    job_id, web_log = fixtures["job"].pk, tmp_path / "web.log"
    with RedisServer(tmp_path / "redis") as private_redis:
        env = subprocess_env(REDIS_URL=private_redis.url(), MEDIA_ROOT=str(fixtures["media_root"]),
                             # The test looks the code up more often than a citizen may.
                             RATE_LIMIT_REPORT_STATUS="100000")
        with gunicorn(env, web_log) as base:
            engineer, api = Client(base, HOST), Client(base, HOST)
            engineer.login("engineer", DEMO_PASSWORD)
            api.headers["Authorization"] = f"Bearer {fixtures['secret']}"
            browse = Browse([
                ("home", engineer, "/"), ("dashboard", engineer, "/dashboard/"),
                ("assets", engineer, "/infrastructure/assets/"),
                ("requests", engineer, "/infrastructure/requests/"),
                ("api", api, "/api/v1/assets/?page_size=20"),
                ("status", Client(base, HOST), f"/report/status/{fixtures['code']}/"),
                ("healthz", Client(base, HOST), "/healthz"),
            ])
            browse.round()
            assert {status for _t, _n, status, _d in browse.log} == {200}, browse.log

            lines_before = len(web_log.read_text(errors="replace").splitlines())
            private_redis.stop()
            down_at = time.monotonic()
            meanwhile: dict = {}

            def confirm_and_sign_in() -> None:
                time.sleep(2)
                # The engineer confirms the preview: queued, whatever the broker says.
                started = time.monotonic()
                confirm = f"/imports/{fixtures['job'].public_id}/"
                meanwhile["confirmed"] = engineer.post_form(confirm, {}).status
                meanwhile["confirm_took"] = time.monotonic() - started
                # A colleague signs in (sessions and lockouts are in PostgreSQL) and looks around.
                executive = Client(base, HOST)
                meanwhile["signed_in"] = executive.login("executive", DEMO_PASSWORD).status
                meanwhile["their_dashboard"] = browse.get("dashboard", executive, "/dashboard/")

            others = threading.Thread(target=confirm_and_sign_in)
            others.start()
            while time.monotonic() - down_at < OUTAGE_SECONDS or others.is_alive():
                browse.round()
                time.sleep(0.1)
            others.join()
            up_at = time.monotonic()
            queued_while_down = _job(job_id).status
            outage_lines = web_log.read_text(errors="replace").splitlines()[lines_before:]

            private_redis.start()
            back_at = wait_for(lambda: browse.get("healthz", browse.pages[-1][1], "/healthz") == 200
                               and time.monotonic(), "/healthz to see Redis again", timeout=30)
            browse.round()
            after = browse.between(back_at, time.monotonic())

            outage = browse.between(down_at, up_at)
            by_page = Counter((name, status) for _t, name, status, _d in outage)
            durations = [took for _t, name, _s, took in outage if name != "healthz"]
            print(f"\nRedis down {up_at - down_at:.0f} s: {len(outage)} requests "
                  f"{dict(sorted(by_page.items()))}; page time median "
                  f"{statistics.median(durations) * 1000:.0f} ms, max {max(durations) * 1000:.0f} ms; "
                  f"{len(outage_lines)} lines of server log "
                  f"({sum('Traceback' in line for line in outage_lines)} tracebacks); the import's "
                  f"confirmation answered {meanwhile.get('confirmed')} in "
                  f"{meanwhile.get('confirm_took', 0):.2f} s")
            assert [(name, status) for _t, name, status, _d in outage
                    if name != "healthz" and status != 200] == []
            assert {status for _t, name, status, _d in outage if name == "healthz"} == {503}
            answers = [meanwhile.get(key) for key in ("confirmed", "signed_in", "their_dashboard")]
            assert answers == [302, 302, 200]
            assert queued_while_down == ImportJob.Status.QUEUED
            assert {status for _t, _n, status, _d in after} == {200}, after

            with celery("worker", "--pool=prefork", "--concurrency=1", "--loglevel=WARNING",
                        "--without-gossip", "--without-mingle", "--hostname", "faults@test",
                        env=env, log=tmp_path / "worker.log"):
                worker_at = time.monotonic()
                _send_sweep(private_redis.url())
                wait_for(lambda: _job(job_id).status in (ImportJob.Status.DONE, ImportJob.Status.FAILED),
                         "the queued import to run", timeout=60, every=0.2)
                done_after = time.monotonic() - worker_at
                _send_sweep(private_redis.url())  # the next slot: nothing left to hand on
                time.sleep(3)
                job = _job(job_id)

    print(f"recovery: /healthz 200 {back_at - up_at:.2f} s after Redis started; the queued import "
          f"done {done_after:.2f} s after the worker started")
    assert job.status == ImportJob.Status.DONE, job.failure_reason
    assert (job.rows, job.created, job.updated, job.unchanged, job.rejected, job.attempts) == (
        ROWS, ROWS, 0, 0, 0, 1)
    with schema_context("kantang"):
        codes = sorted(Asset.objects.filter(code__startswith=PREFIX).values_list("code", flat=True))
    assert codes == [f"{PREFIX}{n:04d}" for n in range(ROWS)]
