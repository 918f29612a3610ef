"""Console: municipalities' detail, status and figures; platform users (all need use_console)."""

from django.urls import path

from . import views_console

urlpatterns = [
    path("figures/refresh/", views_console.figures_refresh, name="figures-refresh"),
    path("municipalities/<slug:schema>/", views_console.municipality_detail, name="municipality-detail"),
    path("municipalities/<slug:schema>/refresh/", views_console.municipality_refresh,
         name="municipality-refresh"),
    path("municipalities/<slug:schema>/status/", views_console.municipality_status,
         name="municipality-status"),
    path("platform-users/", views_console.platform_user_list, name="platform-users"),
    path("platform-users/new/", views_console.platform_user_create, name="platform-user-create"),
    path("platform-users/<int:pk>/", views_console.platform_user_update, name="platform-user-update"),
    path("platform-users/<int:pk>/password/", views_console.platform_user_password,
         name="platform-user-password"),
]
