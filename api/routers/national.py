"""`GET /api/v1/national/indicators/` on the console host (platform tokens): the stored national
snapshots, one row per municipality × date × figure × key. No personal data: the rows are the
dashboards' aggregates summed over communities, with counts of 1–4 people suppressed
(see national/)."""

import datetime as dt

from django.db.models import Max, OuterRef, Subquery
from ninja import Query, Router, Schema
from pydantic import Field

from national.figures import PUBLISHED_FIGURES
from national.models import IndicatorValue
from tenants.models import Municipality

from ..errors import with_errors
from ..geo import IsoDate
from ..paging import MAX_PAGE_SIZE, next_prev, page_slice

router = Router(tags=["national"])


class MunicipalityOut(Schema):
    schema_name: str
    name_th: str
    name_en: str
    province_code: str
    district_code: str
    subdistrict_code: str


class IndicatorRow(Schema):
    municipality: MunicipalityOut
    snapshot_date: dt.date
    figure: str
    part: str
    key1: str = Field(description="'*' = every value (a total)")
    key2: str
    month: dt.date | None
    value: int | None = Field(description="null when suppressed")
    amount: float | None
    suppressed: bool
    suppression: str = Field(description="'primary' (1–4 people) or 'complementary'; empty when shown")


class IndicatorPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[IndicatorRow]


class IndicatorFilters(Schema):
    municipality: str | None = Field(default=None, max_length=63, description="schema name, e.g. kantang")
    province_code: str | None = Field(default=None, pattern=r"^\d{2}$")
    figure: str | None = Field(default=None, max_length=30, description=", ".join(sorted(PUBLISHED_FIGURES)))
    snapshot_date: IsoDate | None = Field(default=None, description="default: each municipality's latest")
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=500, ge=1, le=MAX_PAGE_SIZE)


@router.get("/indicators/", response=with_errors({200: IndicatorPage}),
            summary="National indicators per municipality")
def indicators(request, filters: Query[IndicatorFilters]):
    # Archived and test municipalities are in no national figure (tenants: counted_nationally).
    rows = IndicatorValue.objects.select_related("municipality").filter(
        municipality__in=Municipality.objects.counted_nationally())
    if filters.municipality:
        rows = rows.filter(municipality__schema_name=filters.municipality)
    if filters.province_code:
        rows = rows.filter(municipality__province_code=filters.province_code)
    if filters.figure:
        rows = rows.filter(figure=filters.figure)
    if filters.snapshot_date:
        rows = rows.filter(snapshot_date=filters.snapshot_date)
    else:
        latest = (IndicatorValue.objects.filter(municipality=OuterRef("municipality")).order_by()
                  .values("municipality").annotate(day=Max("snapshot_date")).values("day")[:1])
        rows = rows.filter(snapshot_date=Subquery(latest))
    rows = rows.order_by("municipality__schema_name", "figure", "key1", "key2", "month", "id")
    count = rows.count()
    start, end = page_slice(filters.page, filters.page_size, count)
    following, previous = next_prev(request, page=filters.page, page_size=filters.page_size, count=count)
    results = []
    for row in rows[start:end]:
        m = row.municipality
        figure = PUBLISHED_FIGURES.get(row.figure)
        results.append({
            "municipality": {"schema_name": m.schema_name, "name_th": m.name_th, "name_en": m.name_en,
                             "province_code": m.province_code, "district_code": m.district_code,
                             "subdistrict_code": m.subdistrict_code},
            "snapshot_date": row.snapshot_date, "figure": row.figure, "part": figure.part if figure else "",
            "key1": row.key1, "key2": row.key2, "month": row.month, "value": row.value, "amount": row.amount,
            "suppressed": row.suppressed, "suppression": row.suppression,
        })
    return {"count": count, "next": following, "previous": previous, "results": results}
