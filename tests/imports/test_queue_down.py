"""Issue 22, finding 2: an import confirmed while the broker (Redis) is down is not lost. The user
gets the page, not a 500; the job stays queued and its page says it waits for the queue; the
recovery sweep hands it to the broker once the broker is back."""

import base64
import json
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from cityplatform.celery import app as celery_app
from imports.models import ImportJob
from imports.services import UNSENT_GRACE, import_job_confirm, import_job_start, import_jobs_recover

from ..helpers import free_port, login
from .conftest import run

pytestmark = pytest.mark.django_db
QUEUE_DOWN = "The task queue is unavailable right now"


@pytest.fixture
def broker_down():
    """The broker's address points at a port nobody listens on."""
    before = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    yield
    celery_app.conf.broker_url = before


@pytest.fixture
def result_backend_down(monkeypatch):
    """Redis is the result backend too: a send that subscribed to the task's result would wait on
    redis-py's retries (~19 s, then fail) when Redis is down. The import tasks keep no result."""

    def unreachable(*args, **kwargs):
        raise ConnectionError("the result backend is down")

    monkeypatch.setattr(celery_app.backend, "on_task_call", unreachable)


@pytest.fixture
def queued_messages():
    """The messages that reach the real broker (this test run's Redis database) for a job."""
    client = redis.Redis.from_url(settings.REDIS_URL)

    def messages(job_id: int) -> list[str]:
        found = []
        for raw in client.lrange("celery", 0, -1):
            message = json.loads(raw)
            args = json.loads(base64.b64decode(message["body"]))[0]
            if args == [job_id]:
                found.append(message["headers"]["task"])
        return found

    yield messages
    client.delete("celery")


def _previewed(schema, path, user=None) -> ImportJob:
    """A job whose preview the user is looking at (what the preview task leaves)."""
    with schema_context(schema):
        with open(path, "rb") as handle:
            from django.core.files import File

            job = import_job_start(dataset="households", upload=File(handle, name=path.name), user=user,
                                   preview=True, run_here=True)
        ImportJob.objects.filter(pk=job.pk).update(preview={"rows": [], "columns": []})
        job.refresh_from_db()
        return job


def test_confirming_with_the_broker_down_keeps_the_job_queued_and_says_so(
        kantang_client, households_file, broker_down, django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "nurse")
    job = _previewed("kantang", households_file)
    # The send runs when the confirmation commits; with the broker down it gives up at once
    # and raises nothing (before the fix: kombu's OperationalError, a 500, after ~19 s).
    with django_capture_on_commit_callbacks(execute=True) as sends:
        response = kantang_client.post(f"/imports/{job.public_id}/")
    assert response.status_code == 302 and len(sends) == 1
    with schema_context("kantang"):
        job.refresh_from_db()
    assert job.status == "queued" and job.sent_at is None
    page = kantang_client.get(f"/imports/{job.public_id}/").content.decode()
    assert QUEUE_DOWN in page or "คิวงาน" in page


def test_an_upload_with_the_broker_down_waits_for_its_preview(
        kantang_client, households_file, broker_down, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(kantang_client, "kantang", "nurse")
    with django_capture_on_commit_callbacks(execute=True):
        response = kantang_client.post("/imports/", {
            "dataset": "households",
            "file": SimpleUploadedFile(households_file.name, households_file.read_bytes())})
    assert response.status_code == 302
    with schema_context("kantang"):
        job = ImportJob.objects.latest("created_at")
    assert (job.status, job.preview, job.sent_at) == ("preview", {}, None)
    page = kantang_client.get(response["Location"]).content.decode()
    assert QUEUE_DOWN in page or "คิวงาน" in page


def test_the_sweep_sends_again_what_never_reached_the_broker(
        kantang, households_file, queued_messages, result_backend_down, django_capture_on_commit_callbacks):
    job = _previewed("kantang", households_file)
    before = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    try:
        with schema_context("kantang"), django_capture_on_commit_callbacks(execute=True):
            import_job_confirm(job=job)
    finally:
        celery_app.conf.broker_url = before
    with schema_context("kantang"):
        job.refresh_from_db()
        assert job.status == "queued" and job.sent_at is None and queued_messages(job.pk) == []
        # A sweep right after the send is left alone (its send may be under way)...
        with django_capture_on_commit_callbacks(execute=True):
            assert import_jobs_recover()["resent"] == 0
        # ...a few minutes later, the job, which no worker holds, is handed to the broker again.
        ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - 2 * UNSENT_GRACE)
        with django_capture_on_commit_callbacks(execute=True):
            assert import_jobs_recover() == {"rerun": 0, "failed": 0, "resent": 1}
        job.refresh_from_db()
    assert job.sent_at is not None
    assert queued_messages(job.pk) == ["imports.tasks.import_job_run_task"]


def test_the_sweep_sends_a_preview_that_never_reached_the_broker(
        kantang, households_file, queued_messages, result_backend_down, django_capture_on_commit_callbacks):
    with schema_context("kantang"):
        from django.core.files import File

        with open(households_file, "rb") as handle:
            job = import_job_start(dataset="households", upload=File(handle, name="h.csv"), preview=True)
        ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - 2 * UNSENT_GRACE)
        with django_capture_on_commit_callbacks(execute=True):
            assert import_jobs_recover()["resent"] == 1
    assert queued_messages(job.pk) == ["imports.tasks.import_job_preview_task"]


def test_a_job_sent_long_ago_and_still_waiting_is_sent_again_but_a_finished_one_is_not(
        kantang, households_file, queued_messages, django_capture_on_commit_callbacks):
    done = run("kantang", "households", households_file)
    waiting = _previewed("kantang", households_file)
    long_ago = timezone.now() - timedelta(hours=2)
    with schema_context("kantang"):
        ImportJob.objects.filter(pk=waiting.pk).update(status="queued", sent_at=long_ago, created_at=long_ago)
        ImportJob.objects.filter(pk=done.pk).update(sent_at=long_ago, created_at=long_ago)
        with django_capture_on_commit_callbacks(execute=True):
            assert import_jobs_recover()["resent"] == 1
    assert queued_messages(waiting.pk) == ["imports.tasks.import_job_run_task"]
    assert queued_messages(done.pk) == []


def test_an_import_goes_on_while_redis_cannot_hold_its_progress(kantang, kantang_client, households_file,
                                                                monkeypatch):
    from django.core.cache import cache

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "set", unreachable)
    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "delete", unreachable)
    job = run("kantang", "households", households_file)
    assert (job.status, job.created) == ("done", 3), job.failure_reason
    with schema_context("kantang"):
        ImportJob.objects.filter(pk=job.pk).update(status="running", progress=40)
    login(kantang_client, "kantang", "nurse")
    page = kantang_client.get(f"/imports/{job.public_id}/progress/")
    assert page.status_code == 200 and 'value="40"' in page.content.decode()
