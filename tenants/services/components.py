"""Each municipality's components: which modules are on, its menu, its home pages (one layout of
widgets per role, and one for accounts without a role).

The modules and widgets come from the registries the apps fill (tenants.registry). The stored
shapes live on ComponentSettings (public schema). Reading is lenient (a widget or module that
disappeared from the code is skipped); saving is strict (`components_validate`), and every save
writes a CustomizationVersion so any earlier state can be restored.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import navigation
from accounts.roles import MUNICIPAL_ROLES, Role, granted
from kernel.i18n import bilingual, in_active_language

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
# The roles that get a home page of their own (stored by their value).
HOME_ROLES: tuple[Role, ...] = MUNICIPAL_ROLES


def _nav_items() -> list[navigation.NavItem]:
    return navigation.registered(scope="tenant")


def _widget(key: object) -> Widget | None:
    """The registered widget a stored or submitted entry names; None for anything else (only a
    string can name one)."""
    return get_widget(key) if isinstance(key, str) else None


def widget_readable_by(widget: Widget, role: str) -> bool:
    """Whether people of `role` may read the widget at all: a widget the role could never see is
    not offered on that role's home page."""
    return widget.permission is None or widget.permission in granted(Role(role))


def _role_widgets(role: str) -> list[Widget]:
    """The widgets the role may read: the role's defaults first, each group in registry order."""
    readable = [w for w in registered_widgets() if widget_readable_by(w, role)]
    return sorted(readable, key=lambda w: role not in w.roles)  # sorted() keeps the order within


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class Components:
    """One municipality's components, resolved against the registries: every module, every
    menu entry and every widget appears once, in the saved order with new ones at the end."""

    modules: dict[str, bool]
    navigation: list[dict[str, Any]]
    dashboard: list[dict[str, Any]]  # accounts without a role (e.g. a superuser)
    roles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # role value → layout
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
            "dashboard": _stored_layout(self.dashboard),
            "roles": {role: _stored_layout(layout) for role, layout in self.roles.items()},
        }

    def layout_for(self, role: str | None) -> list[dict[str, Any]]:
        """The home-page layout of a role (None or an unknown role: the one for no role)."""
        return self.roles.get(role, self.dashboard) if role else self.dashboard


def _stored_layout(layout: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: entry[k] for k in ("widget", "width", "enabled")} for entry in layout]


def _dashboard_entry(widget: Widget, width: str, enabled: bool) -> dict[str, Any]:
    return {
        "widget": widget.key, "width": width, "enabled": enabled,
        "label": widget.label, "module": widget.module, "widths": widget.widths,
    }


def _resolve_layout(raw: Any, widgets: list[Widget], *, saved: bool, default_on) -> list[dict[str, Any]]:
    """A stored layout over `widgets` (those it may hold): the saved entries in order, then the
    widgets it does not know yet. Those come switched off in a saved layout, so a new module's
    widget never pushes itself onto a home page; in the defaults, `default_on(widget)` decides."""
    allowed = {w.key for w in widgets}
    layout: list[dict[str, Any]] = []
    seen: set[str] = set()
    if saved:
        for entry in raw if isinstance(raw, list) else []:
            widget = _widget(entry.get("widget")) if isinstance(entry, dict) else None
            if widget is None or widget.key in seen or widget.key not in allowed:
                continue
            seen.add(widget.key)
            width = entry.get("width") if entry.get("width") in widget.widths else widget.default_width
            layout.append(_dashboard_entry(widget, width, entry.get("enabled") is not False))
    layout += [
        _dashboard_entry(w, w.default_width, default_on(w) and not saved)
        for w in widgets if w.key not in seen
    ]
    return layout


def resolve_components(
    modules: dict[str, Any], nav: list[Any], dashboard: list[Any], saved: bool = False,
    roles: Any = None,
) -> Components:
    """Lenient: the stored JSON may hold anything, and what does not fit is skipped. A role
    missing from `roles` has its default home page."""
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

    layout = _resolve_layout(dashboard, registered_widgets(), saved=saved, default_on=lambda w: w.default_on)
    roles = roles if isinstance(roles, dict) else {}
    role_layouts = {
        role.value: _resolve_layout(
            roles.get(role.value), _role_widgets(role.value), saved=isinstance(roles.get(role.value), list),
            default_on=lambda w, role=role.value: role in w.roles,
        )
        for role in HOME_ROLES
    }
    return Components(modules=on, navigation=entries, dashboard=layout, roles=role_layouts, saved=saved)


def components_for(municipality: Municipality) -> Components:
    row = ComponentSettings.objects.filter(municipality=municipality).first()
    if row is None:
        return resolve_components({}, [], [])
    components = resolve_components(row.modules, row.navigation, row.dashboard, saved=True,
                                    roles=row.role_dashboards)
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
    """Bad component settings; `messages`, one per problem, read in the language active where
    they are shown (kernel.i18n.in_active_language)."""

    def __init__(self, messages: list["StrOrPromise"]) -> None:
        super().__init__("; ".join(str(message) for message in messages))
        self.messages = messages


def _module_label(key: str) -> str:
    module = get_module(key)
    return module.label if module else key


def components_validate(data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned stored shape, or ComponentsError listing every problem found."""
    errors: list[StrOrPromise] = []

    def error(message: "StrOrPromise", **params: Any) -> None:
        errors.append(in_active_language(message, params or None))

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

    dashboard = _validate_layout(data.get("dashboard"), modules, error)
    roles: dict[str, list[dict[str, Any]]] = {}
    raw_roles = data.get("roles") or {}
    for key, layout in raw_roles.items() if isinstance(raw_roles, dict) else []:
        if key not in Role.values or Role(key) not in HOME_ROLES:
            error(_("Unknown role “%(key)s”."), key=key)
            continue
        roles[key] = _validate_layout(layout, modules, error, role=key)

    if errors:
        raise ComponentsError(list(dict.fromkeys(errors)))  # the same problem on two pages: once
    return {"modules": modules, "navigation": nav, "dashboard": dashboard, "roles": roles}


def _validate_layout(raw_layout: Any, modules: dict[str, bool], error, *, role: str | None = None
                     ) -> list[dict[str, Any]]:
    """One home page's layout, cleaned (the accounts without a role when `role` is None)."""
    layout: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in raw_layout if isinstance(raw_layout, list) else []:
        raw = raw if isinstance(raw, dict) else {}
        widget = _widget(raw.get("widget"))
        if widget is None:
            error(_("Unknown widget “%(key)s”."), key=raw.get("widget"))
            continue
        if widget.key in seen:
            if role:
                error(_("The widget “%(widget)s” appears twice on the home page of %(role)s."),
                      widget=widget.label, role=Role(role).label)
            else:
                error(_("The widget “%(widget)s” appears twice in the layout."), widget=widget.label)
            continue
        seen.add(widget.key)
        enabled = raw.get("enabled") is not False
        if role and not widget_readable_by(widget, role):
            if enabled:
                error(_("The widget “%(widget)s” cannot be on the home page of %(role)s: that role may "
                        "not read it."), widget=widget.label, role=Role(role).label)
            continue  # switched off, it is simply not part of that role's page
        width = raw.get("width") or widget.default_width
        if width not in widget.widths:
            error(_("The widget “%(widget)s” cannot be “%(width)s” wide; choose one of: %(widths)s."),
                  widget=widget.label, width=WIDTH_LABELS.get(width, width),
                  widths=_WidthList(widget.widths))
        # A role's page keeps a widget of a module that is off (it shows once the module is on
        # again): switching a module off must not mean unticking it on every role's page.
        if enabled and not role and widget.module and not modules.get(widget.module, False):
            error(_("The widget “%(widget)s” needs the module “%(module)s”, which is off."),
                  widget=widget.label, module=_module_label(widget.module))
        layout.append({"widget": widget.key, "width": width, "enabled": enabled})
    return layout


class _WidthList:
    """The allowed widths, rendered in whichever language is active when the message is read."""

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
    stored_roles = row.role_dashboards if isinstance(row.role_dashboards, dict) else {}
    current_components = resolve_components(row.modules, row.navigation, row.dashboard, saved=not created,
                                            roles=stored_roles)
    current = current_components.as_data()
    if "roles" not in data:
        # Settings that say nothing of the roles' home pages leave them as they are.
        cleaned["roles"] = {role: current["roles"][role] for role in stored_roles if role in current["roles"]}
    after = resolve_components(cleaned["modules"], cleaned["navigation"], cleaned["dashboard"], saved=True,
                               roles=cleaned["roles"]).as_data()
    if not created and current == after:
        return None
    number = _next_version(municipality)
    if number == 1:
        # Keep the defaults as version 1, so even the first change can be undone.
        CustomizationVersion.objects.create(
            municipality=municipality, kind=CustomizationVersion.Kind.COMPONENTS, number=1,
            snapshot=current, note=bilingual(_("The settings before the first change")),
        )
        number = 2
    row.modules, row.navigation, row.dashboard, row.role_dashboards = (
        cleaned["modules"], cleaned["navigation"], cleaned["dashboard"], cleaned["roles"]
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
        "dashboard": _known_widgets(snapshot.get("dashboard")),
        # A version saved before the roles had home pages of their own restores their defaults.
        "roles": {
            role: _known_widgets(layout) for role, layout in _dict(snapshot.get("roles")).items()
            if role in {r.value for r in HOME_ROLES}
        },
    }
    return components_update(
        municipality=municipality, data=data, editor=editor,
        note=bilingual(_("Restored version %(number)s"), {"number": number}),
    )


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _known_widgets(layout: Any) -> list[dict[str, Any]]:
    return [e for e in layout or [] if isinstance(e, dict) and _widget(e.get("widget")) is not None]


# --- The home page ----------------------------------------------------------------------------


def dashboard_for(request: HttpRequest, components: Components) -> list[dict[str, Any]]:
    """The widgets this user sees on the home page, in order: their role's layout (the one for
    accounts without a role otherwise), widgets on, module on, permitted."""
    role = getattr(request.user, "role", None)
    shown: list[dict[str, Any]] = []
    for entry in components.layout_for(role.value if role else None):
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

