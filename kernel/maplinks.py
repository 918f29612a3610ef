"""Links that open a place in the phone's own maps app: "navigate there" for a volunteer on her
way to a house, "open in maps" for an engineer going to a request.

Google Maps' cross-platform URLs (https://developers.google.com/maps/documentation/urls): on
Android and iOS they open the Google Maps app when it is installed and the web page otherwise,
where a `geo:` URI works on Android only. Only the coordinates go into the link, never a name or
an address: the link ends up in the phone's history and in Google's logs.
"""

from urllib.parse import urlencode

BASE = "https://www.google.com/maps"


def _place(lat: float, lon: float) -> str:
    return f"{lat:.6f},{lon:.6f}"


def directions_url(lat: float, lon: float) -> str:
    """Directions from where the phone is to the point (the maps app asks how to travel)."""
    return f"{BASE}/dir/?{urlencode({'api': 1, 'destination': _place(lat, lon)})}"


def place_url(lat: float, lon: float) -> str:
    """The point on the map, with a pin."""
    return f"{BASE}/search/?{urlencode({'api': 1, 'query': _place(lat, lon)})}"
