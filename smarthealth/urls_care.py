"""Care lists, their exports and the health map (included by smarthealth/urls.py)."""

from django.urls import path, re_path

from .views import care, maps

urlpatterns = [
    path("care/", care.care_lists, name="care-lists"),
    path("care/<slug:kind>/", care.care_list, name="care-list"),
    re_path(r"^care/(?P<kind>[-\w]+)/export\.(?P<fmt>csv|xlsx)$", care.care_export, name="care-export"),
    path("map/", maps.health_map, name="map"),
    path("map/tiles/<int:z>/<int:x>/<int:y>.mvt", maps.health_map_tile, name="map-tiles"),
    path("map/households/<int:pk>/", maps.health_map_popup, name="map-popup"),
]
