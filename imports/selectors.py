"""Reads of import jobs, with the access rule: a job is visible to whoever may import its dataset."""

from datetime import datetime
from typing import Any

from django.db.models import Max, QuerySet

from . import registry
from .models import ImportJob, ValueMapping


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    keys = [dataset.key for dataset in registry.datasets_for(user)]
    return ImportJob.objects.filter(dataset__in=keys).select_related("user")


def last_import_finished_at() -> datetime | None:
    return ImportJob.objects.filter(status=ImportJob.Status.DONE).aggregate(at=Max("finished_at"))["at"]


def value_mappings_by_column(dataset: str) -> dict[str, dict[str, str]]:
    """The municipality's remembered spellings of `dataset`: column → {spelling key → value}."""
    mapped: dict[str, dict[str, str]] = {}
    for column, source, target in ValueMapping.objects.filter(dataset=dataset).values_list(
            "column", "source", "target"):
        mapped.setdefault(column, {})[source] = target
    return mapped


def value_mappings_visible_to(user: Any) -> QuerySet[ValueMapping]:
    """The remembered spellings of the datasets `user` may import."""
    keys = [dataset.key for dataset in registry.datasets_for(user)]
    return ValueMapping.objects.filter(dataset__in=keys).select_related("created_by")
