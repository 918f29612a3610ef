"""The components editor: on a municipality's host for its admin (`settings:components`), and
on the console for the platform team, for any municipality (`tenants:municipality-components`).

The same page both ways; only the permission, the URLs and how the municipality is found differ.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403

from .components import (
    ComponentsError,
    components_for,
    components_restore,
    components_update,
    components_validate,
    components_versions,
    nav_label,
)
from .forms_components import ComponentsForm
from .models import CustomizationVersion, Municipality

CUSTOMIZE = "accounts.customize_municipality"
CONSOLE = "accounts.use_console"
VERSIONS_SHOWN = 30


def _tenant_urls(municipality) -> dict:
    return {
        "self": reverse("settings:components"),
        "preview": reverse("settings:components-preview"),
        "restore": "settings:components-restore",
        "restore_args": [],
    }


def _console_urls(municipality) -> dict:
    schema = municipality.schema_name
    return {
        "self": reverse("tenants:municipality-components", args=[schema]),
        "preview": reverse("tenants:municipality-components-preview", args=[schema]),
        "restore": "tenants:municipality-components-restore",
        "restore_args": [schema],
    }


def _console_municipality(schema: str) -> Municipality:
    municipalities = Municipality.objects.exclude(kind=Municipality.Kind.PLATFORM)
    return get_object_or_404(municipalities, schema_name=schema)


def _render(request, municipality, urls, form, *, preview=None):
    versions = list(components_versions(municipality)[:VERSIONS_SHOWN])
    for version in versions:
        version.restore_url = reverse(urls["restore"], args=[*urls["restore_args"], version.number])
    return render(request, "tenants/components_edit.html", {
        "municipality_edited": municipality,
        "form": form,
        "urls": urls,
        "versions": versions,
        "preview": preview if preview is not None else _preview_context(form),
        "on_console": request.tenant.is_platform,
    })


def _preview_context(form: ComponentsForm) -> dict:
    display = form.display
    nav = [
        {"label": nav_label(entry), "hidden": entry["hidden"], "off": entry["off"]}
        for entry in display.navigation
    ]
    widgets = [
        entry for entry in display.dashboard
        if entry["enabled"] and display.module_on(entry["module"])
    ]
    return {"nav": nav, "widgets": widgets, "errors": form.errors}


def _edit(request, municipality, urls):
    components = components_for(municipality)
    if request.method != "POST":
        return _render(request, municipality, urls, ComponentsForm(components))
    form = ComponentsForm(components, request.POST)
    if request.POST.get("move"):
        # An up/down button without JavaScript: show the new order, save nothing yet.
        form.move(request.POST["move"])
        return _render(request, municipality, urls, form)
    try:
        version = components_update(municipality=municipality, data=form.data, editor=request.user)
    except ComponentsError as error:
        form.errors = error.messages
        return _render(request, municipality, urls, form)
    if version is None:
        messages.info(request, _("Nothing changed."))
    else:
        messages.success(
            request, _("The components were saved as version %(number)s.") % {"number": version.number}
        )
    return redirect(urls["self"])


def _preview(request, municipality, urls):
    """Renders the posted settings (menu and a miniature of the home page) without saving."""
    form = ComponentsForm(components_for(municipality), request.POST)
    try:
        components_validate(form.data)
    except ComponentsError as error:
        form.errors = error.messages
    context = _preview_context(form)
    if request.htmx:
        return render(request, "tenants/components_preview.html", {"preview": context})
    return _render(request, municipality, urls, form, preview=context)


def _restore(request, municipality, urls, number: int):
    try:
        version = components_restore(municipality=municipality, number=number, editor=request.user)
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
    return redirect(urls["self"])


# --- A municipality's own host ----------------------------------------------------------------


@permission_or_403(CUSTOMIZE)
@require_http_methods(["GET", "POST"])
def components_edit(request):
    return _edit(request, request.tenant, _tenant_urls(request.tenant))


@permission_or_403(CUSTOMIZE)
@require_POST
def components_preview(request):
    return _preview(request, request.tenant, _tenant_urls(request.tenant))


@permission_or_403(CUSTOMIZE)
@require_POST
def components_restore_view(request, number: int):
    return _restore(request, request.tenant, _tenant_urls(request.tenant), number)


# --- The console ------------------------------------------------------------------------------


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def console_components_edit(request, schema: str):
    municipality = _console_municipality(schema)
    return _edit(request, municipality, _console_urls(municipality))


@permission_or_403(CONSOLE)
@require_POST
def console_components_preview(request, schema: str):
    municipality = _console_municipality(schema)
    return _preview(request, municipality, _console_urls(municipality))


@permission_or_403(CONSOLE)
@require_POST
def console_components_restore(request, schema: str, number: int):
    municipality = _console_municipality(schema)
    return _restore(request, municipality, _console_urls(municipality), number)
