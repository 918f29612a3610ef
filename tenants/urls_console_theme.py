"""Any municipality's theme, edited by the platform team on the console."""

from django.urls import path

from . import views_theme

urlpatterns = [
    path("municipalities/<slug:schema>/theme/", views_theme.console_theme, name="municipality-theme"),
    path("municipalities/<slug:schema>/theme/preview/", views_theme.console_theme_preview,
         name="municipality-theme-preview"),
    path("municipalities/<slug:schema>/theme/versions/<int:number>/restore/",
         views_theme.console_theme_restore, name="municipality-theme-restore"),
    path("municipalities/<slug:schema>/theme/logo/<int:version>/", views_theme.console_theme_logo,
         name="municipality-theme-logo"),
    path("municipalities/<slug:schema>/theme/favicon/<int:version>/", views_theme.console_theme_favicon,
         name="municipality-theme-favicon"),
]
