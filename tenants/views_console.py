"""Console pages of the platform team (host localhost, schema public): a municipality's detail
and status, the figures refresh, and the platform users. The URLs exist only in the console's
urlconf, so a municipality host answers 404 for all of them."""

import logging

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from kombu.exceptions import OperationalError

from accounts.decorators import permission_or_403
from accounts.forms import PasswordResetByAdminForm
from accounts.models import User
from accounts.roles import Role
from accounts.selectors import users_for_admin
from accounts.services import AccountError, user_create, user_update

from .forms_console import MunicipalityStatusForm, PlatformUserCreateForm, PlatformUserUpdateForm
from .models import Municipality
from .selectors import municipality_place
from .services import MunicipalityError
from .services_console import municipality_set_active, platform_user_set_password
from .stats import figures_for_display, municipalities_to_refresh, stats_refresh
from .tasks import stats_refresh_everywhere

logger = logging.getLogger(__name__)
CONSOLE = "accounts.use_console"


def _municipality(schema: str) -> Municipality:
    return get_object_or_404(
        Municipality.objects.exclude(kind=Municipality.Kind.PLATFORM)
        .select_related("stats").prefetch_related("domains"),
        schema_name=schema,
    )


def _stats_of(municipality: Municipality):
    try:
        return municipality.stats
    except Municipality.stats.RelatedObjectDoesNotExist:
        return None


def _editor_url(url_name: str, schema: str) -> str | None:
    """Editors other parts of the console provide; linked only when their URL exists."""
    for kwargs in ({"args": [schema]}, {"kwargs": {"schema": schema}}, {"kwargs": {"schema_name": schema}}):
        try:
            return reverse(url_name, **kwargs)
        except NoReverseMatch:
            continue
    return None


def _actor(user: User) -> str:
    return f"{user.get_full_name() or user.username} ({user.username})"


@permission_or_403(CONSOLE)
def municipality_detail(request, schema):
    municipality = _municipality(schema)
    stats = _stats_of(municipality)
    return render(request, "tenants/municipality_detail.html", {
        "m": municipality,
        "place": municipality_place(municipality),
        "stats": stats,
        "figures": figures_for_display(stats),
        "theme_url": _editor_url("tenants:municipality-theme", municipality.schema_name),
        "components_url": _editor_url("tenants:municipality-components", municipality.schema_name),
    })


@permission_or_403(CONSOLE)
@require_POST
def municipality_refresh(request, schema):
    """One municipality's figures, counted now (a few COUNTs in its schema)."""
    municipality = _municipality(schema)
    stats_refresh(municipality=municipality)
    messages.success(request, _("The figures of %(name)s were refreshed.") % {"name": municipality.name_th})
    return redirect("tenants:municipality-detail", schema=municipality.schema_name)


@permission_or_403(CONSOLE)
@require_POST
def figures_refresh(request):
    """Every municipality's figures, by the workers: thousands of schemas do not fit a request."""
    try:
        stats_refresh_everywhere.delay()
    except OperationalError:
        logger.exception("could not enqueue the figures refresh")
        messages.error(request, _(
            "The task queue cannot be reached, so the figures were not refreshed. Try again in a "
            "few minutes, or refresh one municipality from its page."
        ))
    else:
        messages.success(request, _(
            "Refreshing the figures of %(count)d municipalities. Reload this page in a minute."
        ) % {"count": municipalities_to_refresh().count()})
    return redirect("tenants:console")


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def municipality_status(request, schema):
    municipality = _municipality(schema)
    form = MunicipalityStatusForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            municipality_set_active(
                municipality=municipality, is_active=form.is_active_wanted, actor=_actor(request.user)
            )
        except MunicipalityError as error:
            form.add_error(None, str(error))
        else:
            if municipality.is_active:
                messages.success(request, _("%(name)s is active again.") % {"name": municipality.name_th})
            else:
                messages.success(request, _("%(name)s is suspended.") % {"name": municipality.name_th})
            return redirect("tenants:municipality-detail", schema=municipality.schema_name)
    return render(request, "tenants/municipality_status.html", {"m": municipality, "form": form},
                  status=400 if form.errors else 200)


@permission_or_403(CONSOLE)
def platform_user_list(request):
    search = request.GET.get("q", "").strip()
    page = Paginator(users_for_admin(search=search), 50).get_page(request.GET.get("page"))
    return render(request, "tenants/platform_user_list.html", {"page": page, "search": search})


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def platform_user_create(request):
    form = PlatformUserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                username=data["username"], password=data["password"], role=Role.PLATFORM,
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                phone=data["phone"], position=data["position"],
            )
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": user})
            return redirect("tenants:platform-users")
    return render(request, "tenants/platform_user_form.html", {"form": form, "creating": True},
                  status=400 if form.errors else 200)


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def platform_user_update(request, pk):
    subject = get_object_or_404(User, pk=pk)
    form = PlatformUserUpdateForm(request.POST or None, instance=subject,
                                  initial={"is_active": subject.is_active})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_update(
                user=subject, acting_user=request.user, role=Role.PLATFORM, is_active=data["is_active"],
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
            )
        except AccountError as error:
            # The form wrote its values onto the instance; show the stored user again.
            subject.refresh_from_db()
            form.add_error(None, str(error))
        else:
            messages.success(request, _("User %(name)s was saved.") % {"name": subject})
            return redirect("tenants:platform-users")
    return render(request, "tenants/platform_user_form.html", {
        "form": form, "password_form": PasswordResetByAdminForm(user=subject), "subject": subject,
        "creating": False,
    }, status=400 if form.errors else 200)


@permission_or_403(CONSOLE)
@require_POST
def platform_user_password(request, pk):
    subject = get_object_or_404(User, pk=pk)
    form = PasswordResetByAdminForm(request.POST, user=subject)
    if form.is_valid():
        platform_user_set_password(user=subject, password=form.cleaned_data["password"])
        if subject.pk == request.user.pk:
            update_session_auth_hash(request, subject)
        messages.success(request, _("The password of %(name)s was changed.") % {"name": subject})
        return redirect("tenants:platform-user-update", pk=subject.pk)
    update_form = PlatformUserUpdateForm(instance=subject, initial={"is_active": subject.is_active})
    return render(request, "tenants/platform_user_form.html", {
        "form": update_form, "password_form": form, "subject": subject, "creating": False,
    }, status=400)
