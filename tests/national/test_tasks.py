"""The nightly fan-out: one task per active municipality, each sent from its own schema."""

from django.db import connection

from national import tasks, views

from ..helpers import host_client, login


def test_the_nightly_task_sends_one_task_from_each_municipality(db, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.national_snapshot_publish_task, "delay",
                        lambda: sent.append(connection.schema_name))

    assert tasks.national_snapshot_publish_everywhere() == 2
    assert sorted(sent) == ["kantang", "nueaklong"]


def test_the_task_publishes_the_schema_it_runs_in(kantang):
    from django_tenants.utils import tenant_context

    from .conftest import load_tiny_aggregates

    load_tiny_aggregates()
    with tenant_context(kantang):
        result = tasks.national_snapshot_publish_task()

    assert result == {"schema": "kantang", "rows": 35}


def test_publish_all_now_hands_the_work_to_the_workers(db, monkeypatch):
    calls = []
    monkeypatch.setattr(views.national_snapshot_publish_everywhere, "delay", lambda: calls.append(1))
    client = login(host_client("localhost"), "public", "platform")

    response = client.post("/national/publish/", follow=True)

    assert response.redirect_chain[-1][0] == "/national/" and calls == [1]


def test_the_beat_schedule_publishes_every_night():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["publish-national-indicators"]
    assert entry["task"] == "national.tasks.national_snapshot_publish_everywhere"
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}
