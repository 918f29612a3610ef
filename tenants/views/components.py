"""The components editor: on a municipality's host for its admin (`settings:components`), and
on the console for the platform team, for any municipality (`tenants:municipality-components`):
the same views through tenants.views.editing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms.components import ComponentsForm
from ..models import CustomizationVersion
from ..services.components import (
    ComponentsError,
    components_for,
    components_restore,
    components_update,
    components_validate,
    components_versions,
    nav_label,
)
from .editing import Editing, editor_view

VERSIONS_SHOWN = 30


def _render(request, editing: Editing, form, *, preview=None):
    versions = list(components_versions(editing.municipality)[:VERSIONS_SHOWN])
    for version in versions:
        version.restore_url = editing.url("components-restore", version.number)
    return render(request, "tenants/components_edit.html", {
        "municipality_edited": editing.municipality,
        "form": form,
        "urls": {"self": editing.url("components"), "preview": editing.url("components-preview")},
        "versions": versions,
        "preview": preview if preview is not None else _preview_context(form),
        "on_console": editing.on_console,
    })


def _preview_context(form: ComponentsForm) -> dict:
    display = form.display
    nav = [
        {"label": nav_label(entry), "hidden": entry["hidden"], "off": entry["off"]}
        for entry in display.navigation
    ]

    def shown(layout):
        return [entry for entry in layout if entry["enabled"] and display.module_on(entry["module"])]

    roles = [{"label": section["role"].label, "widgets": shown(display.roles[section["key"]])}
             for section in form.role_sections()]
    return {"nav": nav, "widgets": shown(display.dashboard), "roles": roles, "errors": form.errors}


@editor_view
@require_http_methods(["GET", "POST"])
def components_edit(request, editing: Editing):
    components = components_for(editing.municipality)
    if request.method != "POST":
        return _render(request, editing, ComponentsForm(components))
    form = ComponentsForm(components, request.POST)
    if request.POST.get("move"):
        # An up/down button without JavaScript: show the new order, save nothing yet.
        form.move(request.POST["move"])
        return _render(request, editing, form)
    try:
        version = components_update(municipality=editing.municipality, data=form.data, editor=request.user)
    except ComponentsError as error:
        form.errors = error.messages
        return _render(request, editing, form)
    if version is None:
        messages.info(request, _("Nothing changed."))
    else:
        messages.success(
            request, _("The components were saved as version %(number)s.") % {"number": version.number}
        )
    return redirect(editing.url("components"))


@editor_view
@require_POST
def components_preview(request, editing: Editing):
    """Renders the posted settings (menu and a miniature of the home page) without saving."""
    form = ComponentsForm(components_for(editing.municipality), request.POST)
    try:
        components_validate(form.data)
    except ComponentsError as error:
        form.errors = error.messages
    context = _preview_context(form)
    if request.htmx:
        return render(request, "tenants/components_preview.html", {"preview": context})
    return _render(request, editing, form, preview=context)


@editor_view
@require_POST
def components_restore_view(request, editing: Editing, number: int):
    try:
        version = components_restore(municipality=editing.municipality, number=number, editor=request.user)
    except CustomizationVersion.DoesNotExist:
        messages.error(request, _("There is no version %(number)s.") % {"number": number})
    except ComponentsError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if version is None:
            messages.info(request, _("Version %(number)s is what is in use already.") % {"number": number})
        else:
            messages.success(request, _("Version %(number)s was restored as version %(new)s.")
                             % {"number": number, "new": version.number})
    return redirect(editing.url("components"))
