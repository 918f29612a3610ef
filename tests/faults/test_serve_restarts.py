"""`make run` (scripts/serve.sh) when one of its processes dies: the Celery worker killed with
SIGKILL is started again after a pause, with a message, while the web server and beat go on;
killed once more than MAX_RESTARTS allows, it is given up with a message and the rest still runs;
Ctrl-C then stops everything it started. Before, any process exiting ended the script and took
PostgreSQL and Redis down with it.

The script runs against the test database and a Redis of the test's own (services.sh leaves
services named in DATABASE_URL / REDIS_URL alone, and STOP_SERVICES=0 besides)."""

import contextlib
import os
import signal
import subprocess

import pytest

from ..helpers import ROOT, free_port, subprocess_env
from .servers import Client, RedisServer, alive, group_leader, process_tree, wait_for

pytestmark = pytest.mark.faults


def test_a_killed_worker_is_started_again_then_given_up_and_ctrl_c_stops_all(django_db_setup, tmp_path):
    port = free_port()
    output = tmp_path / "serve.log"

    def said(text: str) -> bool:
        return text in output.read_text(errors="replace")

    with RedisServer(tmp_path / "redis") as private_redis:
        env = subprocess_env(REDIS_URL=private_redis.url(), PORT=str(port), STOP_SERVICES="0",
                             RESTART_DELAY="1", MAX_RESTARTS="1",
                             BEAT_SCHEDULE=str(tmp_path / "celerybeat-schedule"))
        with open(output, "wb") as out:
            # Its own session, as a terminal gives it: Ctrl-C goes to its whole foreground group.
            serve = subprocess.Popen(["scripts/serve.sh"], cwd=ROOT, env=env, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        groups = {serve.pid}  # every process group it starts, to clean up whatever happens
        try:
            web = Client(f"http://127.0.0.1:{port}", "localhost")
            wait_for(lambda: web.get("/healthz").status in (200, 503), "the web server", timeout=60)
            first = wait_for(lambda: group_leader(serve.pid, "worker"), "the worker", timeout=30)
            beat = wait_for(lambda: group_leader(serve.pid, "beat"), "beat", timeout=30)
            web_server = group_leader(serve.pid, "gunicorn")
            groups |= {first, beat, web_server}

            os.killpg(first, signal.SIGKILL)
            second = wait_for(lambda: (group_leader(serve.pid, "worker") or first) != first
                              and group_leader(serve.pid, "worker"), "a new worker", timeout=60)
            groups.add(second)
            assert said("[worker] exited with code 137; starting it again in 1s (restart 1 of at most 1)")

            os.killpg(second, signal.SIGKILL)
            wait_for(lambda: said("giving up on it"), "the worker to be given up", timeout=30)
            assert serve.poll() is None
            assert group_leader(serve.pid, "worker") is None
            assert group_leader(serve.pid, "beat") == beat
            assert group_leader(serve.pid, "gunicorn") == web_server
            assert web.get("/healthz").status in (200, 503)
            assert private_redis.ping()
            assert not said("stopping web, worker and beat")

            started = process_tree(serve.pid)
            os.killpg(serve.pid, signal.SIGINT)  # Ctrl-C
            assert serve.wait(timeout=60) == 130
            assert said("stopped")
            assert [command for pid, command in started.items() if alive(pid)] == []
        finally:
            for group in groups:
                with contextlib.suppress(ProcessLookupError, TypeError):
                    os.killpg(group, signal.SIGKILL)
            serve.wait(timeout=30)
