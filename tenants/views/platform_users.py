"""The console's platform users: the platform team's own accounts in `public`."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403
from accounts.forms import PasswordResetByAdminForm
from accounts.models import User
from accounts.roles import Role
from accounts.selectors import users_for_admin
from accounts.services import AccountError, user_create, user_update

from ..forms.console import PlatformUserCreateForm, PlatformUserUpdateForm
from ..services.platform_users import platform_user_set_password

CONSOLE = "accounts.use_console"


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
