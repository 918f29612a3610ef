"""Any municipality's components, edited by the platform team (console, namespace `tenants`)."""

from django.urls import path

from . import views_components as views

urlpatterns = [
    path("municipalities/<slug:schema>/components/", views.console_components_edit,
         name="municipality-components"),
    path("municipalities/<slug:schema>/components/preview/", views.console_components_preview,
         name="municipality-components-preview"),
    path("municipalities/<slug:schema>/components/versions/<int:number>/restore/",
         views.console_components_restore, name="municipality-components-restore"),
]
