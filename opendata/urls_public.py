"""The public open-data files and pages on a municipality's host (namespace `opendata`, under
/opendata/; no login). Stable URLs: harvesters and other sites link to them."""

from django.urls import path

from . import views_public as views

app_name = "opendata"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("catalog.jsonld", views.catalog_jsonld, name="catalog-jsonld"),
    path("data.json", views.data_json, name="data-json"),
    path("<slug:kind>/", views.dataset_page, name="dataset"),
    path("<slug:kind>.csv", views.dataset_csv, name="dataset-csv"),
    path("<slug:kind>.jsonld", views.dataset_jsonld, name="dataset-jsonld"),
]
