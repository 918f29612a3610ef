"""The platform on a Citus cluster (issue 21): 1 coordinator + 2 workers built by scripts/citus.sh
from the vendored source, started once per session.

The platform's own tests run there in one pytest subprocess (the cluster's database is the test
database: Django's CREATE DATABASE would give one without Citus; cityplatform/settings_citus_test.py),
and each test here checks one group of them in its JUnit report: isolation of every role × tenant,
an import, the 43-file import, Celery tasks in a real worker, a vector tile, a national publish, and placement
(distributed schemas, a move between workers under reads and writes with no client error, a
rebalance, the console's action).
Skipped, with the reason, where ../shared/vendor has no Citus source or the build fails."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARBALL = Path(os.environ.get("CITUS_TARBALL", ROOT.parent / "shared" / "vendor" / "citus-13.2.2.tar.gz"))
COORDINATOR = "postgres://city:city@127.0.0.1:5450/cityplatform"

GROUPS = {
    "isolation": ["tests/tenants/test_isolation.py", "tests/accounts/test_roles.py",
                  "tests/api/test_access.py"],
    "import": ["tests/imports/test_assets.py", "tests/imports/test_households.py",
               "tests/imports/test_persons.py", "tests/imports/test_care.py",
               "tests/infrastructure/test_request_export.py"],
    # The 43-file import: staged in scratch tables of the municipality's schema, its finishes on
    # the session's second thread; a first import, the months after, two files of one kind, new
    # records' ids taken from their sequences while the file is read.
    "43-file import": [f"tests/smarthealth/moph43/test_{name}.py"
                       for name in ("first_import", "months", "queued_finish", "identities")],
    "celery": ["tests/dashboards/test_worker.py"],  # a real worker: an import, then fresh figures
    "tile": ["tests/infrastructure/test_maps.py"],
    "national publish": ["tests/national/test_publish.py"],
    "placement": ["tests/citus/on_cluster_placement.py"],
}


def _script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["scripts/citus.sh", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def _tail(done: subprocess.CompletedProcess, lines: int = 15) -> str:
    return "\n".join((done.stdout + done.stderr).strip().splitlines()[-lines:])


def _redis_of_the_cluster_run() -> str:
    """A Redis database of its own (this run's + 8, mod 16: 15 → 7 under `make test`), so that the
    cluster's run and the Celery workers it starts share queues and cache with each other, never
    with the single server's tests around it (a cached host → municipality id, a queued task)."""
    url = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6380/15")
    db = int(url.path.strip("/") or 0)
    return urlunsplit(url._replace(path=f"/{(db + 8) % 16}"))


def _test_file(classname: str) -> str:
    """tests/x/test_y.py of a JUnit classname: tests.x.test_y, or tests.x.test_y.TestClass."""
    parts = classname.split(".")
    while parts and not (ROOT / ("/".join(parts) + ".py")).exists():
        parts.pop()
    return "/".join(parts) + ".py"


@pytest.fixture(scope="session")
def cluster_report(tmp_path_factory) -> Iterator[dict[str, list[tuple[str, str]]]]:
    """{test file: [(test name, "passed" / "failed: …" / "skipped")]} of one run on the cluster."""
    if not TARBALL.exists():
        pytest.skip(f"no Citus source at {TARBALL} (the vendored tarball): the cluster tests need it")
    was_running = "running" in _script("status").stdout
    started = _script("start")
    if started.returncode != 0:
        pytest.skip(f"the Citus cluster could not be built or started:\n{_tail(started)}")
    reset = _script("reset")
    assert reset.returncode == 0, _tail(reset)
    junit = tmp_path_factory.mktemp("citus") / "cluster.xml"
    env = {**os.environ, "DATABASE_URL": COORDINATOR, "CITUS": "1", "DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "cityplatform.settings_citus_test",
           "REDIS_URL": _redis_of_the_cluster_run()}
    files = [f for group in GROUPS.values() for f in group]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "--reuse-db", "-p", "no:cacheprovider", "-q",
         "--ds=cityplatform.settings_citus_test", f"--junitxml={junit}", *files],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=900)
    if not junit.exists():
        pytest.fail(f"the run on the cluster wrote no report:\n{_tail(run, 40)}")
    report: dict[str, list[tuple[str, str]]] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        path = _test_file(case.get("classname", ""))
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        if case.find("skipped") is not None:
            outcome = "skipped"
        elif failure is not None:
            outcome = f"failed: {(failure.get('message') or '')[:300]}"
        else:
            outcome = "passed"
        report.setdefault(path, []).append((case.get("name", ""), outcome))
    yield report
    if not was_running:  # left as found: a developer's cluster stays up, the suite's stops
        _script("stop")


@pytest.mark.parametrize("group", list(GROUPS))
def test_the_platform_passes_its_tests_on_a_citus_cluster(group, cluster_report):
    results = [(f"{path}::{name}", outcome)
               for path in GROUPS[group] for name, outcome in cluster_report.get(path, [])]
    failed = [f"{test} {outcome}" for test, outcome in results if outcome.startswith("failed")]

    assert results, f"none of {GROUPS[group]} ran on the cluster"
    assert failed == []
    assert any(outcome == "passed" for _test, outcome in results)
