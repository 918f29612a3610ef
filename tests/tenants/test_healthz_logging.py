"""/healthz while Redis is down: 503 on every poll, but one line in the log, not one a poll (a
monitor polling every few seconds through a long outage would otherwise flood the log)."""

import logging

from django.test import override_settings

from ..helpers import free_port, host_client


def test_it_says_redis_is_down_on_every_poll_and_logs_it_once(db, caplog):
    client = host_client("kantang.localhost")
    assert client.get("/healthz").status_code == 200  # up: the next outage is news

    with override_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"), \
            caplog.at_level(logging.WARNING):
        answers = [client.get("/healthz") for _poll in range(10)]

    assert {answer.status_code for answer in answers} == {503}
    assert all(answer.json()["redis"] == "unavailable" for answer in answers)
    assert [record.name for record in caplog.records if record.name == "tenants.health"] == ["tenants.health"]
    assert not [record for record in caplog.records if record.name == "django.request"]  # no line a poll
