"""The attributes each asset type may carry in Asset.attributes (surface, watts, diameter…): the
schema, and the check that turns typed or imported values into their stored (JSON) form.

Imports no model, so the asset model, its forms, importers and the national snapshot's key
domains all read the one schema. Asset types are named by their plain values ("road"), which
equal the AssetType members.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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


