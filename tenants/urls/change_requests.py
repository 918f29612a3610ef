"""A municipality's change requests to the platform team (municipality hosts, `/change-requests/`)."""

from django.urls import path

from ..views import change_requests as views

app_name = "changerequests"
urlpatterns = [
    path("", views.change_request_list, name="list"),
    path("new/", views.change_request_create, name="create"),
    path("<int:pk>/", views.change_request_detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/", views.change_request_attachment, name="attachment"),
]
