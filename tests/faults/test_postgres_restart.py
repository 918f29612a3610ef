"""PostgreSQL restarts (an operator's `pg_ctl restart`, a container restart, a fail-over) while
citizens use the site: requests that need the database in that moment get the friendly 503, and
the app recovers by itself, the same gunicorn worker, with no connection of its pool left broken.

PostgreSQL here is a cluster of the test's own (initdb in a temporary folder, PostGIS, the public
schema and one municipality migrated), which the test may restart; two client loops keep asking
for pages that read the database, before, during and after the restart."""

import threading
import time
from collections import Counter

import pytest

from ..helpers import manage, subprocess_env
from .servers import Client, PostgresCluster, RedisServer, gunicorn, wait_for

pytestmark = pytest.mark.faults

HOST = "faultville.localhost"
# Pages that read the database on every request, and what each answers when all is well.
PAGES = {"/opendata/": 200, "/report/status/ZZZZ-9999/": 404}
CLIENTS = 2
# After the restart, this many answers in a row must be the normal ones: more than the pool's
# connections (DB_POOL_MAX), so a broken pooled connection would show among them.
CONSECUTIVE = 40


def _seed(cluster: PostgresCluster, env: dict) -> None:
    cluster.psql("postgres", "CREATE DATABASE cityplatform")
    cluster.psql("cityplatform", "SET client_min_messages = warning; CREATE EXTENSION postgis")
    for args in (("migrate_schemas", "--shared", "--noinput", "-v", "0"),
                 ("create_municipality", "--schema", "faultville", "--domain", HOST,
                  "--name-th", "เทศบาลตำบลทดสอบ", "--lat", "7.41", "--lon", "99.52")):
        done = manage(*args, **env)
        assert done.returncode == 0, done.stderr[-2000:]


def test_it_answers_503_while_postgres_restarts_and_recovers_by_itself(tmp_path):
    log: list[tuple[float, str, int, str]] = []
    stop = threading.Event()

    def client_loop(base: str) -> None:
        client = Client(base, HOST, timeout=30)
        while not stop.is_set():
            for path in PAGES:
                response = client.get(path)
                log.append((time.monotonic(), path, response.status, response.text[:4000]))
            time.sleep(0.05)

    with PostgresCluster() as cluster, RedisServer(tmp_path / "redis") as private_redis:
        env = subprocess_env(DATABASE_URL=cluster.url("cityplatform"), REDIS_URL=private_redis.url(),
                             RATE_LIMIT_REPORT_STATUS="1000000")
        _seed(cluster, {key: env[key] for key in ("DATABASE_URL", "REDIS_URL")})
        with gunicorn(env, tmp_path / "web.log") as base:
            loops = [threading.Thread(target=client_loop, args=(base,), daemon=True) for _ in range(CLIENTS)]
            for loop in loops:
                loop.start()
            try:
                wait_for(lambda: len(log) >= 20, "the clients' first answers", timeout=30)
                restart_at = time.monotonic()
                cluster.restart()
                ready_at = time.monotonic()

                def recovered() -> bool:
                    after = [entry for entry in log if entry[0] >= ready_at]
                    tail = after[-CONSECUTIVE:]
                    return len(tail) == CONSECUTIVE and all(PAGES[p] == s for _t, p, s, _b in tail)

                wait_for(recovered, f"{CONSECUTIVE} normal answers in a row after the restart", timeout=60)
            finally:
                stop.set()
                for loop in loops:
                    loop.join(timeout=40)
        boots = (tmp_path / "web.log").read_text(errors="replace").count("Booting worker")

    failed = [(t, path, status, body) for t, path, status, body in log if PAGES[path] != status]
    statuses = Counter(status for _t, _p, status, _b in failed)
    if failed:
        window = f"{failed[0][0] - restart_at:+.2f} s to {failed[-1][0] - restart_at:+.2f} s"
        first_ok = min(t for t, path, status, _b in log if t > failed[-1][0] and PAGES[path] == status)
        print(f"\nPostgreSQL restart ({ready_at - restart_at:.2f} s until it accepted connections): "
              f"{len(failed)} of {len(log)} requests failed {dict(statuses)}, from {window} after the "
              f"restart began; normal answers again {first_ok - restart_at:.2f} s after it began")
    else:
        print(f"\nPostgreSQL restart ({ready_at - restart_at:.2f} s): no request failed of {len(log)}")

    assert set(statuses) <= {503}, statuses
    assert all("ระบบขัดข้องชั่วคราว" in body for _t, _p, _s, body in failed)  # the friendly page, in Thai
    assert boots == 1  # recovered without a new worker process, let alone a restart of gunicorn
