"""Reads of import jobs, with the access rule: a job is visible to whoever may import its dataset."""

from datetime import datetime

from django.db.models import Max, QuerySet

from . import registry
from .models import ImportJob


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    keys = [dataset.key for dataset in registry.datasets_for(user)]
    return ImportJob.objects.filter(dataset__in=keys).select_related("user")


def last_import_finished_at() -> datetime | None:
    return ImportJob.objects.filter(status=ImportJob.Status.DONE).aggregate(at=Max("finished_at"))["at"]
