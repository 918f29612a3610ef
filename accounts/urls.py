from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"

# Shared by the console host and every municipality host: each serves its own schema's users.
auth_urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path(
        "password/",
        views.ThrottledPasswordChangeView.as_view(success_url=reverse_lazy("accounts:password-change-done")),
        name="password-change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password-change-done",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.api_token_create_view, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="token-revoke"),
]

# Municipality hosts only: the municipal administrator manages the municipality's users.
urlpatterns = auth_urlpatterns + [
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create_view, name="user-create"),
    path("users/<int:pk>/", views.user_update_view, name="user-update"),
    path("users/<int:pk>/password/", views.user_password_reset, name="user-password-reset"),
    # The one-time link of a new administrator (tenants.services.first_admin).
    path("welcome/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password-set"),
]
