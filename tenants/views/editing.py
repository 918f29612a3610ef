"""One editor on two hosts. A municipality's admin edits its own theme and components on its host
(`settings:theme`, under /settings/); the platform team edits any municipality's on the console
(`tenants:municipality-theme`, under /municipalities/<schema>/). Each editor view is written once
against an `Editing`: `editor_view` checks who may edit on the host the request came to and
finds the municipality, and tenants.urls.editors routes the same views on both hosts, so a page
added to an editor exists on both or on neither.
"""

from dataclasses import dataclass
from functools import wraps

from django.urls import reverse

from accounts.decorators import permission_or_403

from ..models import Municipality
from ..selectors import console_municipality_get

CUSTOMIZE = "accounts.customize_municipality"
CONSOLE = "accounts.use_console"

# An editor page named `theme` on a municipality's host is `municipality-theme` on the console,
# one level down: the console's URL names one municipality among all.
CONSOLE_ROUTE_PREFIX = "municipalities/<slug:schema>/"
CONSOLE_NAME_PREFIX = "municipality-"


@dataclass(frozen=True)
class Editing:
    """The municipality an editor changes, and the host it is changed from."""

    municipality: Municipality
    on_console: bool

    def url(self, name: str, *args) -> str:
        """An editor page (`theme`, `components-restore`…) on this host, for this municipality."""
        if self.on_console:
            return reverse(f"tenants:{CONSOLE_NAME_PREFIX}{name}",
                           args=[self.municipality.schema_name, *args])
        return reverse(f"settings:{name}", args=args)

    @property
    def back_url(self) -> str:
        return reverse("tenants:console" if self.on_console else "home")


def editor_name(request) -> str:
    """Who saved, for public rows that cannot point at a per-schema user: `Name (user@schema)`."""
    user = request.user
    where = "platform" if request.tenant.is_platform else request.tenant.schema_name
    full = user.get_full_name().strip()
    return f"{full} ({user.username}@{where})" if full else f"{user.username}@{where}"


def editor_view(view):
    """`view(request, editing, **url_kwargs)` served on both hosts: on a municipality's host to
    whoever may customize it, for that municipality; on the console to the platform team, for
    the municipality the URL's `schema` names. Permission first (sign-in or 403), then 404."""

    @permission_or_403(CUSTOMIZE)
    def on_municipality_host(request, **kwargs):
        return view(request, Editing(municipality=request.tenant, on_console=False), **kwargs)

    @permission_or_403(CONSOLE)
    def on_console(request, *, schema: str, **kwargs):
        editing = Editing(municipality=console_municipality_get(schema_name=schema), on_console=True)
        return view(request, editing, **kwargs)

    @wraps(view)
    def dispatch(request, **kwargs):
        if request.tenant.is_platform:
            return on_console(request, **kwargs)
        return on_municipality_host(request, **kwargs)

    return dispatch
