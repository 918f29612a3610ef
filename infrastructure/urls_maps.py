"""The asset map and the map of open service requests, with their vector tiles and popups."""

from django.urls import path

from .views import maps

urlpatterns = [
    path("map/", maps.asset_map, name="asset-map"),
    path("map/tiles/<int:z>/<int:x>/<int:y>.mvt", maps.asset_tiles, name="asset-tiles"),
    path("map/base/<int:z>/<int:x>/<int:y>.mvt", maps.asset_base_tiles, name="asset-base-tiles"),
    path("map/counts/", maps.asset_map_counts, name="asset-map-counts"),
    path("map/search/", maps.asset_map_search, name="asset-map-search"),
    path("map/assets/<int:pk>/popup/", maps.asset_popup, name="asset-popup"),
    path("requests/map/", maps.request_map, name="request-map"),
    path("requests/map/tiles/<int:z>/<int:x>/<int:y>.mvt", maps.request_tiles, name="request-tiles"),
    path("requests/map/<int:pk>/popup/", maps.request_popup, name="request-popup"),
]
