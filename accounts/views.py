import math
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kernel.personal import personal_data
from kernel.ratelimit import Verdict, rate_hit, rate_peek
from kernel.searches import search_load, search_store
from tenants.services.first_admin import admin_link_tokens

from .decorators import permission_or_403
from .forms import ApiTokenForm, PasswordResetByAdminForm, ProfileForm, UserCreateForm, UserUpdateForm
from .models import ApiToken, User
from .roles import MUNICIPAL_ROLES, Role
from .selectors import users_for_admin
from .services import AccountError, user_create, user_update
from .tokens import TokenError, api_token_create, api_token_revoke


def _profile_page(request, *, form=None, token_form=None, new_secret=None, status=200):
    return render(request, "accounts/profile.html", {
        "form": form or ProfileForm(instance=request.user),
        "token_form": token_form or ApiTokenForm(),
        "tokens": request.user.api_tokens.all(),
        "new_secret": new_secret,
        "now": timezone.now(),
    }, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return _profile_page(request, form=form, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["POST"])
def api_token_create_view(request):
    """The secret is shown once, in this response, and never stored: no redirect, no message
    (messages may sit in a cookie)."""
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        days = token_form.cleaned_data["days"]
        try:
            _token, secret = api_token_create(
                user=request.user, name=token_form.cleaned_data["name"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )
        except TokenError as error:
            token_form.add_error(None, str(error))
        else:
            return _profile_page(request, new_secret=secret, status=201)
    return _profile_page(request, token_form=token_form, status=400)


@login_required
@require_http_methods(["POST"])
def api_token_revoke_view(request, pk):
    # Only the owner's own tokens: another user's id is simply not found.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


USER_SEARCH_SCOPE = "accounts:user-list"


@personal_data  # staff names, e-mail addresses and phones
@permission_or_403("accounts.manage_users")
@require_http_methods(["GET", "POST"])
def user_list(request):
    """The search box posts: a person's name typed into it stays out of the URL (server logs,
    browser history). The list comes back at `?s=<random key>` (kernel.searches)."""
    role = (request.POST if request.method == "POST" else request.GET).get("role", "")
    if role not in {r.value for r in MUNICIPAL_ROLES}:
        role = ""
    if request.method == "POST":
        params = {"role": role} if role else {}
        if text := request.POST.get("q", "").strip()[:100]:
            params["s"] = search_store(request, scope=USER_SEARCH_SCOPE, query={"q": text})
        url = reverse("accounts:user-list")
        return redirect(f"{url}?{urlencode(params)}" if params else url)
    key = request.GET.get("s", "")
    query = search_load(request, scope=USER_SEARCH_SCOPE, key=key) or {}
    search = str(query.get("q", ""))
    page = Paginator(users_for_admin(search=search, role=role), 50).get_page(request.GET.get("page"))
    page_params = {**({"s": key} if query else {}), **({"role": role} if role else {})}
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "search": search, "role": role, "roles": MUNICIPAL_ROLES,
         "page_query": urlencode(page_params)},
    )


@permission_or_403("accounts.manage_users")
@require_http_methods(["GET", "POST"])
def user_create_view(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                username=data["username"], password=data["password"], role=Role(data["role"]),
                first_name=data["first_name"], last_name=data["last_name"],
                email=data["email"], phone=data["phone"], position=data["position"],
            )
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": user})
            return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


def _update_initial(user: User) -> dict:
    return {"role": user.role.value if user.role else "", "is_active": user.is_active}


@personal_data
@permission_or_403("accounts.manage_users")
@require_http_methods(["GET", "POST"])
def user_update_view(request, pk):
    user = get_object_or_404(User, pk=pk)
    form = UserUpdateForm(request.POST or None, instance=user, initial=_update_initial(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("first_name", "last_name", "email", "phone", "position")}
        try:
            user_update(
                user=user, acting_user=request.user, role=Role(data["role"]),
                is_active=data["is_active"], **fields,
            )
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("User %(name)s was saved.") % {"name": user})
            return redirect("accounts:user-list")
    password_form = PasswordResetByAdminForm(user=user)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "password_form": password_form, "subject": user, "creating": False},
    )


@permission_or_403("accounts.manage_users")
@require_http_methods(["POST"])
def user_password_reset(request, pk):
    user = get_object_or_404(User, pk=pk)
    form = PasswordResetByAdminForm(request.POST, user=user)
    if form.is_valid():
        user.set_password(form.cleaned_data["password"])
        user.save(update_fields=["password"])
        if user.pk == request.user.pk:
            update_session_auth_hash(request, user)
        messages.success(request, _("The password of %(name)s was changed.") % {"name": user})
        return redirect("accounts:user-update", pk=user.pk)
    update_form = UserUpdateForm(instance=user, initial=_update_initial(user))
    return render(
        request,
        "accounts/user_form.html",
        {"form": update_form, "password_form": form, "subject": user, "creating": False},
        status=400,
    )


# --- Signing in and changing the password: throttled ----------------------------------------
def _retry_minutes(verdict: Verdict) -> int:
    return max(1, math.ceil(verdict.retry_after / 60))


def _refused(view, form, verdict: Verdict, message: str):
    """The same page again, with `message` and nothing tried: 429 with Retry-After."""
    form.add_error(None, message)
    response = view.render_to_response(view.get_context_data(form=form))
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response


class SignInView(auth_views.LoginView):
    """django-axes locks one username at one address after AXES_FAILURE_LIMIT failures; it does
    not see one address trying a few passwords on many usernames (password spraying). This
    counts every failed sign-in per client address whatever the username (RATE_LIMITS
    "login-failure"), and refuses further tries from that address until the window ends. The
    limit is higher than axes' because a municipal office signs in from behind one address."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        verdict = rate_peek(request, "login-failure")
        if not verdict.allowed:
            return _refused(self, self.get_form(), verdict, _(
                "Too many failed sign-ins from your network. Try again in %(minutes)s minutes."
            ) % {"minutes": _retry_minutes(verdict)})
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        rate_hit(self.request, "login-failure")
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    """Signing out also empties what this site kept in the browser: the copy of the volunteer's
    households and her unsent visits (IndexedDB), the offline pages (Cache Storage), the service
    worker and the HTTP cache. README "ข้อมูลบนโทรศัพท์ / What the phone stores"."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class ThrottledPasswordChangeView(auth_views.PasswordChangeView):
    """The form checks the old password, so a session left open could be used to guess it:
    failed attempts are counted per user (RATE_LIMITS "password-change")."""

    template_name = "accounts/password_change.html"

    def _who(self) -> str:
        return f"user-{self.request.user.pk}"

    def post(self, request, *args, **kwargs):
        verdict = rate_peek(request, "password-change", who=self._who())
        if not verdict.allowed:
            return _refused(self, self.get_form(), verdict, _(
                "Too many failed attempts to change the password. Try again in %(minutes)s minutes."
            ) % {"minutes": _retry_minutes(verdict)})
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        rate_hit(self.request, "password-change", who=self._who())
        return super().form_invalid(form)


# --- The password link of a new administrator (tenants.services.first_admin) -----------------------
class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Where the one-time link the platform team hands over (or mails) lands, on the municipality's
    host: the person chooses their password, then signs in. Django's view keeps the token out of
    the address bar (and so out of the Referer header) once it is checked; an expired, used or
    altered link gets a page that says so."""

    token_generator = admin_link_tokens
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _(
            "Your password is set. Sign in with your username “%(username)s” and the new password."
        ) % {"username": form.user.get_username()})
        return response
