"""A real Celery worker (a separate process, not eager mode) runs each task in the schema of the
municipality that sent it."""

import subprocess
import uuid

import pytest
from django_tenants.utils import schema_context

from tenants.tasks import tenant_probe

from ..helpers import celery_worker, subprocess_env

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def worker_queue(django_db_setup, django_db_blocker):
    """Start a worker as `make run` does (prefork, two children, pooled database connections) on
    a queue of its own, so no other worker can take these tasks."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        env = subprocess_env()
    with celery_worker(queue, env=env, concurrency=2,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True):
        yield queue


def _run_from(schema: str, queue: str) -> dict:
    with schema_context(schema):
        result = tenant_probe.apply_async(queue=queue)
    return result.get(timeout=60)


@pytest.mark.parametrize(
    ("schema", "name"),
    [("kantang", "เทศบาลเมืองกันตัง"), ("nueaklong", "เทศบาลตำบลเหนือคลอง")],
)
def test_a_task_sent_from_a_municipality_runs_in_its_schema(schema, name, worker_queue, db):
    report = _run_from(schema, worker_queue)

    assert report == {"schema": schema, "current_schema": schema, "municipality": name}


def test_a_task_sent_from_the_console_runs_in_public(worker_queue, db):
    report = _run_from("public", worker_queue)

    assert report["schema"] == "public"
    assert report["current_schema"] == "public"



def test_worker_children_switch_schemas_between_tasks(worker_queue, db):
    # The same two child processes serve both municipalities in turn; each task must still run
    # in the schema of the municipality that sent it.
    sent = []
    for schema in ["kantang", "nueaklong"] * 5:
        with schema_context(schema):
            sent.append((schema, tenant_probe.apply_async(queue=worker_queue)))

    reports = [(schema, result.get(timeout=60)) for schema, result in sent]

    assert all(report["current_schema"] == schema for schema, report in reports)
