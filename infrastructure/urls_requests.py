"""Staff pages for service requests and SLA targets (namespace `infrastructure`)."""

from django.urls import path

from .views import request_actions as actions
from .views import requests as views
from .views import sla

urlpatterns = [
    path("requests/", views.request_list, name="request-list"),
    path("requests/export/", views.request_export, name="request-export"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/new/asset-suggestion/", views.request_asset_suggestion, name="request-asset-suggestion"),
    path("requests/sla/", sla.sla_settings, name="sla-settings"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/photo/", views.request_photo, name="request-photo"),
    path("requests/<int:pk>/photo/after/", views.request_photo_after, name="request-photo-after"),
    path("requests/<int:pk>/status/", actions.request_transition, name="request-transition"),
    path("requests/<int:pk>/assign/", actions.request_assign, name="request-assign"),
    path("requests/<int:pk>/take/", actions.request_take, name="request-take"),
    path("requests/<int:pk>/photo/add/", actions.request_photo_add, name="request-photo-add"),
    path("requests/<int:pk>/priority/", actions.request_priority, name="request-priority"),
    path("requests/<int:pk>/comment/", actions.request_comment, name="request-comment"),
    path("requests/<int:pk>/duplicate/", actions.request_duplicate, name="request-duplicate"),
    path("requests/<int:pk>/asset/", actions.request_link_asset, name="request-link-asset"),
    path("requests/<int:pk>/location/", actions.request_location, name="request-location"),
]
