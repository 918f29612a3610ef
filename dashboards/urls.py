from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("disaster/", views.disaster, name="disaster"),
    path("targets/", views.targets, name="targets"),
    path("refresh/", views.refresh, name="refresh"),
]
