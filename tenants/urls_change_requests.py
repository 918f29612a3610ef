"""A municipality's change requests to the platform team (municipality hosts, `/change-requests/`)."""

from django.urls import path

from . import views_change_requests as views

app_name = "changerequests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/", views.request_attachment, name="attachment"),
]
