"""The admin's open-data settings on a municipality's host (namespace `opendata_settings`,
under /settings/open-data/)."""

from django.urls import path

from . import views

app_name = "opendata_settings"
urlpatterns = [
    path("", views.settings_index, name="index"),
    path("<slug:kind>/", views.settings_edit, name="edit"),
    path("<slug:kind>/publish/", views.settings_publish, name="publish"),
    path("<slug:kind>/unpublish/", views.settings_unpublish, name="unpublish"),
]
