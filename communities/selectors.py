"""Reads of the register: the list for drop-downs, and which community a place belongs to."""

from difflib import SequenceMatcher

from django.contrib.gis.geos import GEOSGeometry
from django.db.models import QuerySet

from kernel.text import spelling_key

from .models import Community

# The usual word in front of a community's name: two names that differ only by it are one place.
_PREFIX = spelling_key("ชุมชน")
NEAR_RATIO = 0.85  # how alike two names must be (difflib) to be proposed as the same community


def communities_all() -> QuerySet[Community]:
    return Community.objects.all()


def community_names() -> list[str]:
    """The register's names, sorted: the drop-downs of filters."""
    return list(Community.objects.order_by("name").values_list("name", flat=True))


def _probe(geometry: GEOSGeometry) -> GEOSGeometry:
    """The point of a shape that stands for it: a line's point on the line, an area's inside it."""
    return geometry if geometry.geom_type == "Point" else geometry.point_on_surface


def community_covering(geometry: GEOSGeometry | None) -> Community | None:
    """The community whose boundary covers the place (the first by name where two overlap)."""
    if geometry is None or geometry.empty:
        return None
    point = _probe(geometry)
    if point.srid is None:
        point.srid = 4326
    return Community.objects.filter(boundary__covers=point).order_by("name").first()


def _bare(key: str) -> str:
    return key[len(_PREFIX):] if key.startswith(_PREFIX) and len(key) > len(_PREFIX) else key


def community_match(name: str, *, register: list[Community] | None = None) -> tuple[Community | None, str]:
    """The register's community a free-text name means, and how it was found: "exact" (the
    same letters, whatever the spaces or case, with or without the word ชุมชน), "near" (a
    likely typo, to be confirmed) or "" (none)."""
    register = list(Community.objects.all()) if register is None else register
    key = spelling_key(name)
    if not key:
        return None, ""
    for community in register:
        if community.key == key or _bare(community.key) == _bare(key):
            return community, "exact"
    best, best_ratio = None, 0.0
    for community in register:
        ratio = SequenceMatcher(None, _bare(community.key), _bare(key)).ratio()
        if ratio > best_ratio:
            best, best_ratio = community, ratio
    if best is not None and best_ratio >= NEAR_RATIO:
        return best, "near"
    return None, ""


def community_named(name: str) -> Community | None:
    """The register's community of this name, whatever the spaces or case; None when unknown."""
    key = spelling_key(name)
    if not key:
        return None
    for community in Community.objects.all():
        if community.key == key:
            return community
    return None
