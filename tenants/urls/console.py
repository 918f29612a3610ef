"""The console (platform host, schema `public`), namespace `tenants`: the municipalities, their
editors, the change-request inbox and the platform users."""

from django.urls import path

from ..views import (
    console,
    console_gazetteer,
    console_municipality,
    console_onboarding,
    console_placement,
    console_requests,
    platform_users,
    theme,
)
from .editors import editor_urlpatterns

app_name = "tenants"

urlpatterns = [
    path("", console.console, name="console"),
    path("municipalities/new/", console_municipality.municipality_create_view, name="municipality-create"),
    path("figures/refresh/", console.figures_refresh, name="figures-refresh"),
    path("gazetteer/districts/", console_gazetteer.districts, name="gazetteer-districts"),
    path("gazetteer/subdistricts/", console_gazetteer.subdistricts, name="gazetteer-subdistricts"),
    path("gazetteer/names/", console_gazetteer.names, name="gazetteer-names"),
    path("onboarding/", console_onboarding.onboarding, name="onboarding"),
    path("onboarding/<int:pk>/", console_onboarding.onboarding_run, name="onboarding-run"),
    path("municipalities/<slug:schema>/", console.municipality_detail, name="municipality-detail"),
    path("municipalities/<slug:schema>/refresh/", console.municipality_refresh,
         name="municipality-refresh"),
    path("municipalities/<slug:schema>/status/", console.municipality_status,
         name="municipality-status"),
    path("municipalities/<slug:schema>/edit/", console_municipality.municipality_edit,
         name="municipality-edit"),
    path("municipalities/<slug:schema>/archive/", console_municipality.municipality_archive_view,
         name="municipality-archive"),
    path("municipalities/<slug:schema>/delete/", console_municipality.municipality_delete_view,
         name="municipality-delete"),
    path("municipalities/<slug:schema>/move/", console_placement.municipality_move_view,
         name="municipality-move"),
    path("municipalities/<slug:schema>/admins/", console_municipality.municipality_admins_view,
         name="municipality-admins"),
    path("municipalities/<slug:schema>/admins/link/", console_municipality.municipality_admin_link,
         name="municipality-admin-link"),
    path("municipalities/<slug:schema>/admins/new/", console_municipality.municipality_admin_add,
         name="municipality-admin-add"),
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
