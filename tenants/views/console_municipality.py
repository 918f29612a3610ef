"""Console pages that change one municipality: create it (with its first administrator), edit it,
archive it and bring it back, delete it while it holds no data, and its administrators' password
links. A password link is shown once, in the response that made it: never in a redirect or a
flash message (those may sit in a cookie)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors

from ..forms.console import AdminAddForm, ConfirmNameForm, MunicipalityCreateForm, MunicipalityEditForm
from ..models import Municipality
from ..selectors import console_municipality_get
from ..services.console_audit import Actor
from ..services.first_admin import admin_link_issue, first_admin_create, municipality_admins, site_base
from ..services.lifecycle import (
    data_labels,
    municipality_archive,
    municipality_data_found,
    municipality_delete,
    municipality_onboard,
    municipality_unarchive,
    municipality_update,
)
from ..services.municipalities import MunicipalityError

CONSOLE = "accounts.use_console"


# A service names the model's fields; the forms show them here.
ALIASES = {"centre": "lat", "boundary": "boundary_file"}


def _link_base(request, municipality: Municipality | None = None, *, host: str = "") -> str:
    """The municipality's host with the scheme and port the platform team reaches the console on
    (under `make run`, http and port 8000)."""
    if municipality is not None:
        domain = municipality.primary_domain
        host = domain.domain if domain else settings.PLATFORM_DOMAIN
    return site_base(host=host, scheme=request.scheme, port=request.get_port())


def _map_context() -> dict:
    return {"tiles_url": settings.MAP_TILES_URL}


@never_cache
@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def municipality_create_view(request):
    form = MunicipalityCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            onboarded = municipality_onboard(
                actor=Actor.of(request.user), admin=form.first_admin(),
                base=_link_base(request, host=fields["domain"]), **fields,
            )
        except MunicipalityError as error:
            form_add_service_errors(form, error.as_validation_error(), aliases=ALIASES)
        else:
            return render(request, "tenants/municipality_created.html",
                          {"m": onboarded.municipality, "link": onboarded.link}, status=201)
    return render(request, "tenants/municipality_form.html", {"form": form, **_map_context()},
                  status=400 if form.errors else 200)


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def municipality_edit(request, schema):
    municipality = console_municipality_get(schema_name=schema)
    form = MunicipalityEditForm(request.POST or None, request.FILES or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            municipality_update(municipality=municipality, actor=Actor.of(request.user),
                                **form.service_fields())
        except MunicipalityError as error:
            form_add_service_errors(form, error.as_validation_error(), aliases=ALIASES)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": form.cleaned_data["name_th"]})
            return redirect("tenants:municipality-detail", schema=municipality.schema_name)
    return render(request, "tenants/municipality_edit.html",
                  {"m": municipality, "form": form, **_map_context()}, status=400 if form.errors else 200)


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def municipality_archive_view(request, schema):
    municipality = console_municipality_get(schema_name=schema)
    if request.method == "POST":
        try:
            if municipality.is_archived:
                municipality_unarchive(municipality=municipality, actor=Actor.of(request.user))
                messages.success(request, _("%(name)s is back from the archive.") % {
                    "name": municipality.name_th})
            else:
                municipality_archive(municipality=municipality, actor=Actor.of(request.user))
                messages.success(request, _("%(name)s was archived. Its data is kept.") % {
                    "name": municipality.name_th})
        except MunicipalityError as error:
            messages.error(request, str(error))
        return redirect("tenants:municipality-detail", schema=municipality.schema_name)
    return render(request, "tenants/municipality_archive.html", {"m": municipality})


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def municipality_delete_view(request, schema):
    municipality = console_municipality_get(schema_name=schema)
    form = ConfirmNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            municipality_delete(municipality=municipality, actor=Actor.of(request.user),
                                typed_name=form.cleaned_data["typed_name"])
        except MunicipalityError as error:
            form_add_service_errors(form, error.as_validation_error())
        else:
            messages.success(request, _("%(name)s was deleted.") % {"name": municipality.name_th})
            return redirect("tenants:console")
    return render(request, "tenants/municipality_delete.html", {
        "m": municipality, "form": form, "data_found": data_labels(municipality_data_found(municipality)),
    }, status=400 if form.errors else 200)


def _admins_page(request, municipality, *, form=None, link=None, status=200):
    return render(request, "tenants/municipality_admins.html", {
        "m": municipality, "admins": municipality_admins(municipality), "form": form or AdminAddForm(),
        "link": link,
    }, status=status)


@never_cache
@permission_or_403(CONSOLE)
def municipality_admins_view(request, schema):
    return _admins_page(request, console_municipality_get(schema_name=schema))


@never_cache
@permission_or_403(CONSOLE)
@require_POST
def municipality_admin_link(request, schema):
    """A new password link for an existing administrator, shown on this response only."""
    municipality = console_municipality_get(schema_name=schema)
    try:
        link = admin_link_issue(municipality=municipality, username=request.POST.get("username", ""),
                                base=_link_base(request, municipality), actor=Actor.of(request.user))
    except MunicipalityError as error:
        messages.error(request, str(error))
        return redirect("tenants:municipality-admins", schema=municipality.schema_name)
    return _admins_page(request, municipality, link=link)


@never_cache
@permission_or_403(CONSOLE)
@require_POST
def municipality_admin_add(request, schema):
    municipality = console_municipality_get(schema_name=schema)
    form = AdminAddForm(request.POST)
    if form.is_valid():
        try:
            link = first_admin_create(municipality=municipality, admin=form.first_admin(),
                                      base=_link_base(request, municipality), actor=Actor.of(request.user))
        except MunicipalityError as error:
            form_add_service_errors(form, error.as_validation_error())
        else:
            return _admins_page(request, municipality, link=link, status=201)
    return _admins_page(request, municipality, form=form, status=400)
