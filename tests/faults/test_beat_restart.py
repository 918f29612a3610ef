"""Celery beat stopped and started again, cleanly and by a crash (SIGKILL), keeps its schedule:
the last run of every entry is read back from the schedule file, and no entry is sent twice in
one slot. A beat that lost what it had just sent would send it again on start (the nightly
national snapshot twice, say).

The beat runs the real schedule plus a probe due every few seconds (tests/faults/settings_beat.py)
against a Redis of the test's own; no worker listens, so every message it sent stays in the queue
to be counted, and its log says when each was sent."""

import re
import shelve
import signal
import time
from datetime import datetime
from pathlib import Path

import pytest
import redis

from ..helpers import subprocess_env
from .servers import RedisServer, celery, wait_for
from .settings_beat import CELERY_BEAT_SCHEDULE, PROBE_SECONDS

pytestmark = pytest.mark.faults

SENT = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/MainProcess\] "
                  r"Scheduler: Sending due task (\S+) ")  # the entry's name
# The beat wakes up a few milliseconds after an entry is due; a send closer than this to the
# one before is a second send in the same slot.
SLACK = 0.5


def _sent(log: Path) -> list[tuple[datetime, str]]:
    found = []
    for line in log.read_text(errors="replace").splitlines():
        match = SENT.match(line)
        if match:
            found.append((datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f"), match[2]))
    return found


def _entries(schedule: Path) -> dict[str, tuple]:
    with shelve.open(str(schedule), flag="r") as store:
        return {name: (entry.last_run_at, entry.total_run_count)
                for name, entry in store["entries"].items()}


def _run_beat(env: dict, schedule: Path, log: Path, *, probes: int, stop: signal.Signals) -> None:
    """Start beat, wait until it has sent `probes` more probes, then stop it with `stop` right
    after the last one (a crash there is the worst moment: sent, maybe not yet written down)."""
    before = len(_sent(log)) if log.exists() else 0
    with celery("beat", "--loglevel=INFO", "--schedule", str(schedule), env=env, log=log) as beat:
        wait_for(lambda: len(_sent(log)) >= before + probes, f"{probes} probe(s) from beat",
                 timeout=30 + probes * PROBE_SECONDS)
        time.sleep(0.2)
        beat.send_signal(stop)  # the main process only: a crash, or Celery's clean stop
        beat.wait(timeout=30)


def test_it_keeps_its_schedule_across_a_clean_stop_and_a_crash(tmp_path):
    schedule, log = tmp_path / "celerybeat-schedule", tmp_path / "beat.log"
    with RedisServer(tmp_path / "redis") as broker:
        env = subprocess_env(DJANGO_SETTINGS_MODULE="tests.faults.settings_beat", REDIS_URL=broker.url())

        _run_beat(env, schedule, log, probes=1, stop=signal.SIGKILL)
        first = _entries(schedule)
        _run_beat(env, schedule, log, probes=2, stop=signal.SIGTERM)
        second = _entries(schedule)
        _run_beat(env, schedule, log, probes=1, stop=signal.SIGTERM)
        third = _entries(schedule)
        queued = redis.Redis.from_url(broker.url()).llen("celery")

    sent = _sent(log)
    real = set(CELERY_BEAT_SCHEDULE) - {"fault-probe"}
    sends = {name: sum(1 for _at, entry in sent if entry == name) for name in CELERY_BEAT_SCHEDULE}
    # The real entries: their last-run times are the ones written at the first start and read
    # back on every start since (none is due within a minute of a first start, but the nightly
    # one may come round while the test runs: then once, never twice).
    assert real <= set(first)
    for name in real:
        assert sends[name] <= 1, name
        if not sends[name]:
            assert first[name] == second[name] == third[name], name
    times = [at for at, entry in sent if entry == "fault-probe"]
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:], strict=False)]
    print(f"\nbeat: probe sends {len(times)}, gaps between them (s, {PROBE_SECONDS} s interval, "
          f"restarts between sends 1-2 and 3-4): {[round(g, 2) for g in gaps]}")
    assert sends["fault-probe"] == 4
    # What the log says was sent is what reached the broker: nothing else, nothing twice.
    assert queued == len(sent)
    # The probe's count went on from what was written down, through the crash too.
    assert third["fault-probe"][1] == 4
    assert all(gap >= PROBE_SECONDS - SLACK for gap in gaps), gaps
