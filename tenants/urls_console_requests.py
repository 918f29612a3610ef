"""The console's change-request inbox (namespace `tenants`, console host only)."""

from django.urls import path

from . import views_console_requests as views

urlpatterns = [
    path("change-requests/", views.request_inbox, name="request-inbox"),
    path("change-requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("change-requests/<int:pk>/files/<int:file_pk>/", views.request_attachment,
         name="request-attachment"),
]
