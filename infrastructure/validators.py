"""Checks on what people draw, type and upload; each raises ValidationError with a message that
names the problem, in the user's language (English msgids, Thai in the catalogue).

This module imports no model, so models, forms, services and importers can all use it. Asset
types are named by their plain values ("road"), which equal the AssetType members.
"""

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.geo import extent_problem, location_error

LINE = ("LineString", "MultiLineString")
POLYGON = ("Polygon", "MultiPolygon")
POINT = ("Point",)

# Which shapes make sense for each asset type: a road is a line, a street light a point.
GEOMETRY_KINDS: dict[str, tuple[str, ...]] = {
    "road": LINE,
    "drain": LINE,
    "water_pipe": LINE,
    "bridge": LINE + POINT,
    "building": POLYGON + POINT,
    "streetlight": POINT,
    "cctv": POINT,
    "hydrant": POINT,
    "waste_bin": POINT,
}
_KIND_NAMES = {
    "Point": _("a point"),
    "MultiPoint": _("several points"),
    "LineString": _("a line"),
    "MultiLineString": _("a line"),
    "Polygon": _("an area (polygon)"),
    "MultiPolygon": _("an area (polygon)"),
    "GeometryCollection": _("a mixed collection of shapes"),
}
_ALLOWED_WORDS = {
    LINE: _("a line"),
    LINE + POINT: _("a line or a point"),
    POLYGON + POINT: _("an area (polygon) or a point"),
    POINT: _("a point"),
}

MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


# --- Geometry ---------------------------------------------------------------------------------


def parse_geometry(value) -> GEOSGeometry:
    """A GEOS geometry from a geometry, WKT, EWKT or GeoJSON text; WGS 84 unless it says."""
    if isinstance(value, GEOSGeometry):
        geom = value
    else:
        try:
            geom = GEOSGeometry(str(value or "").strip())
        except (GEOSException, ValueError, TypeError):
            raise ValidationError(
                _("The location could not be read. Draw it on the map or give WKT / GeoJSON."),
                code="geometry_unreadable",
            ) from None
    if geom.srid is None:
        geom.srid = 4326
    elif geom.srid != 4326:
        geom = geom.transform(4326, clone=True)
    return geom


def validate_in_thailand(geom: GEOSGeometry) -> None:
    """Coordinates must be in Thailand (kernel.geo); say so plainly when latitude and longitude
    are swapped."""
    if problem := extent_problem(*geom.extent):
        raise location_error(problem)


def validate_geometry(geom: GEOSGeometry) -> None:
    """Not empty, geometrically valid (no self-intersection), in Thailand."""
    if geom is None or geom.empty:
        raise ValidationError(_("The location is empty: draw it on the map."), code="geometry_empty")
    if not geom.valid:
        raise ValidationError(
            _("The shape is not valid (%(reason)s). Lines of an area must not cross each other."),
            params={"reason": geom.valid_reason},
            code="geometry_invalid",
        )
    validate_in_thailand(geom)


def validate_geometry_kind(asset_type: str, geom: GEOSGeometry) -> None:
    allowed = GEOMETRY_KINDS.get(str(asset_type))
    if allowed is None or geom.geom_type in allowed:
        return
    raise ValidationError(
        _("This asset type must be drawn as %(allowed)s, not as %(given)s."),
        params={
            "allowed": _ALLOWED_WORDS[allowed],
            "given": _KIND_NAMES.get(geom.geom_type, geom.geom_type),
        },
        code="geometry_kind",
    )


def validate_asset_geometry(asset_type: str, geom: GEOSGeometry) -> None:
    validate_geometry(geom)
    validate_geometry_kind(asset_type, geom)


def validate_point(point: GEOSGeometry) -> None:
    """A location reported by a citizen or staff member: one point in Thailand."""
    if point is None or point.empty:
        raise ValidationError(_("The location is empty: pick it on the map."), code="geometry_empty")
    if point.geom_type != "Point":
        raise ValidationError(_("The location must be a single point."), code="geometry_kind")
    validate_in_thailand(point)


def distance_km(a, b) -> float:
    """Great-circle distance (haversine); plenty for a 'is this in our town' check."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def validate_near_municipality(location, municipality) -> None:
    """A reported point inside the municipality's boundary, or at most REPORT_MAX_DISTANCE_KM from
    its centre (the citizens' page and Open311: a national app may send a report to the wrong
    municipality)."""
    from django.conf import settings

    centre = getattr(municipality, "centre", None)
    if centre is None:
        return
    boundary = getattr(municipality, "boundary", None)
    if boundary is not None and boundary.contains(location):
        return
    max_km = settings.REPORT_MAX_DISTANCE_KM
    distance = distance_km(location, centre)
    if distance > max_km:
        raise ValidationError(
            _("This place is %(km)s km from %(name)s. Report problems in other areas to the "
              "municipality responsible there."),
            params={"km": f"{distance:,.0f}", "name": municipality.name_th},
            code="too_far",
        )


def reported_location(lat: float, lon: float, municipality):
    """The Point of a reported problem, checked: in Thailand and near the municipality."""
    from django.contrib.gis.geos import Point

    location = Point(lon, lat, srid=4326)
    validate_point(location)
    validate_near_municipality(location, municipality)
    return location


# --- Type-specific attributes -----------------------------------------------------------------


@dataclass(frozen=True)
class Attr:
    """One attribute of an asset type. `choices`: (value, English label, Thai label)."""

    kind: str  # "decimal", "int", "bool", "choice" or "text"
    label: str
    min: Decimal | int | None = None
    max: Decimal | int | None = None
    choices: tuple[tuple[str, str, str], ...] = ()
    max_length: int = 120

    def choice_values(self) -> list[str]:
        return [value for value, _en, _th in self.choices]


_LENGTH = Attr("decimal", _("length (m)"), min=Decimal(0), max=Decimal(1_000_000))
_WIDTH = Attr("decimal", _("width (m)"), min=Decimal(0), max=Decimal(1000))
_DIAMETER = Attr("int", _("diameter (mm)"), min=1, max=10_000)

# The attributes each asset type may carry in Asset.attributes. Labels: English msgid (shown
# translated); the Thai label in `choices` is for reading Thai spreadsheets.
ATTRIBUTE_SPECS: dict[str, dict[str, Attr]] = {
    "road": {
        "surface": Attr("choice", _("surface"), choices=(
            ("asphalt", "asphalt", "ลาดยาง"),
            ("concrete", "concrete", "คอนกรีต"),
            ("laterite", "laterite", "ลูกรัง"),
            ("gravel", "gravel", "หินคลุก"),
        )),
        "length_m": _LENGTH,
        "width_m": _WIDTH,
    },
    "streetlight": {
        "lamp_type": Attr("choice", _("lamp type"), choices=(
            ("led", "LED", "แอลอีดี"),
            ("sodium", "sodium", "โซเดียม"),
            ("fluorescent", "fluorescent", "ฟลูออเรสเซนต์"),
            ("metal_halide", "metal halide", "เมทัลฮาไลด์"),
            ("solar_led", "solar LED", "โซลาร์เซลล์"),
        )),
        "watts": Attr("int", _("watts"), min=1, max=2000),
        "pole_height_m": Attr("decimal", _("pole height (m)"), min=Decimal(0), max=Decimal(50)),
    },
    "drain": {
        "diameter_mm": _DIAMETER,
        "length_m": _LENGTH,
        "drain_kind": Attr("choice", _("drain kind"), choices=(
            ("pipe", "pipe", "ท่อกลม"),
            ("open_channel", "open channel", "รางเปิด"),
            ("box_culvert", "box culvert", "ท่อเหลี่ยม"),
        )),
    },
    "water_pipe": {
        "diameter_mm": _DIAMETER,
        "material": Attr("choice", _("material"), choices=(
            ("pvc", "PVC", "พีวีซี"),
            ("hdpe", "HDPE", "เอชดีพีอี"),
            ("steel", "steel", "เหล็ก"),
            ("ac", "asbestos cement", "ซีเมนต์ใยหิน"),
        )),
        "length_m": _LENGTH,
    },
    "bridge": {
        "length_m": _LENGTH,
        "width_m": _WIDTH,
        "material": Attr("choice", _("material"), choices=(
            ("concrete", "concrete", "คอนกรีต"),
            ("steel", "steel", "เหล็ก"),
            ("wood", "wood", "ไม้"),
        )),
        "load_tonnes": Attr("decimal", _("load limit (tonnes)"), min=Decimal(0), max=Decimal(1000)),
    },
    "building": {
        "floors": Attr("int", _("floors"), min=1, max=200),
        "area_m2": Attr("decimal", _("floor area (m²)"), min=Decimal(0), max=Decimal(10_000_000)),
        "use": Attr("text", _("use")),
    },
    "cctv": {
        "camera_kind": Attr("text", _("camera kind")),
        "connected": Attr("bool", _("connected to the control room")),
    },
    "hydrant": {
        "pressure_bar": Attr("decimal", _("pressure (bar)"), min=Decimal(0), max=Decimal(100)),
    },
    "waste_bin": {
        "capacity_l": Attr("int", _("capacity (litres)"), min=1, max=100_000),
    },
}

_TRUE = {"1", "true", "yes", "y", "t", "ใช่", "มี", "เชื่อมต่อ"}
_FALSE = {"0", "false", "no", "n", "f", "ไม่", "ไม่ใช่", "ไม่มี", "ไม่เชื่อมต่อ", ""}


def _clean_attr(name: str, spec: Attr, value):
    """The stored (JSON) form of one attribute value, or ValidationError naming the attribute."""

    def bad(message, **params):
        return ValidationError(message, params={"name": spec.label, **params}, code="attribute")

    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise bad(_("%(name)s: answer yes or no."))
    if spec.kind == "choice":
        text = str(value).strip()
        for choice, english, thai in spec.choices:
            if text.lower() in (choice, english.lower()) or text == thai:
                return choice
        raise bad(
            _("%(name)s: “%(value)s” is not one of %(allowed)s."),
            value=text, allowed=", ".join(spec.choice_values()),
        )
    if spec.kind == "text":
        text = str(value).strip()
        if len(text) > spec.max_length:
            raise bad(_("%(name)s: at most %(max)s characters."), max=spec.max_length)
        return text
    # Numbers: decimals are kept as JSON numbers with at most 2 decimal places.
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise bad(_("%(name)s: “%(value)s” is not a number."), value=value) from None
    if not number.is_finite():
        raise bad(_("%(name)s: “%(value)s” is not a number."), value=value)
    if spec.kind == "int" and number != number.to_integral_value():
        raise bad(_("%(name)s: give a whole number."))
    if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
        raise bad(_("%(name)s must be between %(min)s and %(max)s."), min=spec.min, max=spec.max)
    if spec.kind == "int":
        return int(number)
    return float(number.quantize(Decimal("0.01")))


def clean_attributes(asset_type: str, attributes: dict | None) -> dict:
    """Check `attributes` against ATTRIBUTE_SPECS for the type; blank values are dropped.

    Returns the cleaned dict; raises one ValidationError listing every problem.
    """
    specs = ATTRIBUTE_SPECS.get(str(asset_type), {})
    if attributes is None:
        return {}
    if not isinstance(attributes, dict):
        raise ValidationError(_("The attributes must be a set of name: value pairs."), code="attribute")
    cleaned, errors = {}, []
    for name, value in attributes.items():
        spec = specs.get(name)
        if spec is None:
            errors.append(ValidationError(
                _("“%(name)s” is not an attribute of this asset type (allowed: %(allowed)s)."),
                params={"name": name, "allowed": ", ".join(specs) or "—"},
                code="attribute_unknown",
            ))
            continue
        if value is None or (isinstance(value, str) and not value.strip() and spec.kind != "bool"):
            continue
        try:
            cleaned[name] = _clean_attr(name, spec, value)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Photos -----------------------------------------------------------------------------------


def _looks_like_heic(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"hevc", b"heif", b"mif1", b"msf1"}


def validate_photo(file) -> None:
    """A real JPEG, PNG or WebP image of at most 8 MB (the file's name and type are not trusted).

    Used for asset photos and for the photos citizens attach to service requests.
    """
    from PIL import Image, UnidentifiedImageError

    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is too large (%(size)s MB); the limit is 8 MB."),
            params={"size": f"{size / 1024 / 1024:.1f}"},
            code="photo_too_large",
        )
    if size == 0:
        raise ValidationError(_("The photo file is empty."), code="photo_empty")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        with Image.open(file) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        if _looks_like_heic(head):
            raise ValidationError(
                _("HEIC photos (iPhone) cannot be read yet. Send the photo as JPEG (on the iPhone: "
                  "Settings → Camera → Formats → Most Compatible)."),
                code="photo_heic",
            ) from None
        raise ValidationError(
            _("The file is not a photo that can be read. Send a JPEG, PNG or WebP image."),
            code="photo_invalid",
        ) from None
    finally:
        file.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(
            _("Photos must be JPEG, PNG or WebP (this one is %(format)s)."),
            params={"format": fmt},
            code="photo_format",
        )
