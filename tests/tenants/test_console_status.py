"""The console's municipality list and detail: status figures counted in each schema, refresh,
and suspending a municipality."""

import subprocess
import uuid
from unittest import mock

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import connection
from django.db.models import F
from django_tenants.utils import schema_context

from accounts.models import User
from infrastructure.models import OPEN_STATUSES, Asset, ServiceRequest
from smarthealth.models import Household, Person
from tenants.models import MunicipalityStats
from tenants.stats import register_figure, stats_refresh
from tenants.tasks import stats_refresh_everywhere, stats_refresh_task

from ..helpers import celery_worker, host_client, login, subprocess_env


@pytest.fixture
def platform_client(db):
    return login(host_client("localhost"), "public", "platform")


def _counts(schema):
    with schema_context(schema):
        return {
            "assets": Asset.objects.count(),
            "open_requests": ServiceRequest.objects.filter(status__in=OPEN_STATUSES).count(),
            "households": Household.objects.count(),
            "persons": Person.objects.filter(status=Person.Status.LIVING).count(),
        }


def test_it_counts_each_figure_inside_the_municipality_schema(kantang, nueaklong):
    stats = stats_refresh(municipality=kantang)

    expected = _counts("kantang")
    assert stats.figures == expected
    assert expected["assets"] > 0 and expected["persons"] > 0
    # The two pilots hold different data: the figures are not the public schema's, nor each other's.
    assert stats_refresh(municipality=nueaklong).figures == _counts("nueaklong") != expected
    with schema_context("kantang"):
        users = (User.objects.count(), User.objects.filter(is_active=True).count())
    assert (stats.users, stats.active_users) == users
    assert stats.users >= 5
    assert stats.refreshed_at is not None


def test_it_counts_only_living_persons(kantang):
    with schema_context("kantang"):
        person = Person.objects.filter(status=Person.Status.LIVING).first()
        person.status = Person.Status.DECEASED
        person.save(update_fields=["status"])

    stats = stats_refresh(municipality=kantang)

    assert stats.figures["persons"] == _counts("kantang")["persons"]
    with schema_context("kantang"):
        assert stats.figures["persons"] == Person.objects.count() - Person.objects.exclude(
            status=Person.Status.LIVING).count()


def test_the_console_shows_a_pilots_figures_after_a_refresh(kantang, platform_client):
    MunicipalityStats.objects.filter(municipality=kantang).delete()
    counts = _counts("kantang")
    before = platform_client.get("/")
    assert intcomma(counts["assets"]) not in before.text

    stats_refresh(municipality=kantang)
    response = platform_client.get("/")

    assert response.status_code == 200
    assert intcomma(counts["assets"]) in response.text
    assert intcomma(counts["persons"]) in response.text
    assert "/municipalities/kantang/" in response.text


def test_the_last_sign_in_comes_from_the_municipalitys_users(kantang, kantang_client):
    login(kantang_client, "kantang", "engineer")  # signing in records last_login (user_logged_in)
    with schema_context("kantang"):
        engineer_login = User.objects.get(username="engineer").last_login
        latest = User.objects.order_by(F("last_login").desc(nulls_last=True)).first().last_login

    stats = stats_refresh(municipality=kantang)

    assert engineer_login is not None
    assert stats.last_login_at == latest >= engineer_login


def test_a_broken_figure_does_not_blank_the_others(kantang):
    def broken():
        raise RuntimeError("boom")

    with mock.patch.dict("tenants.stats._figures"):
        register_figure("broken", "Broken", broken)
        stats = stats_refresh(municipality=kantang)

    assert "broken" not in stats.figures
    assert stats.figures["assets"] == _counts("kantang")["assets"]


def test_the_task_refreshes_the_schema_it_was_sent_from(kantang):
    MunicipalityStats.objects.filter(municipality=kantang).delete()
    with schema_context("kantang"):
        report = stats_refresh_task.apply().get()

    assert report["schema"] == "kantang"
    assert MunicipalityStats.objects.get(municipality=kantang).figures == _counts("kantang")


def test_the_fan_out_sends_one_task_per_active_municipality_from_its_schema(kantang, nueaklong):
    nueaklong.is_active = False
    nueaklong.save(update_fields=["is_active"])
    sent_from = []
    with mock.patch.object(stats_refresh_task, "delay",
                           side_effect=lambda: sent_from.append(connection.schema_name)):
        count = stats_refresh_everywhere.apply().get()

    assert sent_from == ["kantang"]
    assert count == 1


def test_the_refresh_button_enqueues_the_fan_out(platform_client):
    with mock.patch.object(stats_refresh_everywhere, "delay") as delay:
        response = platform_client.post("/figures/refresh/", follow=True)

    delay.assert_called_once_with()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"


def test_the_refresh_button_says_so_when_the_queue_is_down(platform_client):
    from kombu.exceptions import OperationalError

    with mock.patch.object(stats_refresh_everywhere, "delay", side_effect=OperationalError("down")):
        response = platform_client.post("/figures/refresh/", follow=True)

    assert response.status_code == 200
    assert 'message-error' in response.text


def test_the_refresh_needs_a_post(platform_client):
    assert platform_client.get("/figures/refresh/").status_code == 405


def test_the_detail_page_refreshes_one_municipality_inline(kantang, platform_client):
    MunicipalityStats.objects.filter(municipality=kantang).delete()

    response = platform_client.post("/municipalities/kantang/refresh/", follow=True)

    assert response.status_code == 200
    assert MunicipalityStats.objects.filter(municipality=kantang).exists()
    assert intcomma(_counts("kantang")["households"]) in response.text
    assert "kantang.localhost" in response.text


def test_the_detail_page_of_an_unknown_or_platform_schema_is_404(platform_client):
    assert platform_client.get("/municipalities/nosuch/").status_code == 404
    assert platform_client.get("/municipalities/public/").status_code == 404


def test_deactivating_asks_for_confirmation_and_then_suspends_the_host(kantang, platform_client,
                                                                       django_capture_on_commit_callbacks):
    page = platform_client.get("/municipalities/kantang/status/")
    assert page.status_code == 200 and 'name="confirm"' in page.text

    refused = platform_client.post("/municipalities/kantang/status/", {"action": "deactivate"})
    kantang.refresh_from_db()
    assert refused.status_code == 400 and kantang.is_active

    with django_capture_on_commit_callbacks(execute=True):
        done = platform_client.post("/municipalities/kantang/status/",
                                    {"action": "deactivate", "confirm": "on"})
    kantang.refresh_from_db()
    assert done.status_code == 302 and not kantang.is_active

    suspended = host_client("kantang.localhost").get("/accounts/login/")
    assert suspended.status_code == 503
    assert "เทศบาลเมืองกันตัง" in suspended.text and "ระงับการให้บริการ" in suspended.text
    # The other pilot is untouched.
    assert host_client("nueaklong.localhost").get("/accounts/login/").status_code == 200


def test_activating_again_restores_the_host(kantang, platform_client, django_capture_on_commit_callbacks):
    kantang.is_active = False
    kantang.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post("/municipalities/kantang/status/", {"action": "activate"})

    kantang.refresh_from_db()
    assert response.status_code == 302 and kantang.is_active
    assert host_client("kantang.localhost").get("/accounts/login/").status_code == 200


def test_a_stale_status_form_cannot_flip_the_status_back(kantang, platform_client):
    response = platform_client.post("/municipalities/kantang/status/", {"action": "activate"})

    kantang.refresh_from_db()
    assert response.status_code == 400 and kantang.is_active


def test_a_user_without_console_permission_gets_403(db):
    from accounts.models import User

    User.objects.create_user("outsider", password="x-very-long-pass-1")  # public, no role
    client = login(host_client("localhost"), "public", "outsider")

    for url in ("/", "/municipalities/kantang/", "/municipalities/kantang/status/"):
        assert client.get(url).status_code == 403
    assert client.post("/figures/refresh/").status_code == 403


@pytest.fixture(scope="module")
def worker_queue(django_db_setup, django_db_blocker):
    """A real worker (prefork, as `make run` starts it) on a queue of its own."""
    queue = f"test-stats-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        env = subprocess_env()
    with celery_worker(queue, env=env, concurrency=1, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        yield queue


@pytest.mark.worker
def test_a_real_worker_counts_in_the_schema_the_task_was_sent_from(worker_queue, nueaklong):
    with schema_context("nueaklong"):
        report = stats_refresh_task.apply_async(queue=worker_queue).get(timeout=60)

    # The worker committed its row; this test's transaction reads it.
    stats = MunicipalityStats.objects.get(municipality=nueaklong)
    assert report["schema"] == "nueaklong"
    assert stats.figures == report["figures"] == _counts("nueaklong")
