"""The console (platform host, schema `public`), namespace `tenants`: the municipalities, their
editors, the change-request inbox and the platform users."""

from django.urls import path

from ..views import console, console_requests, platform_users, theme
from .editors import editor_urlpatterns

app_name = "tenants"

urlpatterns = [
    path("", console.console, name="console"),
    path("municipalities/new/", console.municipality_create_view, name="municipality-create"),
    path("figures/refresh/", console.figures_refresh, name="figures-refresh"),
    path("municipalities/<slug:schema>/", console.municipality_detail, name="municipality-detail"),
    path("municipalities/<slug:schema>/refresh/", console.municipality_refresh,
         name="municipality-refresh"),
    path("municipalities/<slug:schema>/status/", console.municipality_status,
         name="municipality-status"),
    path("platform-users/", platform_users.platform_user_list, name="platform-users"),
    path("platform-users/new/", platform_users.platform_user_create, name="platform-user-create"),
    path("platform-users/<int:pk>/", platform_users.platform_user_update, name="platform-user-update"),
    path("platform-users/<int:pk>/password/", platform_users.platform_user_password,
         name="platform-user-password"),
    # The same editors a municipality's admin has under /settings/, for any municipality.
    *editor_urlpatterns(on_console=True),
    path("municipalities/<slug:schema>/theme/logo/<int:version>/", theme.console_theme_logo,
         name="municipality-theme-logo"),
    path("municipalities/<slug:schema>/theme/favicon/<int:version>/", theme.console_theme_favicon,
         name="municipality-theme-favicon"),
    path("inbox/", console_requests.change_request_inbox, name="request-inbox"),
    path("inbox/<int:pk>/", console_requests.change_request_detail, name="request-detail"),
    path("inbox/<int:pk>/files/<int:file_pk>/", console_requests.change_request_attachment,
         name="request-attachment"),
]
