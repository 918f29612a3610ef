"""The console's change-request inbox (namespace `tenants`, console host only)."""

from django.urls import path

from . import views_console_requests as views

urlpatterns = [
    path("inbox/", views.request_inbox, name="request-inbox"),
    path("inbox/<int:pk>/", views.request_detail, name="request-detail"),
    path("inbox/<int:pk>/files/<int:file_pk>/", views.request_attachment,
         name="request-attachment"),
]
