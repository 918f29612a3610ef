"""The components editor on a municipality's host (namespace `settings`, under /settings/)."""

from django.urls import path

from . import views_components as views

urlpatterns = [
    path("components/", views.components_edit, name="components"),
    path("components/preview/", views.components_preview, name="components-preview"),
    path("components/versions/<int:number>/restore/", views.components_restore_view,
         name="components-restore"),
]
