"""Settings of the beat that tests/faults/test_beat_restart.py starts: the real schedule plus one
probe entry due every PROBE_SECONDS, so a slot comes round while the test watches."""

from datetime import timedelta

from cityplatform.settings_test import *  # noqa: F403
from cityplatform.settings_test import CELERY_BEAT_SCHEDULE

PROBE_SECONDS = 5
PROBE_TASK = "faults.probe"  # no worker knows it: the message stays in the queue, to be counted
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "fault-probe": {"task": PROBE_TASK, "schedule": timedelta(seconds=PROBE_SECONDS)},
}
