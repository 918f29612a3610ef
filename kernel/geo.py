"""Thailand on the map: one box for every "is this place in Thailand?" check.

Forms, services, the import engine, the citizens' page, Open311 and the console all ask it; they
must agree on every edge value, or a household saved through a form is refused by the import.

The box is the extent of the 77 provinces' boundaries (../shared/data/thai-admin/provinces.geojson:
longitude 97.344–105.637, latitude 5.613–20.465) widened by about 0.05° (5 km) on each side and
rounded outwards, so GPS drift at a border town, a pin on a border river and the islands are
inside. A box also holds bits of the neighbours: the municipality's own boundary is what catches
a pin in the wrong place (infrastructure.validators.validate_near_municipality).
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lat: Any, lon: Any) -> Any:
        """Whether (lat, lon) is inside: plain numbers give a bool; pandas Series or numpy arrays
        give an element-wise mask (NaN is outside)."""
        return ((lat >= self.min_lat) & (lat <= self.max_lat)
                & (lon >= self.min_lon) & (lon <= self.max_lon))

    def contains_extent(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> bool:
        return bool(self.contains(min_lat, min_lon) and self.contains(max_lat, max_lon))

    def as_tuple(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat): the order of PostGIS, GeoJSON and Leaflet."""
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    def params(self) -> dict[str, float]:
        return {"min_lon": self.min_lon, "min_lat": self.min_lat,
                "max_lon": self.max_lon, "max_lat": self.max_lat}


THAILAND = BBox(min_lon=97.29, min_lat=5.56, max_lon=105.69, max_lat=20.52)

# The two ways a point fails, as codes (forms and the import key their messages on them).
SWAPPED, OUTSIDE = "swapped", "outside"
MESSAGES = {
    SWAPPED: _("The location is outside Thailand: latitude and longitude look swapped."),
    OUTSIDE: _("The location is outside Thailand (longitude %(min_lon)s–%(max_lon)s, "
               "latitude %(min_lat)s–%(max_lat)s)."),
}


def inside_thailand(lat: Any, lon: Any) -> Any:
    """THAILAND.contains: a bool for numbers, a mask for Series / arrays."""
    return THAILAND.contains(lat, lon)


def location_problem(lat: float, lon: float) -> str | None:
    """None when (lat, lon) is in Thailand; SWAPPED when (lon, lat) would be; else OUTSIDE."""
    if THAILAND.contains(lat, lon):
        return None
    return SWAPPED if THAILAND.contains(lon, lat) else OUTSIDE


def extent_problem(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> str | None:
    """location_problem for a whole shape's extent (all of it must be in Thailand)."""
    if THAILAND.contains_extent(min_lon, min_lat, max_lon, max_lat):
        return None
    return SWAPPED if THAILAND.contains_extent(min_lat, min_lon, max_lat, max_lon) else OUTSIDE


def location_error(problem: str) -> ValidationError:
    """The ValidationError for a problem code (code `geometry_swapped` / `geometry_outside`)."""
    return ValidationError(MESSAGES[problem], params=THAILAND.params() if problem == OUTSIDE else None,
                           code=f"geometry_{problem}")


def validate_lat_lon(lat: float, lon: float) -> None:
    """Raise location_error unless (lat, lon) is in Thailand."""
    if problem := location_problem(lat, lon):
        raise location_error(problem)
