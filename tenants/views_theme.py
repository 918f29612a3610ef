"""Theme pages: the editor (a municipality's admin on its host, the platform team on the console
for any municipality: the same form and service), its live preview, version restore, and the
theme files (logo, favicon) every host serves."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tenants.utils import get_public_schema_name

from accounts.decorators import permission_or_403

from .forms_theme import ThemeForm
from .models import Municipality
from .storage import platform_storage
from .theme import (
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

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
FOREVER = "public, max-age=31536000, immutable"


def editor_name(request) -> str:
    """Who saved, for public rows that cannot point at a per-schema user: `Name (user@schema)`."""
    user = request.user
    where = "platform" if request.tenant.is_platform else request.tenant.schema_name
    full = user.get_full_name().strip()
    return f"{full} ({user.username}@{where})" if full else f"{user.username}@{where}"


# --- Where each editor lives -------------------------------------------------------------------
class _Place:
    """URL names and arguments of one editor (tenant settings or console), so the views and
    templates below serve both."""

    def __init__(self, *, prefix: str, args: tuple = (), back: str, file_prefix: str):
        self.prefix, self.args, self.back, self.file_prefix = prefix, args, back, file_prefix

    def url(self, name: str, *extra) -> str:
        return reverse(f"{self.prefix}{name}", args=[*self.args, *extra])

    def file_url(self, field: str, version: int) -> str:
        return reverse(f"{self.file_prefix}{field}", args=[*self.args, version])


def _tenant_place():
    return _Place(prefix="settings:", back="home", file_prefix="theme:")


def _console_place(schema: str):
    return _Place(prefix="tenants:municipality-", args=(schema,), back="tenants:console",
                  file_prefix="tenants:municipality-theme-")


def _console_municipality(schema: str) -> Municipality:
    municipality = Municipality.objects.exclude(schema_name=get_public_schema_name()).filter(
        schema_name=schema
    ).first()
    if municipality is None:
        raise Http404
    return municipality


# --- Editor, preview, restore (shared bodies) --------------------------------------------------
def _current_files(theme, place) -> dict:
    return {
        field: place.file_url(field, theme.version) if getattr(theme, field).name else ""
        for field in ("logo", "favicon")
    }


def _editor(request, municipality: Municipality, place: _Place):
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
                _add_errors(form, error)
            else:
                messages.success(request, _("The theme was saved as version %(number)s.") % {
                    "number": theme.version})
                for warning in warnings.values():
                    messages.warning(request, warning)
                return redirect(place.url("theme"))
    else:
        form = ThemeForm(initial=ThemeForm.initial_from(theme))
    colours = {f: getattr(theme, f) for f in ThemeForm.COLOUR_FIELDS}
    if form.is_bound:
        colours.update({f: form.cleaned_data[f] for f in ThemeForm.COLOUR_FIELDS
                        if f in getattr(form, "cleaned_data", {})})
    versions = Paginator(theme_versions(municipality), 10).get_page(request.GET.get("page"))
    for version in versions:
        version.restore_url = place.url("theme-restore", version.number)
        version.swatches = [c for c in (str(version.snapshot.get(f, "")) for f in ThemeForm.COLOUR_FIELDS)
                            if HEX6.match(c)]
    files = _current_files(theme, place)
    warnings = contrast_warnings(colours)
    return render(request, "tenants/theme_editor.html", {
        "form": form,
        "target": municipality,
        "target_theme": theme,
        "colour_rows": [(form[f], warnings.get(f, "")) for f in ThemeForm.COLOUR_FIELDS],
        "warning_slots": [(f, warnings.get(f, "")) for f in ThemeForm.COLOUR_FIELDS],
        "versions": versions,
        "current_files": files,
        "preview_url": place.url("theme-preview"),
        "back_url": reverse(place.back),
        "on_console": request.tenant.is_platform,
        "preview": _preview_context(municipality, theme, _theme_values(theme), files),
    }, status=200)


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


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


def _preview(request, municipality: Municipality, place: _Place):
    """The sample header, buttons and card with the proposed values; saves nothing."""
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
    files = _current_files(theme, place)
    warnings = contrast_warnings(values)
    return render(request, "tenants/theme_preview.html", {
        "preview": _preview_context(municipality, theme, values, files, logo_src=logo_src, errors=errors),
        "warning_slots": [(f, warnings.get(f, "")) for f in ThemeForm.COLOUR_FIELDS],
        "oob": True,
    })


def _restore(request, municipality: Municipality, place: _Place, number: int):
    try:
        theme, warnings = theme_restore(
            municipality=municipality, version=number, editor=editor_name(request)
        )
    except ThemeError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Version %(old)s was restored as version %(number)s.") % {
            "old": number, "number": theme.version})
        for warning in warnings.values():
            messages.warning(request, warning)
    return redirect(place.url("theme"))


# --- A municipality's own settings (its host) --------------------------------------------------
@permission_or_403("accounts.customize_municipality")
@require_http_methods(["GET", "POST"])
def settings_theme(request):
    return _editor(request, request.tenant, _tenant_place())


@permission_or_403("accounts.customize_municipality")
@require_POST
def settings_theme_preview(request):
    return _preview(request, request.tenant, _tenant_place())


@permission_or_403("accounts.customize_municipality")
@require_POST
def settings_theme_restore(request, number: int):
    return _restore(request, request.tenant, _tenant_place(), number)


# --- The console (platform team, any municipality) ---------------------------------------------
@permission_or_403("accounts.use_console")
@require_http_methods(["GET", "POST"])
def console_theme(request, schema: str):
    return _editor(request, _console_municipality(schema), _console_place(schema))


@permission_or_403("accounts.use_console")
@require_POST
def console_theme_preview(request, schema: str):
    return _preview(request, _console_municipality(schema), _console_place(schema))


@permission_or_403("accounts.use_console")
@require_POST
def console_theme_restore(request, schema: str, number: int):
    return _restore(request, _console_municipality(schema), _console_place(schema), number)


@permission_or_403("accounts.use_console")
@require_GET
def console_theme_logo(request, schema: str, version: int):
    return _serve_file(_console_municipality(schema), "logo", version)


@permission_or_403("accounts.use_console")
@require_GET
def console_theme_favicon(request, schema: str, version: int):
    return _serve_file(_console_municipality(schema), "favicon", version)


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
