"""The asset map's search box: a selector (a read with its access check) beside selectors.py.

It reads through `selectors.assets_for`, so it finds exactly what the user may see on the map and
in the list, in the municipality's own schema only.
"""

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Lower, Replace

from kernel.text import spelling_key

from .models import Asset
from .selectors import assets_for

SEARCH_LIMIT = 10
# Abbreviations staff type for a street: "ถ.ราษฎร์บำรุง" finds "ถนนราษฎร์บำรุง".
STREET_ABBREVIATIONS = (("ถ.", "ถนน"), ("ซ.", "ซอย"))


def asset_search(user, *, q: str, limit: int = SEARCH_LIMIT) -> list[Asset]:
    """Assets the user may see whose code or name holds `q` — a road's name is its street, and
    the lights, drains and bins along a street are named after it —, spaces, case and Thai digits
    set aside. Best first: the exact code, codes starting with `q`, roads, the rest; by code."""
    key = spelling_key(q)
    if not key:
        return []
    keys = {key}
    for short, full in STREET_ABBREVIATIONS:
        if key.startswith(short):
            keys.add(full + key[len(short):])
    # Names compared without their spaces (Thai staff put them anywhere): an expression per row,
    # so a scan of the municipality's assets (thousands; 100,000 in bench/map).
    matches = Q()
    for k in keys:
        matches |= Q(code__icontains=k) | Q(name_key__contains=k)
    rank = Case(
        When(code__iexact=key, then=Value(0)),
        When(code__istartswith=key, then=Value(1)),
        When(asset_type="road", then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    found = (
        assets_for(user)
        .annotate(name_key=Lower(Replace(F("name"), Value(" "), Value(""))))
        .filter(matches)
        .annotate(rank=rank)
        .order_by("rank", "code")
        .only("id", "code", "name", "asset_type", "condition", "status", "geometry")
    )
    return list(found[:limit])
