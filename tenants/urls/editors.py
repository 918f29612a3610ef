"""The theme and components editors, one list of pages for both hosts (tenants.views.editing):
under /settings/ on a municipality's host (namespace `settings`), under
/municipalities/<schema>/ on the console (namespace `tenants`, names prefixed `municipality-`)."""

from django.urls import path

from ..views import components, line, theme
from ..views.editing import CONSOLE_NAME_PREFIX, CONSOLE_ROUTE_PREFIX

EDITOR_PAGES = (
    ("theme/", theme.theme_edit, "theme"),
    ("theme/preview/", theme.theme_preview, "theme-preview"),
    ("theme/versions/<int:number>/restore/", theme.theme_restore_view, "theme-restore"),
    ("components/", components.components_edit, "components"),
    ("components/preview/", components.components_preview, "components-preview"),
    ("components/versions/<int:number>/restore/", components.components_restore_view,
     "components-restore"),
    ("line/", line.line_edit, "line"),
)


def editor_urlpatterns(*, on_console: bool) -> list:
    if on_console:
        return [path(CONSOLE_ROUTE_PREFIX + route, view, name=CONSOLE_NAME_PREFIX + name)
                for route, view, name in EDITOR_PAGES]
    return [path(route, view, name=name) for route, view, name in EDITOR_PAGES]
