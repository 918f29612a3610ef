"""What a municipality's components are made of: the modules and home-page widgets the apps
register in their AppConfig.ready(), so this app never imports a domain app.

- modules: `register_module(Module(key, label, nav_keys=…, url_namespaces=…, url_prefixes=…))`
  names a module's menu entries and URLs, so switching it off hides the entries
  (accounts.navigation) and answers 404 on its URLs (tenants.middleware_modules); e.g. the
  imports app registers itself in its own AppConfig.ready().
- widgets: `register_widget(Widget(key, label, module, template, context=callable(request) -> dict,
  permission=…, roles=(…)))`; the home page renders the municipality's layout of them for the
  reader's role, `roles` naming the roles whose home shows the widget until the admin chooses.
- set-up tasks: `register_setup_task(SetupTask(key, label, url_name, done=callable(request) -> bool,
  modules=…))`: what a new municipality still has to do, listed on the administrator's home.

Which of them a municipality uses, in which order, for which role, is its component settings
(tenants.services.components).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

WIDTHS = ("third", "half", "full")
WIDTH_LABELS = {"third": _("One third"), "half": _("Half"), "full": _("Full width")}


@dataclass(frozen=True)
class Module:
    key: str
    label: str
    nav_keys: tuple[str, ...] = ()
    url_namespaces: tuple[str, ...] = ()
    # Paths owned by this module even inside another module's namespace (the longest prefix
    # wins): service requests live under their asset module's path.
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
    # The roles (accounts.roles.Role values) whose home shows this widget until the municipality's
    # administrator chooses; `default_on` is the same for accounts without a role.
    roles: tuple[str, ...] = ()

    def __post_init__(self):
        if not set(self.widths) <= set(WIDTHS) or self.default_width not in self.widths:
            raise ValueError(f"widget {self.key}: widths must be among {WIDTHS} and include the default")


@dataclass(frozen=True)
class SetupTask:
    """One step of setting a municipality up (its boundary, its users, its first import…): listed
    on the administrator's home with a link to where it is done, ticked once `done(request)`."""

    key: str
    label: str
    url_name: str
    done: Callable  # callable(request) -> bool, one cheap query
    modules: tuple[str, ...] = ()  # the modules it belongs to: one that is off hides the task
    permission: str | None = None  # who may do it (the link is shown to them only)
    hint: str = ""
    detail: Callable | None = None  # callable(request) -> str: what is missing, while undone
    order: int = 100


_modules: dict[str, Module] = {}
_widgets: dict[str, Widget] = {}
_setup_tasks: dict[str, SetupTask] = {}


def register_module(module: Module) -> None:
    _modules[module.key] = module


def register_widget(widget: Widget) -> None:
    _widgets[widget.key] = widget


def register_setup_task(task: SetupTask) -> None:
    _setup_tasks[task.key] = task


def registered_setup_tasks() -> list[SetupTask]:
    return sorted(_setup_tasks.values(), key=lambda t: (t.order, t.key))


def registered_modules() -> list[Module]:
    return list(_modules.values())


def registered_widgets() -> list[Widget]:
    return sorted(_widgets.values(), key=lambda w: (w.order, w.key))


def get_module(key: str) -> Module | None:
    return _modules.get(key)


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
