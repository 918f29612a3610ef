"""The navigation modules plug into: each app registers its entries in AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int
    scope: str  # "tenant" (municipality hosts) or "platform" (the console host)
    permission: str | None = None


_items: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        _items[item.key] = item


def registered(*, scope: str) -> list[NavItem]:
    """Every entry of this kind of host, in the default order."""
    return [item for item in sorted(_items.values(), key=lambda i: (i.order, i.key)) if item.scope == scope]


def items_for(*, user, scope: str, urlconf: str | None = None, layout: list[dict] | None = None,
              label: Callable[[dict], str] | None = None) -> list[dict]:
    """The entries this user may see on this kind of host, in order, with their URLs.

    `layout` is a municipality's own menu (tenants.registry): every entry in its order, with
    "hidden" and "off" (its module is switched off) flags; `label(entry)` gives its label."""
    visible = []
    items = registered(scope=scope)
    labels = {}
    if layout is not None:
        by_key = {item.key: item for item in items}
        shown = [e for e in layout if e["key"] in by_key and not e.get("hidden") and not e.get("off")]
        labels = {e["key"]: label(e) if label else by_key[e["key"]].label for e in shown}
        items = [by_key[e["key"]] for e in shown]
    for item in items:
        if item.permission and not user.has_perm(item.permission):
            continue
        # Entries are registered per scope, and `urlconf` is that kind of host's: every entry
        # left here has a URL, and one that does not is a bug to see, not an entry to drop.
        url = reverse(item.url_name, urlconf=urlconf)
        visible.append({"key": item.key, "label": labels.get(item.key, item.label), "url": url})
    return visible
