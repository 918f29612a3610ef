"""Writes to the register: the municipal administrator adds and edits communities."""

from typing import Any

from django.contrib.gis.geos import MultiPolygon, Point
from django.db import transaction

from .models import Community

FIELDS = frozenset({"name", "moos", "boundary", "centre"})


def _apply(community: Community, data: dict[str, Any]) -> Community:
    unknown = set(data) - FIELDS
    if unknown:
        raise TypeError(f"unknown community fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(community, name, value)
    community.full_clean()
    community.save()
    return community


@transaction.atomic
def community_create(*, name: str, moos: list[int] | None = None, boundary: MultiPolygon | None = None,
                     centre: Point | None = None) -> Community:
    return _apply(Community(), {"name": name, "moos": moos or [], "boundary": boundary, "centre": centre})


@transaction.atomic
def community_update(*, community: Community, data: dict[str, Any]) -> Community:
    """Change the fields in `data` (keys: FIELDS). A new boundary without a centre gets one inside
    it (Community.clean)."""
    return _apply(community, dict(data))
