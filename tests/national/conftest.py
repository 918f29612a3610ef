"""A tiny hand-made set of dashboard aggregates in kantang, whose snapshot is computed by hand in
the tests (the real seeded aggregates are used by the no-personal-data test)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

COMMUNITIES = ("ชุมชนท่าเรือ", "ชุมชนบ้านหนองเหล็ก")
MONTH = dt.date(2026, 1, 1)

# (part, figure, community, month, key1, key2, count, amount)
ROWS = [
    # bedridden: visited 2 + 5 = 7, not visited 3 → 3 is small, 7 hidden by complement, total 10
    ("health", "bedridden", COMMUNITIES[0], None, "visited", "", 2, 0),
    ("health", "bedridden", COMMUNITIES[1], None, "visited", "", 5, 0),
    ("health", "bedridden", COMMUNITIES[0], None, "not_visited", "", 3, 0),
    # elderly by ADL: social 20, homebound 6, bedbound 1 + 1 = 2 → 2 small, homebound complement
    ("health", "elderly_adl", COMMUNITIES[0], None, "social", "", 20, 0),
    ("health", "elderly_adl", COMMUNITIES[1], None, "homebound", "", 6, 0),
    ("health", "elderly_adl", COMMUNITIES[0], None, "bedbound", "", 1, 0),
    ("health", "elderly_adl", COMMUNITIES[1], None, "bedbound", "", 1, 0),
    # population: men 30–34: 10, 60–64: 14; women 30–34: 2, 60–64: 14
    ("health", "population", COMMUNITIES[0], None, "M", "30", 10, 0),
    ("health", "population", COMMUNITIES[0], None, "M", "60", 14, 0),
    ("health", "population", COMMUNITIES[0], None, "F", "30", 2, 0),
    ("health", "population", COMMUNITIES[1], None, "F", "60", 14, 0),
    # disabled: 12 physical, none small
    ("health", "disabled", COMMUNITIES[0], None, "physical", "", 12, 0),
    # infrastructure: 3 roads in good condition is not a count of people (published as is)
    ("infrastructure", "assets", COMMUNITIES[0], None, "road", "good", 2, 0),
    ("infrastructure", "assets", COMMUNITIES[1], None, "road", "good", 1, 0),
    ("infrastructure", "assets", COMMUNITIES[1], None, "drain", "poor", 1, 0),
    # a surface typed as free text must not reach the public schema
    ("infrastructure", "road_length", COMMUNITIES[0], None, "ถนนบ้านนายสมชาย", "", 2, 1200.5),
    ("infrastructure", "road_length", COMMUNITIES[1], None, "asphalt", "", 1, 800.0),
    ("infrastructure", "requests_open", COMMUNITIES[0], None, "flood", "overdue", 1, 0),
    ("infrastructure", "requests_opened", COMMUNITIES[0], MONTH, "flood", "", 4, 0),
    ("infrastructure", "requests_opened", COMMUNITIES[1], MONTH, "flood", "", 2, 0),
    ("infrastructure", "resolve_time", COMMUNITIES[0], MONTH, "24", "", 1, 24.5),
    ("infrastructure", "resolve_time", COMMUNITIES[0], MONTH, "72", "", 2, 150.0),
    # the hotspot grid is never published
    ("infrastructure", "request_cells", COMMUNITIES[0], MONTH, "39807:2964", "", 1, 0),
]


def load_tiny_aggregates(now=None):
    """Replace kantang's aggregates with ROWS, marked fresh (so publishing does not recompute)."""
    from dashboards.models import Aggregate, Part, RefreshState

    now = now or timezone.now()
    with schema_context("kantang"):
        Aggregate.objects.all().delete()
        Aggregate.objects.bulk_create([
            Aggregate(part=p, figure=f, community=c, month=m, key1=k1, key2=k2, count=n, amount=a)
            for p, f, c, m, k1, k2, n, a in ROWS
        ])
        for part in Part.values:
            RefreshState.objects.update_or_create(part=part, defaults={"refreshed_at": now})


@pytest.fixture
def tiny_kantang(kantang):
    load_tiny_aggregates()
    return kantang
