import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from cityplatform.celery import app as celery_app
from imports.models import ImportJob
from smarthealth.models import Household

from ..helpers import login
from .conftest import HOUSE_PREFIX

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    """The task runs in this process (the real-worker path is covered by the Celery suite)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def _upload(client, dataset, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post("/imports/", {"dataset": dataset, "file": upload})


def _upload_and_prepare(client, dataset, path, capture):
    """Upload, then let the preview task run (eager, in this process) as the worker would."""
    with capture(execute=True):
        response = _upload(client, dataset, path)
    assert response.status_code == 302, response.content
    return response


def test_a_nurse_uploads_previews_confirms_and_sees_the_result(kantang_client, households_file, eager,
                                                               django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "nurse")
    response = _upload_and_prepare(kantang_client, "households", households_file,
                                   django_capture_on_commit_callbacks)
    page = kantang_client.get(response["Location"])
    content = page.content.decode()
    # Headers in Thai, as the nurse reads them (the English keys only for a reader of English).
    assert "utf-8-sig" in content and "<th>รหัสบ้าน</th>" in content and "house_id" not in content
    assert "<td>12/1</td>" in content  # the preview shows what will be stored (Thai digits converted)
    with schema_context("kantang"):
        assert not Household.objects.filter(house_id__startswith=HOUSE_PREFIX).exists()  # preview only
    with django_capture_on_commit_callbacks(execute=True):
        kantang_client.post(response["Location"])
    with schema_context("kantang"):
        job = ImportJob.objects.latest("created_at")
        assert job.status == "done" and job.created == 3
        assert job.user.username == "nurse"
    result = kantang_client.get(response["Location"]).content.decode()
    assert ">3<" in result
    progress = kantang_client.get(f"/imports/{job.public_id}/progress/", HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"


def test_the_error_report_downloads_as_csv(kantang_client, tmp_path, eager,
                                           django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "nurse")
    path = tmp_path / "h.csv"
    path.write_text("house_id,house_no\n123,1\n", encoding="utf-8")
    response = _upload_and_prepare(kantang_client, "households", path, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        kantang_client.post(response["Location"])
    with schema_context("kantang"):
        job = ImportJob.objects.latest("created_at")
    download = kantang_client.get(f"/imports/{job.public_id}/errors/")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=utf-8''%E0%B8%82%E0%B9%89%E0%B8%AD" in download["Content-Disposition"]  # ข้อ…
    body = b"".join(download.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel reads the Thai only with its BOM
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "แถว,ปัญหา,Problem,house_id,house_no"
    assert lines[1].startswith("2,รหัสบ้าน: ") and lines[1].endswith(",123,1")


def test_roles_decide_which_datasets_may_be_imported(kantang_client, households_file):
    login(kantang_client, "kantang", "engineer")
    page = kantang_client.get("/imports/").content.decode()
    assert 'value="assets"' in page and 'value="households"' not in page
    assert _upload(kantang_client, "households", households_file).status_code == 200  # form error
    assert kantang_client.get("/imports/template/persons.xlsx").status_code == 403
    login(kantang_client, "kantang", "executive")
    assert kantang_client.get("/imports/").status_code == 403
    login(kantang_client, "kantang", "volunteer")
    assert kantang_client.get("/imports/").status_code == 403


def test_the_template_has_thai_headers_and_an_example_row(kantang_client):
    from io import BytesIO

    import pandas as pd

    login(kantang_client, "kantang", "admin")
    response = kantang_client.get("/imports/template/persons.xlsx")
    assert response.status_code == 200
    frame = pd.read_excel(BytesIO(response.content), engine="calamine", dtype=str)
    assert list(frame.columns)[:3] == ["เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ"]
    assert frame.iloc[0, 0] == "1101700203451"


def _running(job, *, hours: float = 0, attempts: int = 1):
    from datetime import timedelta

    from django.utils import timezone

    ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=attempts,
                                               started_at=timezone.now() - timedelta(hours=hours))


@pytest.fixture
def reruns(monkeypatch):
    from imports import services

    sent = []
    monkeypatch.setattr(services, "_enqueue", lambda job: sent.append(job.pk))
    return sent


def test_a_job_stuck_running_past_the_time_limit_is_marked_failed(kantang, households_file, reruns):
    from imports.services import import_jobs_recover

    from .conftest import run

    job = run("kantang", "households", households_file)
    with schema_context("kantang"):
        _running(job, hours=24)
        assert import_jobs_recover() == {"rerun": 0, "failed": 1, "resent": 0}
        job.refresh_from_db()
    assert job.status == "failed" and "did not finish" in job.failure_reason and not reruns


def test_a_job_whose_worker_vanished_runs_again_then_is_given_up(kantang, households_file, reruns):
    from imports.services import MAX_ATTEMPTS, import_jobs_recover

    from .conftest import run

    job = run("kantang", "households", households_file)
    with schema_context("kantang"):
        _running(job, attempts=1)
        assert import_jobs_recover() == {"rerun": 1, "failed": 0, "resent": 0}
        assert reruns == [job.pk]
        _running(job, attempts=MAX_ATTEMPTS)
        assert import_jobs_recover() == {"rerun": 0, "failed": 1, "resent": 0}
        job.refresh_from_db()
    assert job.status == "failed" and "interrupted" in job.failure_reason


def test_a_job_another_session_is_running_is_left_alone(kantang, households_file, reruns):
    import psycopg
    from django.db import connection

    from imports.services import import_job_run, import_jobs_recover

    from .conftest import run

    job = run("kantang", "households", households_file)
    with schema_context("kantang"):
        _running(job, hours=24)
    # Another worker's session holds the job (the same key the service takes).
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        other.execute("SET search_path TO kantang")
        assert other.execute("SELECT pg_try_advisory_lock(hashtext('imports:kantang'), %s)",
                             [job.pk]).fetchone()[0]
        with schema_context("kantang"):
            assert import_jobs_recover() == {"rerun": 0, "failed": 0, "resent": 0}
            assert import_job_run(job_id=job.pk).status == "running"  # a duplicate delivery: no-op
            job.refresh_from_db()
        assert job.status == "running" and job.attempts == 1 and not reruns
    finally:
        other.close()


def test_a_file_over_the_size_limit_is_refused(kantang, households_file, settings):
    from .conftest import run

    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    job = run("kantang", "households", households_file)
    assert job.status == "failed" and "larger than" in job.failure_reason


def test_the_preview_of_personal_data_is_audited(kantang_client, households_file, eager,
                                                 django_capture_on_commit_callbacks):
    from smarthealth.models import AccessLog

    login(kantang_client, "kantang", "nurse")
    response = _upload_and_prepare(kantang_client, "households", households_file,
                                   django_capture_on_commit_callbacks)
    kantang_client.get(response["Location"])
    with schema_context("kantang"):
        log = AccessLog.objects.latest("at")
    assert (log.action, log.object_type, log.username) == ("view", "import:households", "nurse")


def test_the_preview_masks_national_ids_and_names_the_problems(kantang_client, tmp_path, eager,
                                                               django_capture_on_commit_callbacks):
    from .conftest import bad_checksum, make_cid

    login(kantang_client, "kantang", "nurse")
    path = tmp_path / "p.csv"
    cid = make_cid(7)
    path.write_text("cid,first_name,last_name,sex,birth_date\n"
                    f"{cid},ก,ข,M,01/01/2500\n{bad_checksum(make_cid(8))},ค,ง,F,01/01/2500\n",
                    encoding="utf-8")
    response = _upload_and_prepare(kantang_client, "persons", path, django_capture_on_commit_callbacks)
    content = kantang_client.get(response["Location"]).content.decode()
    assert cid not in content and f"x-xxxx-xxxxx-{cid[10:12]}-{cid[12]}" in content
    assert content.count('class="imp-bad"') == 1 and "เลขประจำตัวประชาชน: " in content


def test_a_file_that_cannot_be_read_fails_at_the_preview(kantang_client, tmp_path, eager,
                                                         django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "engineer")
    path = tmp_path / "empty.csv"
    path.write_bytes(b"code,asset_type,name\n")
    response = _upload_and_prepare(kantang_client, "assets", path, django_capture_on_commit_callbacks)
    content = kantang_client.get(response["Location"]).content.decode()
    assert "ไม่มีแถวข้อมูล" in content  # why, in the reader's language (Thai unless they chose English)
    with schema_context("kantang"):
        assert ImportJob.objects.latest("created_at").status == "failed"
