"""A nurse uploads a persons file whose disability column uses a word the platform does not know,
sees it listed with its count, says what it means, sees the preview accept those rows, confirms,
and the rows are imported: in a real browser, as the clerk does it.

The web server sends the preview and the import to the task queue; this test takes the worker's
place and runs those two tasks itself (the same service calls the tasks make), so what it checks
does not depend on a worker's timing. The page finds out by its own polling, as with a worker."""

import contextlib
import time
import uuid

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from ..helpers import DEMO_PASSWORD
from ..imports.conftest import make_cid, write_csv

pytestmark = pytest.mark.browser

UNKNOWN = "พิการซ้ำซ้อน"
HEADER = ["เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล", "เพศ", "วันเกิด", "ความพิการ"]
CIDS = [make_cid(7_170_000 + n) for n in range(5)]


@pytest.fixture
def persons_file(tmp_path, live_url, django_db_blocker, monkeypatch):
    """Two persons written the usual ways and three with the unknown word; everything the test
    leaves (persons, the mapping, the job and its files) is removed afterwards."""
    from imports.models import ImportJob, ValueMapping
    from smarthealth import crypto
    from smarthealth.models import Person

    # Playwright's sync API runs an event loop in this thread; the ORM calls between browser
    # steps are plain synchronous code (as in test_home_visit.py).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    rows = [HEADER,
            [CIDS[0], "003", "ทดลองหนึ่ง", "ศัพท์ไทย", "ช", "05/01/2510", "ทางการเคลื่อนไหวหรือทางร่างกาย"],
            [CIDS[1], "นาง", "ทดลองสอง", "ศัพท์ไทย", "หญิง", "06/02/2511", "ไม่มี"]]
    rows += [[cid, "นาย", f"ทดลอง{n}", "ศัพท์ไทย", "ชาย", "07/03/2512", UNKNOWN]
             for n, cid in enumerate(CIDS[2:])]
    with django_db_blocker.unblock(), schema_context("kantang"):
        before = set(ImportJob.objects.values_list("pk", flat=True))
    yield write_csv(tmp_path / "ผู้พิการ.csv", rows)
    with django_db_blocker.unblock():
        with schema_context("kantang"):
            Person.objects.filter(cid_hash__in=[crypto.cid_hash(cid) for cid in CIDS]).delete()
            ValueMapping.objects.filter(dataset="persons", column="disability", source=UNKNOWN).delete()
            with _media_where_the_server_keeps_it():
                for job in ImportJob.objects.exclude(pk__in=before):
                    for kept in (job.file, job.error_report):
                        if kept.name:
                            kept.storage.delete(kept.name)
                    job.delete()
        connection.close()  # hand the connection back before the test database is dropped


def _job_of(page, django_db_blocker):
    from imports.models import ImportJob

    public_id = uuid.UUID(page.url.rstrip("/").rsplit("/", 1)[1])
    with django_db_blocker.unblock(), schema_context("kantang"):
        return ImportJob.objects.get(public_id=public_id)


@contextlib.contextmanager
def _media_where_the_server_keeps_it():
    """django-tenants' storage keeps the media folder of the first MEDIA_ROOT it saw in this
    process (an earlier test's tmp folder: tests/imports/conftest.py), and its settings hook does
    not forget it: meanwhile it reads this process's MEDIA_ROOT, where the web server keeps files."""
    from django.core.files.storage import default_storage

    default_storage.location  # noqa: B018 -- the lazy storage is set up on first use
    storage = default_storage._wrapped
    kept = storage.__dict__.pop("relative_media_root", None)
    try:
        yield
    finally:
        storage.__dict__.pop("relative_media_root", None)
        if kept is not None:
            storage.__dict__["relative_media_root"] = kept


def _as_the_worker(django_db_blocker, job, task: str):
    """Run the job's next task here, once the web server has handed it over."""
    from imports.models import ImportJob
    from imports.services import import_job_preview_prepare, import_job_run

    with django_db_blocker.unblock(), schema_context("kantang"), _media_where_the_server_keeps_it():
        deadline = time.monotonic() + 20
        wanted = ImportJob.Status.PREVIEW if task == "preview" else ImportJob.Status.QUEUED
        while ImportJob.objects.filter(pk=job.pk, status=wanted).count() == 0:
            assert time.monotonic() < deadline, f"the job never became {wanted}"
            time.sleep(0.1)
        if task == "preview":
            return import_job_preview_prepare(job_id=job.pk)
        return import_job_run(job_id=job.pk)


def _is_a_problem(message) -> bool:
    """A failed script, style or request of the page; the browser's own favicon.ico request
    (kantang's theme sets no icon) is not one."""
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def test_a_nurse_maps_an_unknown_value_and_its_rows_are_imported(live_url, page, persons_file,
                                                                  django_db_blocker):
    from smarthealth import crypto
    from smarthealth.models import Person

    base = live_url.format(host="kantang.localhost")
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: _is_a_problem(message) and problems.append(message.text))

    page.goto(base + "/accounts/login/?next=/imports/")
    page.fill("#id_username", "nurse")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/imports/")
    page.select_option("#id_dataset", "persons")
    page.set_input_files("#id_file", str(persons_file))
    page.click("form.imp-form button[type=submit]")
    page.wait_for_url("**/imports/*-*-*-*-*/")
    job = _job_of(page, django_db_blocker)
    _as_the_worker(django_db_blocker, job, "preview")

    # The page polls, reloads on its own and lists the unknown word with the rows that hold it.
    page.wait_for_selector("#value-mapping", timeout=20_000)
    row = page.locator(f'#value-mapping tr[data-value="{UNKNOWN}"]')
    assert row.locator(".imp-count").inner_text() == "3"
    assert page.locator("#value-mapping tr[data-value]").count() == 1  # the other spellings are known
    assert page.locator(".imp-bad").count() == 3  # for now its rows are refused
    assert row.locator("select").input_value() == ""  # "leave it" is the default
    physical = row.locator('select option[value="physical"]').inner_text()
    assert "การเคลื่อนไหว" in physical  # offered by its Thai words
    row.locator("select").select_option(label=physical)
    page.click("#value-mapping button[type=submit]")
    page.wait_for_selector("#imp-progress")  # the file is checked again
    _as_the_worker(django_db_blocker, job, "preview")

    page.wait_for_selector("#value-mapping .imp-mapping-applied", timeout=20_000)
    applied = page.locator("#value-mapping .imp-mapping-applied").inner_text()
    assert f"{UNKNOWN} → {physical}" in applied
    assert page.locator("#value-mapping tr[data-value]").count() == 0
    assert page.locator(".imp-bad").count() == 0  # the preview now accepts every row

    page.click("form:not([action]) button[type=submit].primary")  # import this file
    page.wait_for_selector("#imp-progress")
    _as_the_worker(django_db_blocker, job, "run")
    page.wait_for_selector("#imp-progress", state="detached", timeout=20_000)
    assert problems == [], problems

    with django_db_blocker.unblock(), schema_context("kantang"):
        job.refresh_from_db()
        assert (job.status, job.rows, job.created, job.rejected) == ("done", 5, 5, 0)
        people = {p.cid: p for p in Person.objects.filter(cid_hash__in=[crypto.cid_hash(c) for c in CIDS])}
    assert [people[cid].disability for cid in CIDS] == ["physical", "none"] + ["physical"] * 3
    assert (people[CIDS[0]].prefix, people[CIDS[0]].sex) == ("นาย", "M")
    assert "5" in page.locator("main table").last.inner_text()  # the result counts are shown
