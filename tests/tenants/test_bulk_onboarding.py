"""Bulk onboarding (issue 17): `create_municipalities --from-gazetteer --province NN` creates a local
government for every subdistrict of the province that has none, prints its progress, and a second
run creates nothing; the console starts the same as a Celery task and shows its progress."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists

from tenants.models import ConsoleAuditEntry, Municipality, OnboardingRun
from tenants.services.bulk_onboarding import onboarding_run_execute
from tenants.services.municipalities import municipality_create
from tenants.tasks import onboarding_run_task


@pytest.fixture
def one_covered(tiny_gazetteer, django_capture_on_commit_callbacks):
    """920501 already has its municipality (created by hand, under another schema name)."""
    with django_capture_on_commit_callbacks(execute=True):
        municipality_create(schema_name="bohin_by_hand", domain="bohin-by-hand.localhost",
                            name_th="เทศบาลตำบลบ่อหิน", subdistrict_code="920501")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("create_municipalities", "--from-gazetteer", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_missing_ones_of_a_province_and_nothing_the_second_time(one_covered):
    first = _run("--province", "92")
    second = _run("--province", "92")

    created = (Municipality.objects.filter(subdistrict_code__in=["920502", "920503"])
               .order_by("subdistrict_code"))
    assert [m.schema_name for m in created] == ["khao_mai_kaeo", "kalase"]
    assert [m.name_th for m in created] == ["องค์การบริหารส่วนตำบลเขาไม้แก้ว", "องค์การบริหารส่วนตำบลกะลาเส"]
    assert all(m.kind == Municipality.Kind.SAO and m.province_code == "92" and m.district_code == "9205"
               and m.centre is not None for m in created)
    assert [d.domain for d in created[0].domains.all()] == ["khao-mai-kaeo.localhost"]
    assert schema_exists("kalase")
    assert "[1/2] 920502 created khao_mai_kaeo" in first and "[2/2] 920503 created kalase" in first
    assert "created=2 failed=0 of 2 missing" in first
    assert "created=0 failed=0 of 0 missing" in second
    assert Municipality.objects.filter(subdistrict_code="920501").count() == 1
    assert ConsoleAuditEntry.objects.filter(action="create", actor_username="manage.py").count() == 2


def test_limit_creates_at_most_that_many(tiny_gazetteer):
    output = _run("--province", "92", "--limit", "1")

    assert "created=1 failed=0 of 1 missing" in output
    assert Municipality.objects.filter(subdistrict_code__startswith="9205").count() == 1


def test_it_says_clearly_what_it_cannot_do(db, tiny_gazetteer):
    with pytest.raises(CommandError, match="Bangkok"):
        _run("--province", "10")
    with pytest.raises(CommandError, match="77"):
        _run("--province", "77")


def test_without_a_gazetteer_it_says_to_load_one(db):
    with pytest.raises(CommandError, match="load_thai_admin"):
        _run("--province", "92")


def test_the_console_runs_it_as_a_task_and_shows_the_progress(platform_client, one_covered,
                                                              django_capture_on_commit_callbacks):
    page = platform_client.get("/onboarding/")
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        started = platform_client.post("/onboarding/", {"province_code": "92", "limit": ""})
    run = OnboardingRun.objects.get()
    waiting = platform_client.get(f"/onboarding/{run.pk}/")
    busy = platform_client.post("/onboarding/", {"province_code": "92"})

    # The worker's part, run here (Celery's apply: the task body in this process), then the page's
    # next poll.
    result = onboarding_run_task.apply(args=[run.pk]).get()
    polled = platform_client.get(f"/onboarding/{run.pk}/", HTTP_HX_REQUEST="true")

    assert page.status_code == 200 and '<option value="92">92 ตรัง</option>' in page.text
    assert started.status_code == 302 and started["Location"] == f"/onboarding/{run.pk}/"
    assert len(enqueued) == 1  # the task goes to the queue only after the run is committed
    assert 'hx-trigger="every 2s"' in waiting.text
    assert busy.status_code == 400
    run.refresh_from_db()
    assert (run.status, run.total, run.created, run.failed) == ("done", 2, 2, 0)
    assert result == {"run": run.pk, "status": "done", "created": 2, "failed": 0}
    assert onboarding_run_execute(run_id=run.pk).created == 2  # delivered twice: nothing more is made
    assert "hx-trigger" not in polled.text and 'value="100"' in polled.text
    assert ConsoleAuditEntry.objects.filter(action="bulk_onboarding", actor_username="platform").exists()
