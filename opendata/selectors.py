"""Reads of the open-data app: what is published, the municipality's places, freshness."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from dashboards.models import RefreshState
from kernel.db import current_tenant

from .models import Kind, PublishedDataset
from .tables import PARTS

KIND_ORDER = list(Kind.values)
LEVEL_LABELS = {"province": _("Province"), "district": _("District"), "subdistrict": _("Subdistrict")}


@dataclass(frozen=True)
class Place:
    level: str  # "province" / "district" / "subdistrict"
    code: str
    name_th: str
    name_en: str

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])


def places_of(municipality) -> list[Place]:
    """The municipality's province, district and subdistrict, named from the gazetteer when it is
    loaded (public reference tables), else by their codes only."""
    from tenants.models import District, Province, Subdistrict

    places = []
    for level, code, model in (("province", municipality.province_code, Province),
                               ("district", municipality.district_code, District),
                               ("subdistrict", municipality.subdistrict_code, Subdistrict)):
        if not code:
            continue
        row = model.objects.filter(code=code).values_list("name_th", "name_en").first()
        name_th, name_en = row if row else ("", "")
        places.append(Place(level, code, name_th, name_en))
    return places


def _sorted(datasets) -> list[PublishedDataset]:
    return sorted(datasets, key=lambda d: KIND_ORDER.index(d.kind))


# The module each dataset comes from: a municipality that switched a module off publishes
# nothing of it (an empty file would look like "none", not "not collected here").
MODULE_OF: dict[str, str] = {Kind.ASSETS: "infrastructure", Kind.SERVICE_REQUESTS: "service_requests",
             Kind.HEALTH: "smarthealth"}


def _offered(kind: str, components) -> bool:
    return components is None or components.module_on(MODULE_OF.get(kind))


def published_datasets(components=None) -> list[PublishedDataset]:
    """Published datasets whose module is on (`components`: the request's, when there is one)."""
    published = PublishedDataset.objects.filter(is_published=True)
    return _sorted(d for d in published if _offered(d.kind, components))


def published_dataset(kind: str, components=None) -> PublishedDataset:
    """The published dataset of `kind`, else 404 (unpublished, switched off and unknown look the same)."""
    dataset = None
    if kind in KIND_ORDER and _offered(kind, components):
        dataset = PublishedDataset.objects.filter(kind=kind, is_published=True).first()
    if dataset is None:
        raise Http404("This dataset is not published.")
    return dataset


def refresh_times() -> dict[str, dt.datetime | None]:
    """When each source last changed: the dashboards' parts, and "national" (this municipality's
    last stored national snapshot, the source of the health dataset)."""

    from national.models import IndicatorValue

    times = dict(RefreshState.objects.values_list("part", "refreshed_at"))
    times["national"] = (IndicatorValue.objects.filter(municipality=current_tenant())
                         .aggregate(at=Max("published_at"))["at"])
    return times


def data_modified(dataset: PublishedDataset, times: dict[str, dt.datetime | None]) -> dt.datetime | None:
    """When the dataset's figures were last recomputed (the dashboards' refresh of its part)."""
    return times.get(PARTS[dataset.kind])


def last_modified(dataset: PublishedDataset, times: dict[str, dt.datetime | None]) -> dt.datetime:
    """What changed last: its figures or its metadata."""
    data = data_modified(dataset, times)
    return max(dataset.updated_at, data) if data else dataset.updated_at
