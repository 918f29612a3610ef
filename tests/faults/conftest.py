"""The fault suite (`pytest -m faults`): real processes of the tests' own, stopped, killed and
restarted while the app is in use (tests/faults/servers.py).

- test_redis_down.py: Redis stopped while people browse and an import is confirmed;
- tests/imports/test_worker_killed.py: the Celery worker SIGKILLed in the middle of an import (it
  lives beside the other import tests; this file gives it the `faults` mark as well);
- test_postgres_restart.py: PostgreSQL restarted under light load;
- test_beat_restart.py: Celery beat stopped and crashed, then started again.
"""

import pytest

ALSO_FAULTS = ("tests/imports/test_worker_killed.py",)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.startswith(ALSO_FAULTS):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(autouse=True)
def _sync_orm_after_playwright(monkeypatch):
    # The browser tests run before these and leave Playwright's event loop running in this
    # thread; the ORM calls here are plain synchronous ones (as in tests/imports/test_worker_killed.py).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

