"""Each municipality's components: which modules are on, its menu, its home-page dashboard.

The modules and widgets come from the registries the apps fill (tenants.registry). The stored
shapes live on ComponentSettings (public schema). Reading is lenient (a widget or module that
disappeared from the code is skipped); saving is strict (`components_validate`), and every save
writes a CustomizationVersion so any earlier state can be restored.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import navigation
from kernel.i18n import bilingual

from ..models import ComponentSettings, CustomizationVersion, Municipality
from ..registry import (
    WIDTH_LABELS,
    Widget,
    get_module,
    get_widget,
    nav_module,
    registered_modules,
    registered_widgets,
)

if TYPE_CHECKING:  # django-stubs-ext is a development requirement only
    from django_stubs_ext import StrOrPromise

LABEL_MAX_LENGTH = 40  # a menu label longer than this wraps badly on a phone


def _nav_items() -> list[navigation.NavItem]:
    return navigation.registered(scope="tenant")


def _widget(key: object) -> Widget | None:
    """The registered widget a stored or submitted entry names; None for anything else (only a
    string can name one)."""
    return get_widget(key) if isinstance(key, str) else None


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class Components:
    """One municipality's components, resolved against the registries: every module, every
    menu entry and every widget appears once, in the saved order with new ones at the end."""

    modules: dict[str, bool]
    navigation: list[dict[str, Any]]
    dashboard: list[dict[str, Any]]
    updated_by: str = ""
    updated_at: datetime | None = None
    saved: bool = False

    def module_on(self, key: str | None) -> bool:
        return key is None or self.modules.get(key, False)

    def nav_layout(self) -> list[dict[str, Any]]:
        """The menu customization in the shape accounts.navigation.items_for() takes."""
        return self.navigation

    @staticmethod
    def label_for(entry: dict[str, Any]) -> str:
        return nav_label(entry)

    def as_data(self) -> dict[str, Any]:
        """The stored shape (and the shape components_validate takes)."""
        return {
            "modules": dict(self.modules),
            "navigation": [
                {k: entry[k] for k in ("key", "label_th", "label_en", "hidden")} for entry in self.navigation
            ],
            "dashboard": [{k: entry[k] for k in ("widget", "width", "enabled")} for entry in self.dashboard],
        }


def _dashboard_entry(widget: Widget, width: str, enabled: bool) -> dict[str, Any]:
    return {
        "widget": widget.key, "width": width, "enabled": enabled,
        "label": widget.label, "module": widget.module, "widths": widget.widths,
    }


def resolve_components(
    modules: dict[str, Any], nav: list[Any], dashboard: list[Any], saved: bool = False
) -> Components:
    """Lenient: the stored JSON may hold anything, and what does not fit is skipped."""
    modules = modules if isinstance(modules, dict) else {}
    on: dict[str, bool] = {
        m.key: (modules[m.key] if isinstance(modules.get(m.key), bool) else m.default_on)
        for m in registered_modules()
    }
    items = {item.key: item for item in _nav_items()}
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in nav if isinstance(nav, list) else []:
        key = raw.get("key") if isinstance(raw, dict) else None
        if isinstance(key, str) and key in items and key not in seen:
            seen.add(key)
            entries.append({
                "key": key, "label_th": str(raw.get("label_th") or ""),
                "label_en": str(raw.get("label_en") or ""), "hidden": raw.get("hidden") is True,
            })
    entries += [
        {"key": key, "label_th": "", "label_en": "", "hidden": False} for key in items if key not in seen
    ]
    for entry in entries:
        entry["default_label"] = items[entry["key"]].label
        entry["module"] = nav_module(entry["key"])
        entry["off"] = not (entry["module"] is None or on.get(entry["module"], False))

    layout: list[dict[str, Any]] = []
    seen = set()
    if saved:
        for raw in dashboard if isinstance(dashboard, list) else []:
            widget = _widget(raw.get("widget")) if isinstance(raw, dict) else None
            if widget is None or widget.key in seen:
                continue
            seen.add(widget.key)
            width = raw.get("width") if raw.get("width") in widget.widths else widget.default_width
            layout.append(_dashboard_entry(widget, width, raw.get("enabled") is not False))
    # Widgets the saved layout does not know yet come last, switched off, so a new module's
    # widget never pushes itself onto a municipality's home page.
    layout += [
        _dashboard_entry(w, w.default_width, w.default_on and not saved)
        for w in registered_widgets() if w.key not in seen
    ]
    return Components(modules=on, navigation=entries, dashboard=layout, saved=saved)


def components_for(municipality: Municipality) -> Components:
    row = ComponentSettings.objects.filter(municipality=municipality).first()
    if row is None:
        return resolve_components({}, [], [])
    components = resolve_components(row.modules, row.navigation, row.dashboard, saved=True)
    components.updated_by, components.updated_at = row.updated_by, row.updated_at
    return components


def module_enabled(municipality: Municipality, key: str) -> bool:
    return components_for(municipality).module_on(key)


def nav_label(entry: dict[str, Any]) -> str:
    """The label a menu entry shows in the current language: the municipality's own, or the
    module's default."""
    own = entry.get("label_en") if (get_language() or "th").startswith("en") else entry.get("label_th")
    return own or str(entry["default_label"])


# --- Validating -------------------------------------------------------------------------------


class ComponentsError(Exception):
    """Bad component settings; `messages` are bilingual (Thai / English), one per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _module_label(key: str) -> str:
    module = get_module(key)
    return module.label if module else key


def components_validate(data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned stored shape, or ComponentsError listing every problem found."""
    errors: list[str] = []

    def error(message: "StrOrPromise", **params: Any) -> None:
        errors.append(bilingual(message, params or None))

    data = data if isinstance(data, dict) else {}
    raw_modules = data.get("modules") or {}
    modules: dict[str, bool] = {}
    for key, value in raw_modules.items() if isinstance(raw_modules, dict) else []:
        if get_module(key) is None:
            error(_("Unknown module “%(key)s”."), key=key)
        elif not isinstance(value, bool):
            error(_("The module “%(module)s” must be on or off."), module=_module_label(key))
        else:
            modules[key] = value
    modules = {m.key: modules.get(m.key, m.default_on) for m in registered_modules()}
    for module in registered_modules():
        for required in module.requires:
            if modules[module.key] and not modules.get(required, False):
                error(_("The module “%(module)s” needs the module “%(required)s”, which is off."),
                      module=module.label, required=_module_label(required))

    items = {item.key: item for item in _nav_items()}
    nav: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in data.get("navigation") or []:
        raw = raw if isinstance(raw, dict) else {}
        key = raw.get("key")
        if not isinstance(key, str) or key not in items:
            error(_("Unknown menu entry “%(key)s”."), key=key)
            continue
        label = items[key].label
        if key in seen:
            error(_("The menu entry “%(entry)s” appears twice."), entry=label)
            continue
        seen.add(key)
        hidden = raw.get("hidden") is True
        entry_module = nav_module(key)
        if entry_module and not modules[entry_module] and not hidden:
            error(_("The menu entry “%(entry)s” needs the module “%(module)s”, which is off. "
                    "Hide the entry or turn the module on."), entry=label, module=_module_label(entry_module))
        entry: dict[str, Any] = {"key": key, "hidden": hidden}
        for lang in ("th", "en"):
            text = " ".join(str(raw.get(f"label_{lang}") or "").split())
            if len(text) > LABEL_MAX_LENGTH:
                error(_("The label of “%(entry)s” is longer than %(max)s characters."),
                      entry=label, max=LABEL_MAX_LENGTH)
            entry[f"label_{lang}"] = text
        nav.append({k: entry[k] for k in ("key", "label_th", "label_en", "hidden")})

    dashboard: list[dict[str, Any]] = []
    seen = set()
    for raw in data.get("dashboard") or []:
        raw = raw if isinstance(raw, dict) else {}
        widget = _widget(raw.get("widget"))
        if widget is None:
            error(_("Unknown widget “%(key)s”."), key=raw.get("widget"))
            continue
        if widget.key in seen:
            error(_("The widget “%(widget)s” appears twice in the layout."), widget=widget.label)
            continue
        seen.add(widget.key)
        width = raw.get("width") or widget.default_width
        if width not in widget.widths:
            error(_("The widget “%(widget)s” cannot be “%(width)s” wide; choose one of: %(widths)s."),
                  widget=widget.label, width=WIDTH_LABELS.get(width, width),
                  widths=_WidthList(widget.widths))
        enabled = raw.get("enabled") is not False
        if enabled and widget.module and not modules.get(widget.module, False):
            error(_("The widget “%(widget)s” needs the module “%(module)s”, which is off."),
                  widget=widget.label, module=_module_label(widget.module))
        dashboard.append({"widget": widget.key, "width": width, "enabled": enabled})

    if errors:
        raise ComponentsError(errors)
    return {"modules": modules, "navigation": nav, "dashboard": dashboard}


class _WidthList:
    """The allowed widths, rendered in whichever language bilingual() is rendering."""

    def __init__(self, widths: tuple[str, ...]) -> None:
        self.widths = widths

    def __str__(self) -> str:
        return ", ".join(str(WIDTH_LABELS[w]) for w in self.widths)


# --- Saving -----------------------------------------------------------------------------------


def editor_name(user: AbstractUser | None) -> str:
    """How a public row names the person who changed it (users live per schema)."""
    if user is None:
        return ""
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def _next_version(municipality: Municipality) -> int:
    last = CustomizationVersion.objects.filter(
        municipality=municipality, kind=CustomizationVersion.Kind.COMPONENTS
    ).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


@transaction.atomic
def components_update(
    *, municipality: Municipality, data: dict[str, Any], editor: AbstractUser | None, note: str = ""
) -> CustomizationVersion | None:
    """Validate and save; returns the new version, or None when nothing changed.

    Raises ComponentsError, and then nothing is saved."""
    cleaned = components_validate(data)
    # Locking the row serialises two editors saving at once (version numbers stay unique).
    row, created = ComponentSettings.objects.select_for_update().get_or_create(municipality=municipality)
    current = resolve_components(row.modules, row.navigation, row.dashboard, saved=not created).as_data()
    if not created and current == cleaned:
        return None
    number = _next_version(municipality)
    if number == 1:
        # Keep the defaults as version 1, so even the first change can be undone.
        CustomizationVersion.objects.create(
            municipality=municipality, kind=CustomizationVersion.Kind.COMPONENTS, number=1,
            snapshot=current, note=bilingual(_("The settings before the first change")),
        )
        number = 2
    row.modules, row.navigation, row.dashboard = (
        cleaned["modules"], cleaned["navigation"], cleaned["dashboard"]
    )
    row.updated_by = editor_name(editor)
    row.save()
    return CustomizationVersion.objects.create(
        municipality=municipality, kind=CustomizationVersion.Kind.COMPONENTS, number=number,
        snapshot=cleaned, note=note[:200], created_by=row.updated_by,
    )


def components_versions(municipality: Municipality) -> QuerySet[CustomizationVersion]:
    return CustomizationVersion.objects.filter(
        municipality=municipality, kind=CustomizationVersion.Kind.COMPONENTS
    ).order_by("-number")


def components_restore(
    *, municipality: Municipality, number: int, editor: AbstractUser | None
) -> CustomizationVersion | None:
    """Save an earlier version again as a new version. A version may name a widget or module
    that no longer exists; those are left out, and the rest is validated as any save is.

    Raises CustomizationVersion.DoesNotExist for an unknown number, ComponentsError when the old
    state is no longer valid."""
    version = components_versions(municipality).get(number=number)
    snapshot = version.snapshot if isinstance(version.snapshot, dict) else {}
    raw_modules = snapshot.get("modules")
    modules = raw_modules if isinstance(raw_modules, dict) else {}
    nav_keys = {item.key for item in _nav_items()}
    data = {
        "modules": {k: v for k, v in modules.items() if get_module(k) is not None},
        "navigation": [
            e for e in snapshot.get("navigation") or [] if isinstance(e, dict) and e.get("key") in nav_keys
        ],
        "dashboard": [
            e for e in snapshot.get("dashboard") or []
            if isinstance(e, dict) and _widget(e.get("widget")) is not None
        ],
    }
    return components_update(
        municipality=municipality, data=data, editor=editor,
        note=bilingual(_("Restored version %(number)s"), {"number": number}),
    )


# --- The home page ----------------------------------------------------------------------------


def dashboard_for(request: HttpRequest, components: Components) -> list[dict[str, Any]]:
    """The widgets this user sees on the home page, in order: on, module on, permitted."""
    shown: list[dict[str, Any]] = []
    for entry in components.dashboard:
        widget = get_widget(entry["widget"])
        if widget is None:
            # resolve_components() builds the layout from the registry, which apps fill once at
            # start-up: a widget in it that is not registered is a bug, not a user's mistake.
            raise LookupError(f"dashboard entry names an unregistered widget: {entry['widget']!r}")
        if not entry["enabled"] or not components.module_on(widget.module):
            continue
        if widget.permission and not request.user.has_perm(widget.permission):
            continue
        shown.append({"widget": widget, "width": entry["width"]})
    return shown
