"""The navigation modules plug into: each app registers its entries in AppConfig.ready()."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


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


def items_for(*, user, scope: str, urlconf: str | None = None) -> list[dict]:
    """The entries this user may see on this kind of host, in order, with their URLs."""
    visible = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.scope != scope:
            continue
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name, urlconf=urlconf)
        except NoReverseMatch:
            continue
        visible.append({"key": item.key, "label": item.label, "url": url})
    return visible
