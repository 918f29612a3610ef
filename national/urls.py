"""Console URLs (public schema only: included from cityplatform/urls_public.py)."""

from django.urls import path

from . import views

app_name = "national"

urlpatterns = [
    path("", views.table, name="table"),
    path("indicators.csv", views.table_csv, name="table-csv"),
    path("indicators.xlsx", views.table_xlsx, name="table-xlsx"),
    path("map/", views.map_view, name="map"),
    path("trends/", views.trends, name="trends"),
    path("publish/", views.publish, name="publish"),
]
