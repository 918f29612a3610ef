"""The theme editor of a municipality's admin, on its own host (under /settings/)."""

from django.urls import path

from . import views_theme

urlpatterns = [
    path("theme/", views_theme.settings_theme, name="theme"),
    path("theme/preview/", views_theme.settings_theme_preview, name="theme-preview"),
    path("theme/versions/<int:number>/restore/", views_theme.settings_theme_restore, name="theme-restore"),
]
