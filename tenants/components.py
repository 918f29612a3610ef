"""Each municipality's components: which modules are on, its menu, its home-page dashboard.

Two registries, filled by the apps themselves in their AppConfig.ready() (this app never imports
a domain app):

- modules: `register_module(Module(key, label, nav_keys=…, url_namespaces=…, url_prefixes=…))`
  names a module's menu entries and URLs, so switching it off hides the entries
  (accounts.navigation) and answers 404 on its URLs (tenants.middleware_modules); e.g. the
  imports app registers itself in its own AppConfig.ready().
- widgets: `register_widget(Widget(key, label, module, template, context=callable(request) -> dict,
  permission=…))`; the home page renders the municipality's layout of them.

The stored shapes live on ComponentSettings (public schema). Reading is lenient (a widget or
module that disappeared from the code is skipped); saving is strict (`components_validate`), and
every save writes a CustomizationVersion so any earlier state can be restored.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import navigation
from kernel.i18n import bilingual

from .models import ComponentSettings, CustomizationVersion, Municipality

WIDTHS = ("third", "half", "full")
WIDTH_LABELS = {"third": _("One third"), "half": _("Half"), "full": _("Full width")}
LABEL_MAX_LENGTH = 40  # a menu label longer than this wraps badly on a phone


# --- The registries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    key: str
    label: str
    nav_keys: tuple[str, ...] = ()
    url_namespaces: tuple[str, ...] = ()
    # Paths owned by this module even inside another module's namespace (the longest prefix
    # wins): service requests live under /infrastructure/requests/.
    url_prefixes: tuple[str, ...] = ()
    default_on: bool = True
    requires: tuple[str, ...] = ()  # modules that must be on for this one to make sense
    description: str = ""


@dataclass(frozen=True)
class Widget:
    key: str
    label: str
    module: str | None  # None: part of the platform itself, always available
    template: str
    context: Callable | None = None  # callable(request) -> dict, cheap queries only
    permission: str | None = None
    default_width: str = "half"
    widths: tuple[str, ...] = WIDTHS
    default_on: bool = True
    order: int = 100  # position in the default layout
    leaflet: bool = False  # the home page then loads Leaflet
    scripts: tuple[str, ...] = ()  # static JS files the widget needs (CSP: no inline scripts)

    def __post_init__(self):
        if not set(self.widths) <= set(WIDTHS) or self.default_width not in self.widths:
            raise ValueError(f"widget {self.key}: widths must be among {WIDTHS} and include the default")


_modules: dict[str, Module] = {}
_widgets: dict[str, Widget] = {}


def register_module(module: Module) -> None:
    _modules[module.key] = module


def register_widget(widget: Widget) -> None:
    _widgets[widget.key] = widget


def registered_modules() -> list[Module]:
    return list(_modules.values())


def registered_widgets() -> list[Widget]:
    return sorted(_widgets.values(), key=lambda w: (w.order, w.key))


def get_widget(key: str) -> Widget | None:
    return _widgets.get(key)


def nav_module(nav_key: str) -> str | None:
    """The module a menu entry belongs to (None: the platform's own entries, always there)."""
    for module in _modules.values():
        if nav_key in module.nav_keys:
            return module.key
    return None


def module_for_path(path: str, namespaces: list[str]) -> str | None:
    """The module that owns a URL: the longest matching url_prefix, else its URL namespace."""
    best, best_length = None, -1
    for module in _modules.values():
        for prefix in module.url_prefixes:
            if path.startswith(prefix) and len(prefix) > best_length:
                best, best_length = module.key, len(prefix)
    if best is not None:
        return best
    if namespaces:
        for module in _modules.values():
            if namespaces[0] in module.url_namespaces:
                return module.key
    return None


def _nav_items():
    return navigation.registered(scope="tenant")


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class Components:
    """One municipality's components, resolved against the registries: every module, every
    menu entry and every widget appears once, in the saved order with new ones at the end."""

    modules: dict[str, bool]
    navigation: list[dict]
    dashboard: list[dict]
    updated_by: str = ""
    updated_at: datetime | None = None
    saved: bool = False

    def module_on(self, key: str | None) -> bool:
        return key is None or self.modules.get(key, False)

    def nav_layout(self) -> list[dict]:
        """The menu customization in the shape accounts.navigation.items_for() takes."""
        return self.navigation

    @staticmethod
    def label_for(entry: dict) -> str:
        return nav_label(entry)

    def as_data(self) -> dict:
        """The stored shape (and the shape components_validate takes)."""
        return {
            "modules": dict(self.modules),
            "navigation": [
                {k: entry[k] for k in ("key", "label_th", "label_en", "hidden")} for entry in self.navigation
            ],
            "dashboard": [{k: entry[k] for k in ("widget", "width", "enabled")} for entry in self.dashboard],
        }


def resolve_components(modules: dict, nav: list, dashboard: list, saved: bool = False) -> Components:
    modules = modules if isinstance(modules, dict) else {}
    on = {
        m.key: (modules[m.key] if isinstance(modules.get(m.key), bool) else m.default_on)
        for m in _modules.values()
    }
    items = {item.key: item for item in _nav_items()}
    entries, seen = [], set()
    for raw in nav if isinstance(nav, list) else []:
        key = raw.get("key") if isinstance(raw, dict) else None
        if key in items and key not in seen:
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

    layout, seen = [], set()
    if saved:
        for raw in dashboard if isinstance(dashboard, list) else []:
            widget = _widgets.get(raw.get("widget")) if isinstance(raw, dict) else None
            if widget is None or widget.key in seen:
                continue
            seen.add(widget.key)
            width = raw.get("width") if raw.get("width") in widget.widths else widget.default_width
            layout.append({"widget": widget.key, "width": width, "enabled": raw.get("enabled") is not False})
    # Widgets the saved layout does not know yet come last, switched off, so a new module's
    # widget never pushes itself onto a municipality's home page.
    layout += [
        {"widget": w.key, "width": w.default_width, "enabled": w.default_on and not saved}
        for w in registered_widgets() if w.key not in seen
    ]
    for entry in layout:
        widget = _widgets[entry["widget"]]
        entry["label"] = widget.label
        entry["module"] = widget.module
        entry["widths"] = widget.widths
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


def nav_label(entry: dict) -> str:
    """The label a menu entry shows in the current language: the municipality's own, or the
    module's default."""
    own = entry.get("label_en") if (get_language() or "th").startswith("en") else entry.get("label_th")
    return own or str(entry["default_label"])


# --- Validating -------------------------------------------------------------------------------


class ComponentsError(Exception):
    """Bad component settings; `messages` are bilingual (Thai / English), one per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def _module_label(key: str) -> str:
    return _modules[key].label if key in _modules else key


def components_validate(data: dict) -> dict:
    """The cleaned stored shape, or ComponentsError listing every problem found."""
    errors: list[str] = []

    def error(message, **params):
        errors.append(bilingual(message, params or None))

    data = data if isinstance(data, dict) else {}
    raw_modules = data.get("modules") or {}
    modules = {}
    for key, value in raw_modules.items() if isinstance(raw_modules, dict) else []:
        if key not in _modules:
            error(_("Unknown module “%(key)s”."), key=key)
        elif not isinstance(value, bool):
            error(_("The module “%(module)s” must be on or off."), module=_module_label(key))
        else:
            modules[key] = value
    modules = {m.key: modules.get(m.key, m.default_on) for m in _modules.values()}
    for module in _modules.values():
        for required in module.requires:
            if modules[module.key] and not modules.get(required, False):
                error(_("The module “%(module)s” needs the module “%(required)s”, which is off."),
                      module=module.label, required=_module_label(required))

    items = {item.key: item for item in _nav_items()}
    nav, seen = [], set()
    for raw in data.get("navigation") or []:
        raw = raw if isinstance(raw, dict) else {}
        key = raw.get("key")
        if key not in items:
            error(_("Unknown menu entry “%(key)s”."), key=key)
            continue
        label = items[key].label
        if key in seen:
            error(_("The menu entry “%(entry)s” appears twice."), entry=label)
            continue
        seen.add(key)
        hidden = raw.get("hidden") is True
        module = nav_module(key)
        if module and not modules[module] and not hidden:
            error(_("The menu entry “%(entry)s” needs the module “%(module)s”, which is off. "
                    "Hide the entry or turn the module on."), entry=label, module=_module_label(module))
        entry = {"key": key, "hidden": hidden}
        for lang in ("th", "en"):
            text = " ".join(str(raw.get(f"label_{lang}") or "").split())
            if len(text) > LABEL_MAX_LENGTH:
                error(_("The label of “%(entry)s” is longer than %(max)s characters."),
                      entry=label, max=LABEL_MAX_LENGTH)
            entry[f"label_{lang}"] = text
        nav.append({k: entry[k] for k in ("key", "label_th", "label_en", "hidden")})

    dashboard, seen = [], set()
    for raw in data.get("dashboard") or []:
        raw = raw if isinstance(raw, dict) else {}
        widget = _widgets.get(raw.get("widget"))
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

    def __init__(self, widths):
        self.widths = widths

    def __str__(self):
        return ", ".join(str(WIDTH_LABELS[w]) for w in self.widths)


# --- Saving -----------------------------------------------------------------------------------


def editor_name(user) -> str:
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
    *, municipality: Municipality, data: dict, editor, note: str = ""
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


def components_versions(municipality: Municipality):
    return CustomizationVersion.objects.filter(
        municipality=municipality, kind=CustomizationVersion.Kind.COMPONENTS
    ).order_by("-number")


def components_restore(*, municipality: Municipality, number: int, editor) -> CustomizationVersion | None:
    """Save an earlier version again as a new version. A version may name a widget or module
    that no longer exists; those are left out, and the rest is validated as any save is.

    Raises CustomizationVersion.DoesNotExist for an unknown number, ComponentsError when the old
    state is no longer valid."""
    version = components_versions(municipality).get(number=number)
    snapshot = version.snapshot if isinstance(version.snapshot, dict) else {}
    modules = snapshot.get("modules") if isinstance(snapshot.get("modules"), dict) else {}
    nav_keys = {item.key for item in _nav_items()}
    data = {
        "modules": {k: v for k, v in modules.items() if k in _modules},
        "navigation": [
            e for e in snapshot.get("navigation") or [] if isinstance(e, dict) and e.get("key") in nav_keys
        ],
        "dashboard": [
            e for e in snapshot.get("dashboard") or [] if isinstance(e, dict) and e.get("widget") in _widgets
        ],
    }
    return components_update(
        municipality=municipality, data=data, editor=editor,
        note=bilingual(_("Restored version %(number)s"), {"number": number}),
    )


# --- The home page ----------------------------------------------------------------------------


def dashboard_for(request, components: Components) -> list[dict]:
    """The widgets this user sees on the home page, in order: on, module on, permitted."""
    shown = []
    for entry in components.dashboard:
        widget = _widgets[entry["widget"]]
        if not entry["enabled"] or not components.module_on(widget.module):
            continue
        if widget.permission and not request.user.has_perm(widget.permission):
            continue
        shown.append({"widget": widget, "width": entry["width"]})
    return shown
