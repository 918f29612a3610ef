"""The register's forms: a community (name, moo numbers, boundary drawn or uploaded, centre), and
the drop-down every other form uses to choose one."""

import json
import re

from django import forms
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget

from kernel.geo import extent_problem, location_error, location_problem
from kernel.text import ascii_digits

from .models import Community

MAX_GEOJSON_BYTES = 2 * 1024 * 1024
GEOJSON_TYPES = ".geojson,.json,application/geo+json,application/json"
_MOOS = re.compile(r"^\d{1,2}(\s*[,\s]\s*\d{1,2})*$")


class CommunityChoiceField(forms.ModelChoiceField):
    """A community from the register: a drop-down, never free text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Community"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("— not chosen —"))
        kwargs.setdefault("error_messages", {"invalid_choice": _("Choose a community from the register.")})
        # Named by the name (unique in the register): readable in the page and in a posted form.
        super().__init__(queryset=Community.objects.order_by("name"), to_field_name="name", **kwargs)


def _polygons(geometry: GEOSGeometry) -> list:
    if geometry.geom_type == "Polygon":
        return [geometry]
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [part for inner in geometry for part in _polygons(inner)]
    return []


def as_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    """Every polygon of a drawn or uploaded shape as one boundary; lines and points are refused."""
    polygons = _polygons(geometry)
    if not polygons:
        raise ValidationError(_("The boundary must be an area (polygon)."))
    boundary = MultiPolygon(*[GEOSGeometry(p.wkb, srid=4326) for p in polygons], srid=4326)
    if not boundary.valid:
        raise ValidationError(_("The boundary crosses itself: draw it again."))
    return boundary


def parse_geojson(text: str) -> GEOSGeometry:
    """A FeatureCollection, a Feature or a bare geometry, in WGS 84 longitude / latitude."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ValidationError(_("The file is not GeoJSON.")) from error
    if not isinstance(data, dict):
        raise ValidationError(_("The file is not GeoJSON."))
    if data.get("type") == "FeatureCollection":
        shapes = [f.get("geometry") for f in data.get("features") or [] if isinstance(f, dict)]
    elif data.get("type") == "Feature":
        shapes = [data.get("geometry")]
    else:
        shapes = [data]
    parts = []
    try:
        for shape in shapes:
            if shape:
                parts.extend(_polygons(GEOSGeometry(json.dumps(shape), srid=4326)))
    except (GEOSException, ValueError, TypeError) as error:
        raise ValidationError(_("The file is not GeoJSON.")) from error
    if not parts:
        raise ValidationError(_("The file holds no area (polygon)."))
    return MultiPolygon(*[GEOSGeometry(p.wkb, srid=4326) for p in parts], srid=4326)


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    moos = forms.CharField(
        label=_("Moo numbers"), required=False, max_length=200,
        help_text=_("The village numbers (moo) of this community, separated by commas, e.g. 3, 4."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    boundary = forms.CharField(
        label=_("Boundary"), required=False,
        help_text=_("Draw the community's area on the map (optional). Households, assets and "
                    "requests inside it belong to this community."),
    )
    boundary_file = forms.FileField(
        label=_("Or upload the boundary (GeoJSON)"), required=False,
        help_text=_("A .geojson file with the area in longitude / latitude (WGS 84); it replaces the "
                    "drawing."),
        widget=forms.ClearableFileInput(attrs={"accept": GEOJSON_TYPES}),
    )
    clear_boundary = forms.BooleanField(label=_("Remove the boundary"), required=False)
    centre_lat = forms.DecimalField(label=_("Centre latitude"), required=False, max_digits=9,
                                    decimal_places=6)
    centre_lon = forms.DecimalField(label=_("Centre longitude"), required=False, max_digits=10,
                                    decimal_places=6)

    def __init__(self, *args, instance: Community | None = None, centre=None, csp_nonce=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {
                "name": instance.name, "moos": ", ".join(str(m) for m in instance.moos),
                "boundary": instance.boundary.geojson if instance.boundary else "",
                "centre_lat": round(instance.centre.y, 6) if instance.centre else None,
                "centre_lon": round(instance.centre.x, 6) if instance.centre else None,
            })
        super().__init__(*args, **kwargs)
        overrides = {"DEFAULT_ZOOM": 14}
        if centre is not None:
            overrides["DEFAULT_CENTER"] = (centre.y, centre.x)
        widget = LeafletWidget(attrs={"geom_type": "MULTIPOLYGON", "settings_overrides": overrides})
        widget.csp_nonce = csp_nonce  # django-leaflet's inline scripts run with this request's nonce
        self.fields["boundary"].widget = widget
        for name in ("centre_lat", "centre_lon"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean_moos(self) -> list[int]:
        text = ascii_digits(self.cleaned_data["moos"]).strip().strip(",")
        if not text:
            return []
        if not _MOOS.match(text):
            raise ValidationError(_("Write the moo numbers as numbers separated by commas, e.g. 3, 4."))
        moos = sorted({int(n) for n in re.split(r"[,\s]+", text) if n})
        if any(not 1 <= moo <= 98 for moo in moos):
            raise ValidationError(_("A moo number is between 1 and 98."))
        return moos

    def clean_boundary_file(self):
        upload = self.cleaned_data.get("boundary_file")
        if not upload:
            return None
        if upload.size > MAX_GEOJSON_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("The file is not GeoJSON.")) from error
        return as_multipolygon(parse_geojson(text))

    def clean(self):
        cleaned = super().clean()
        boundary = None
        if cleaned.get("boundary_file"):
            boundary = cleaned["boundary_file"]
        elif cleaned.get("boundary") and not cleaned.get("clear_boundary"):
            try:
                boundary = as_multipolygon(GEOSGeometry(cleaned["boundary"], srid=4326))
            except (GEOSException, ValueError):
                self.add_error("boundary", _("The drawing could not be read: draw the boundary again."))
            except ValidationError as error:
                self.add_error("boundary", error)
        if boundary is not None and (problem := extent_problem(*boundary.extent)):
            self.add_error("boundary", location_error(problem))
            boundary = None
        cleaned["boundary_shape"] = boundary
        lat, lon = cleaned.get("centre_lat"), cleaned.get("centre_lon")
        cleaned["centre"] = None
        if (lat is None) != (lon is None):
            self.add_error("centre_lat",
                           _("Give both the latitude and the longitude of the centre, or neither."))
        elif lat is not None and lon is not None:
            problem = location_problem(float(lat), float(lon))
            if problem:
                self.add_error("centre_lat", _("The centre is outside Thailand."))
            else:
                cleaned["centre"] = Point(float(lon), float(lat), srid=4326)
        return cleaned

    def service_data(self) -> dict:
        data = self.cleaned_data
        centre = data["centre"]
        boundary = data["boundary_shape"]
        keep = self.instance is not None and not data.get("clear_boundary")
        if centre is None and boundary is None and keep:
            centre = self.instance.centre
        return {"name": data["name"], "moos": data["moos"], "boundary": boundary, "centre": centre}
