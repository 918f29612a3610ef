"""Coordinate checks the datasets share: WGS 84 inside Thailand, swapped lat/lon named as such."""

import pandas as pd
from django.utils.translation import gettext_lazy as _

from kernel.geo import MESSAGES, OUTSIDE, SWAPPED, THAILAND, inside_thailand


def check_lat_lon(parsed: pd.DataFrame, reject, lat: str = "lat", lon: str = "lon") -> pd.Series:
    """Reject half-given, swapped or out-of-country coordinates; True where a usable point is."""
    has_lat, has_lon = parsed[lat] != "", parsed[lon] != ""
    reject(has_lat != has_lon, lat if not has_lat.all() else lon,
           _("Give both latitude and longitude, or neither."))
    both = has_lat & has_lon
    y = pd.to_numeric(parsed[lat].where(both), errors="coerce")
    x = pd.to_numeric(parsed[lon].where(both), errors="coerce")
    inside = inside_thailand(y, x)
    swapped = both & ~inside & inside_thailand(x, y)
    reject(swapped, lat, MESSAGES[SWAPPED])
    reject(both & ~inside & ~swapped, lat, MESSAGES[OUTSIDE], **THAILAND.params())
    return both & inside
