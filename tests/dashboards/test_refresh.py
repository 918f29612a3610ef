"""Fresh figures: the refresh task after an edit, the signals that schedule it (debounced), the
import hook, and seed_demo leaving aggregates behind."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from dashboards import services
from dashboards.aggregates import Filters, asset_aggregates, health_aggregates
from dashboards.models import Aggregate, RefreshState
from dashboards.tasks import dashboard_refresh_task

from .conftest import COMMUNITY


def mine() -> Filters:
    return Filters(community=COMMUNITY)  # a new one each time: a Filters caches its rows


def test_a_refresh_after_an_edit_changes_the_figure(refreshed):
    assert asset_aggregates(mine())["alert"] == 3
    refreshed.light.condition = "good"
    refreshed.light.save()
    assert asset_aggregates(mine())["alert"] == 3  # the page reads the aggregates, not the assets
    assert dashboard_refresh_task(["infrastructure"]) == ["infrastructure"]
    assert asset_aggregates(mine())["alert"] == 2


def test_only_the_parts_asked_for_are_recomputed(refreshed):
    before = RefreshState.objects.get(part="health").refreshed_at
    refreshed.p4.status = "moved"
    refreshed.p4.save()
    dashboard_refresh_task(["infrastructure"])
    assert RefreshState.objects.get(part="health").refreshed_at == before
    assert health_aggregates(mine())["population"] == 5
    dashboard_refresh_task(["health"])
    assert health_aggregates(mine())["population"] == 4


def test_a_refresh_replaces_rows_rather_than_adding(refreshed):
    count = Aggregate.objects.count()
    services.dashboard_refresh()
    assert Aggregate.objects.count() == count


def test_unknown_parts_are_refused(in_kantang):
    with pytest.raises(ValueError):
        services.dashboard_refresh(parts={"weather"})


@pytest.fixture
def enqueued(monkeypatch, in_kantang):
    calls = []
    monkeypatch.setattr(dashboard_refresh_task, "apply_async", lambda args, countdown: calls.append(args[0]))
    cache.delete_many([services.refresh_pending_key(p) for p in services.PARTS])
    yield calls
    cache.delete_many([services.refresh_pending_key(p) for p in services.PARTS])


def test_edits_schedule_one_refresh_per_part_after_commit(town, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        town.light.condition = "fair"
        town.light.save()
    with django_capture_on_commit_callbacks(execute=True):
        town.road1.save()  # a burst: the refresh already pending covers it
        town.p1.save()
    assert enqueued == [["infrastructure"], ["health"]]


def test_nothing_is_scheduled_before_commit(town, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        town.drain.save()
    assert enqueued == [] and len(callbacks) == 1


def test_a_finished_import_schedules_its_part(town, enqueued, django_capture_on_commit_callbacks):
    from imports.models import ImportJob

    job = ImportJob.objects.create(dataset="persons", original_name="p.csv", status=ImportJob.Status.RUNNING)
    with django_capture_on_commit_callbacks(execute=True):
        job.save()  # still running: nothing yet
    assert enqueued == []
    with django_capture_on_commit_callbacks(execute=True):
        job.status, job.finished_at = ImportJob.Status.DONE, timezone.now()
        job.save()
    assert enqueued == [["health"]]


def test_the_task_clears_the_pending_mark(refreshed, enqueued):
    cache.add(services.refresh_pending_key("health"), 1, 60)
    dashboard_refresh_task(["health"])
    assert cache.get(services.refresh_pending_key("health")) is None


def test_seed_demo_leaves_fresh_aggregates(in_kantang):
    # The session's seed_demo ran the dashboards seeder last.
    refreshed = RefreshState.objects.exclude(refreshed_at=None).values_list("part", flat=True)
    assert set(refreshed) == services.PARTS
    assert Aggregate.objects.filter(figure="population").exists()


def test_the_beat_schedule_refreshes_every_municipality():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["refresh-dashboards"]
    assert entry["task"] == "dashboards.tasks.dashboard_refresh_everywhere"
