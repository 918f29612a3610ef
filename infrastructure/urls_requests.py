"""Staff pages for service requests and SLA targets (namespace `infrastructure`)."""

from django.urls import path

from .views import requests as views

urlpatterns = [
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/new/asset-suggestion/", views.request_asset_suggestion, name="request-asset-suggestion"),
    path("requests/sla/", views.sla_settings, name="sla-settings"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/photo/", views.request_photo, name="request-photo"),
    path("requests/<int:pk>/status/", views.request_transition, name="request-transition"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request-assign"),
    path("requests/<int:pk>/priority/", views.request_priority, name="request-priority"),
    path("requests/<int:pk>/comment/", views.request_comment, name="request-comment"),
    path("requests/<int:pk>/duplicate/", views.request_duplicate, name="request-duplicate"),
    path("requests/<int:pk>/asset/", views.request_link_asset, name="request-link-asset"),
]
