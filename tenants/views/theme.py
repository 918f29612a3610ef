"""Theme pages: the editor (a municipality's admin on its host, the platform team on the console
for any municipality: the same views through tenants.views.editing), its live preview, version
restore, and the theme files (logo, favicon) every host serves."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors

from ..forms.theme import ThemeForm
from ..models import Municipality
from ..selectors import console_municipality_get
from ..services.theme import (
    CONTENT_TYPES,
    HEX6,
    ThemeError,
    contrast_warnings,
    file_kind,
    header_class,
    normalise_colour,
    theme_css,
    theme_for,
    theme_restore,
    theme_update,
    theme_validate,
    theme_versions,
)
from ..storage import platform_storage
from .editing import CONSOLE, Editing, editor_name, editor_view

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
FOREVER = "public, max-age=31536000, immutable"


def _file_url(editing: Editing, field: str, version: int) -> str:
    # A municipality's host serves its own files to anyone (the sign-in page shows the logo);
    # the console serves any municipality's, to the platform team only.
    if editing.on_console:
        return editing.url(f"theme-{field}", version)
    return reverse(f"theme:{field}", args=[version])


def _current_files(theme, editing: Editing) -> dict:
    return {
        field: _file_url(editing, field, theme.version) if getattr(theme, field).name else ""
        for field in ("logo", "favicon")
    }


@editor_view
@require_http_methods(["GET", "POST"])
def theme_edit(request, editing: Editing):
    municipality = editing.municipality
    theme = theme_for(municipality)
    if request.method == "POST":
        form = ThemeForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                theme, warnings = theme_update(
                    municipality=municipality, data=data,
                    files={"logo": data.get("logo"), "favicon": data.get("favicon")},
                    editor=editor_name(request),
                )
            except ThemeError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("The theme was saved as version %(number)s.") % {
                    "number": theme.version})
                for warning in warnings.values():
                    messages.warning(request, warning)
                return redirect(editing.url("theme"))
    else:
        form = ThemeForm(initial=ThemeForm.initial_from(theme))
    colours = {f: getattr(theme, f) for f in ThemeForm.COLOUR_FIELDS}
    if form.is_bound:
        colours.update({f: form.cleaned_data[f] for f in ThemeForm.COLOUR_FIELDS
                        if f in getattr(form, "cleaned_data", {})})
    versions = Paginator(theme_versions(municipality), 10).get_page(request.GET.get("page"))
    for version in versions:
        version.restore_url = editing.url("theme-restore", version.number)
        version.swatches = [c for c in (str(version.snapshot.get(f, "")) for f in ThemeForm.COLOUR_FIELDS)
                            if HEX6.match(c)]
    files = _current_files(theme, editing)
    warnings = contrast_warnings(colours)
    return render(request, "tenants/theme_editor.html", {
        "form": form,
        "target": municipality,
        "target_theme": theme,
        "colour_rows": [(form[f], warnings.get(f, "")) for f in ThemeForm.COLOUR_FIELDS],
        "warning_slots": [(f, warnings.get(f, "")) for f in ThemeForm.COLOUR_FIELDS],
        "versions": versions,
        "current_files": files,
        "preview_url": editing.url("theme-preview"),
        "back_url": editing.back_url,
        "on_console": editing.on_console,
        "preview": _preview_context(municipality, theme, _theme_values(theme), files),
    }, status=200)


def _theme_values(theme) -> dict:
    return {f: getattr(theme, f) for f in (
        "primary_color", "secondary_color", "accent_color", "base_font_size", "header_style",
        "display_name_th", "display_name_en")}


def _preview_context(municipality, theme, values: dict, files: dict, *, logo_src: str | None = None,
                     errors: list | None = None) -> dict:
    return {
        "css": theme_css(values),
        "header_class": header_class(values.get("header_style") or ""),
        "name_th": values.get("display_name_th") or municipality.name_th,
        "name_en": values.get("display_name_en") or municipality.name_en,
        "monogram": municipality.monogram,
        "logo_src": files.get("logo", "") if logo_src is None else logo_src,
        "errors": errors or [],
    }


@editor_view
@require_POST
def theme_preview(request, editing: Editing):
    """The sample header, buttons and card with the proposed values; saves nothing."""
    municipality = editing.municipality
    theme = theme_for(municipality)
    values = _theme_values(theme)
    errors, logo_src = [], None
    try:
        checked, pending, removals = theme_validate(data=request.POST, files=request.FILES)
        values.update(checked)
    except ThemeError as error:
        pending, removals = {}, []
        errors = [message for messages_ in error.message_dict.values() for message in messages_]
        # Show every value that is fine; keep the saved one where the new one is wrong.
        for field in ThemeForm.COLOUR_FIELDS:
            try:
                values[field] = normalise_colour(request.POST.get(field, ""))
            except ValidationError:
                pass
        for field in ("header_style", "display_name_th", "display_name_en"):
            if field not in error.message_dict and field in request.POST:
                values[field] = request.POST[field].strip()[:200]
    if "logo" in pending:
        encoded = base64.b64encode(pending["logo"].content).decode("ascii")
        logo_src = f"data:{CONTENT_TYPES[pending['logo'].kind]};base64,{encoded}"
    elif "logo" in removals:
        logo_src = ""
    files = _current_files(theme, editing)
    warnings = contrast_warnings(values)
    return render(request, "tenants/theme_preview.html", {
        "preview": _preview_context(municipality, theme, values, files, logo_src=logo_src, errors=errors),
        "warning_slots": [(f, warnings.get(f, "")) for f in ThemeForm.COLOUR_FIELDS],
        "oob": True,
    })


@editor_view
@require_POST
def theme_restore_view(request, editing: Editing, number: int):
    try:
        theme, warnings = theme_restore(
            municipality=editing.municipality, version=number, editor=editor_name(request)
        )
    except ThemeError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Version %(old)s was restored as version %(number)s.") % {
            "old": number, "number": theme.version})
        for warning in warnings.values():
            messages.warning(request, warning)
    return redirect(editing.url("theme"))


# --- The console's copy of a municipality's theme files (platform team only) -------------------
@permission_or_403(CONSOLE)
@require_GET
def console_theme_logo(request, schema: str, version: int):
    return _serve_file(console_municipality_get(schema_name=schema), "logo", version)


@permission_or_403(CONSOLE)
@require_GET
def console_theme_favicon(request, schema: str, version: int):
    return _serve_file(console_municipality_get(schema_name=schema), "favicon", version)


# --- Theme files, on every host, no sign-in (the sign-in page shows the logo) ------------------
def _serve_file(municipality: Municipality, field: str, version: int):
    if version:
        snapshot = (
            theme_versions(municipality).filter(number=version).values_list("snapshot", flat=True).first()
        )
        name = (snapshot or {}).get(field) or ""
    else:  # a theme saved without a version (not through theme_update): never cached for long
        name = getattr(theme_for(municipality), field).name or ""
    kind = file_kind(name)
    # Only files this municipality's theme stored, of a kind we checked on upload.
    if not name.startswith(f"themes/{municipality.schema_name}/") or kind not in CONTENT_TYPES:
        raise Http404
    try:
        handle = platform_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=CONTENT_TYPES[kind])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = FOREVER if version else "no-cache"
    if kind == "svg":
        # Opened on its own, an SVG is a document: no script, no outside loads, whatever it holds.
        response["Content-Security-Policy"] = SVG_CSP
    return response


@require_GET
def theme_logo(request, version: int):
    return _serve_file(request.tenant, "logo", version)


@require_GET
def theme_favicon(request, version: int):
    return _serve_file(request.tenant, "favicon", version)
