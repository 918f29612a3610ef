"""The asset registry pages (namespace `infrastructure`, included by infrastructure/urls.py)."""

from django.urls import path

from .views import assets, to_draw

urlpatterns = [
    path("assets/", assets.asset_list, name="asset-list"),
    path("assets/export/", assets.asset_export, name="asset-export"),
    path("assets/new/", assets.asset_create_view, name="asset-create"),
    path("assets/to-draw/", to_draw.asset_to_draw_list, name="asset-to-draw"),
    path("assets/<int:pk>/", assets.asset_detail, name="asset-detail"),
    path("assets/<int:pk>/edit/", assets.asset_update_view, name="asset-update"),
    path("assets/<int:pk>/photos/new/", assets.asset_photo_add_view, name="asset-photo-add"),
    path("assets/<int:pk>/photos/<int:photo_pk>/", assets.asset_photo, name="asset-photo"),
]
