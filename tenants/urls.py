from django.urls import path

from . import views

app_name = "tenants"

urlpatterns = [
    path("", views.console, name="console"),
    path("municipalities/new/", views.municipality_create_view, name="municipality-create"),
]
