"""A municipality's look: validation of colours and files, contrast checks, saving with a version
snapshot, restoring, and what base.html needs to apply it.

Only validated values ever reach a page: colours as `#rrggbb`, a font size in px from a fixed
range, a header style from a fixed list, and files whose content (not name) was checked. A
municipality's admin can therefore never inject CSS or JS, whatever they type or upload.
"""

import io
import re
import uuid
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias, TypedDict, cast
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import FileField, Max, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual, in_active_language

from ..models import CustomizationVersion, Municipality, Theme
from ..models.customization import DEFAULT_COLOURS, FONT_SIZE_RANGE

if TYPE_CHECKING:  # django-stubs-ext is a development requirement only
    from django_stubs_ext import StrOrPromise, WithAnnotations


class _ThemeVersion(TypedDict):
    version: int  # the number of the theme's latest saved version, 0 when none


# A Theme carrying `version` (see theme_for): what theme_for and the saves return.
VersionedTheme: TypeAlias = "WithAnnotations[Theme, _ThemeVersion]"

# --- Colours and contrast ----------------------------------------------------------------------
HEX6 = re.compile(r"^#[0-9a-f]{6}$")
_HEX_INPUT = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
COLOUR_FIELDS = ("primary_color", "secondary_color", "accent_color")
WCAG_AA = 4.5  # normal-size text, WCAG 2.1 success criterion 1.4.3
WHITE = "#ffffff"


def normalise_colour(value: str) -> str:
    """`#0B6E4F`, `0b6e4f` or `#0bf` → `#0b6e4f` / `#00bbff`; ValidationError otherwise."""
    text = (value or "").strip()
    match = _HEX_INPUT.match(text)
    if not match:
        raise ValidationError(
            in_active_language(
                _("“%(value)s” is not a colour. Enter # and six hexadecimal digits, e.g. #0b6e4f."),
                {"value": text[:20]},
            ),
            code="invalid_colour",
        )
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def _relative_luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2.1 contrast ratio of two `#rrggbb` colours, from 1 (same) to 21 (black/white)."""
    a, b = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# Which pair of colours each field is read against on the page.
_CONTRAST_CHECKS = {
    "primary_color": _(
        "White text on the primary colour has a contrast of %(ratio)s:1; WCAG AA asks for at "
        "least 4.5:1, so some people will find the header and buttons hard to read."
    ),
    "secondary_color": _(
        "White text on the secondary colour has a contrast of %(ratio)s:1; WCAG AA asks for at "
        "least 4.5:1, so some people will find it hard to read."
    ),
    "accent_color": _(
        "The accent colour on white has a contrast of %(ratio)s:1; WCAG AA asks for at least "
        "4.5:1, so text or lines in it will be hard to see."
    ),
}


def contrast_warnings(colours: dict[str, Any]) -> dict[str, str]:
    """{field: message} for each colour below WCAG AA against what it is read with (white).

    A warning, not an error: a municipality may keep its official colour knowingly."""
    found: dict[str, str] = {}
    for field, message in _CONTRAST_CHECKS.items():
        colour = colours.get(field)
        if not colour or not HEX6.match(colour):
            continue
        ratio = contrast_ratio(colour, WHITE)
        if ratio < WCAG_AA:
            # Round down, so 4.49 never shows as a passing 4.5.
            found[field] = str(message % {"ratio": f"{int(ratio * 10) / 10:.1f}"})
    return found


# --- Files -------------------------------------------------------------------------------------
LOGO_MAX_BYTES = 1024 * 1024
FAVICON_MAX_BYTES = 256 * 1024
MAX_PIXELS_SIDE = 4096
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml", "ico": "image/x-icon"}
_RASTER_KINDS = {"PNG": "png", "JPEG": "jpg", "ICO": "ico"}
FILE_RULES = {
    # field: (allowed kinds, size limit, message naming the allowed types)
    "logo": ({"png", "jpg", "svg"}, LOGO_MAX_BYTES, _("The logo must be a PNG, JPEG or SVG image.")),
    "favicon": ({"png", "ico", "svg"}, FAVICON_MAX_BYTES, _("The favicon must be a PNG, ICO or SVG image.")),
}

# SVG elements that run code or pull in other documents.
_SVG_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_SAFE_REF = re.compile(r"^(#|data:image/(png|jpeg|jpg|gif|webp)[;,])", re.IGNORECASE)
_URL_FUNCTION = re.compile(r"url\s*\(\s*(['\"]?)\s*([^)'\"]*)", re.IGNORECASE)


def _svg_error(message: "StrOrPromise", params: dict[str, Any] | None = None) -> ValidationError:
    return ValidationError(in_active_language(message, params), code="unsafe_svg")


# A CSS escape: a backslash and 1–6 hex digits (plus one optional white space), or a backslash
# and any other character, which stands for itself. `\75 rl(` is `url(`, `\@import` is `@import`.
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.))", re.DOTALL)
# Functions other than url() whose arguments a browser fetches (`image-set("https://…")`).
_FETCHING_FUNCTIONS = re.compile(r"(?<![\w-])(-webkit-)?(image-set|image|cross-fade|element|src)\s*\(",
                                 re.IGNORECASE)


def _css_unescape(text: str) -> str:
    """`text` with its CSS escapes decoded, as a browser reads it before looking at the words."""

    def decode(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return match.group(2)

    return _CSS_ESCAPE.sub(decode, text)


def _read_as_css(attr_name: str) -> bool:
    """Whether a browser may read the attribute as CSS: a plain or SVG-namespace attribute
    (presentation attributes), not an editor's own (sodipodi:docname="C:\\…")."""
    namespace = attr_name.rpartition(" ")[0]
    return namespace in ("", "http://www.w3.org/2000/svg")


def _check_css(text: str, *, style: bool = True) -> None:
    """Style sheets may only refer to the SVG's own parts (`url(#gradient)`).

    Checked as the browser reads them, escapes decoded; and style content (`style=""`, <style>)
    may hold no backslash at all: a logo has no use for escapes, and refusing them leaves
    nothing for a decoder that differs from the browser's to miss. `style=False`: any other
    attribute, which may hold a backslash (Inkscape writes Windows paths) but is still checked
    decoded, since presentation attributes (`fill=…`) are read as CSS."""
    if style and "\\" in text:
        raise _svg_error(_("The SVG contains an escaped character (\\) in a style, which is not allowed."))
    decoded = _css_unescape(text)
    lowered = decoded.lower()
    compact = re.sub(r"\s+", "", lowered)
    if "@import" in lowered or "expression(" in compact or "javascript:" in compact or "vbscript:" in compact:
        raise _svg_error(_("The SVG contains a style that loads something from outside (@import)."))
    if _FETCHING_FUNCTIONS.search(decoded):
        raise _svg_error(_("The SVG contains a style that loads something from outside (url())."))
    for match in _URL_FUNCTION.finditer(decoded):
        if not match.group(2).strip().startswith("#"):
            raise _svg_error(_("The SVG contains a style that loads something from outside (url())."))


@dataclass
class _SvgState:
    root: str | None = None  # the first element's local name
    style_depth: int = 0  # how many <style> elements the parser is inside


def svg_check(data: bytes) -> None:
    """Raise ValidationError unless `data` is an SVG without scripts or outside references.

    Parsed with expat, refusing any DOCTYPE (so no entity expansion, no external entities), and
    checked element by element: an allow-what-is-safe parse rather than a clean-up, so what we
    store is byte for byte what the admin uploaded and was checked."""
    parser = expat.ParserCreate(namespace_separator=" ")
    state = _SvgState()
    style_text: list[str] = []

    def refuse_doctype(*args: object) -> NoReturn:
        raise _svg_error(_("The SVG contains a DOCTYPE or entities, which are not allowed."))

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1].lower()
        if state.root is None:
            state.root = local
        if local in _SVG_FORBIDDEN_ELEMENTS:
            if local == "script":
                raise _svg_error(_("The SVG contains a script, which is not allowed."))
            raise _svg_error(
                _("The SVG contains a <%(element)s> element, which is not allowed."), {"element": local}
            )
        if local == "style":
            state.style_depth += 1
        for attr_name, value in attrs.items():
            attr = attr_name.rsplit(" ", 1)[-1].lower()
            stripped = re.sub(r"\s+", "", value).lower()
            if attr.startswith("on"):
                raise _svg_error(
                    _("The SVG contains a script in the attribute “%(attribute)s”, which is not allowed."),
                    {"attribute": attr[:30]},
                )
            if "javascript:" in stripped or "vbscript:" in stripped:
                raise _svg_error(_("The SVG contains a script link (javascript:), which is not allowed."))
            if attr in ("href", "src") and not _SAFE_REF.match(value.strip()):
                raise _svg_error(
                    _("The SVG links to something outside the file (%(link)s); only links inside it "
                      "(#…) or embedded images (data:image/…) are allowed."),
                    {"link": value.strip()[:60]},
                )
            if local in ("set", "animate") and attr == "attributename" and (
                stripped.endswith("href") or stripped.startswith("on")
            ):
                raise _svg_error(_("The SVG contains an animation that changes links or scripts."))
            if attr == "style":
                _check_css(value)
            elif "url(" in stripped or ("\\" in value and _read_as_css(attr_name)):
                _check_css(value, style=False)

    def end(name: str) -> None:
        if name.rsplit(" ", 1)[-1].lower() == "style":
            state.style_depth -= 1
            _check_css("".join(style_text))
            style_text.clear()

    def characters(text: str) -> None:
        if state.style_depth > 0:
            style_text.append(text)

    def processing_instruction(target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _svg_error(_("The SVG loads an outside style sheet, which is not allowed."))

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.ExternalEntityRefHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.ProcessingInstructionHandler = processing_instruction
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ValidationError(
            in_active_language(_("The file is not a readable image (broken SVG: %(error)s)."),
                               {"error": str(error)}),
            code="not_an_image",
        ) from error
    if state.root != "svg":
        raise ValidationError(_("The file is not an image."), code="not_an_image")


def _raster_kind(data: bytes) -> str | None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = _RASTER_KINDS.get(image.format or "")
                width, height = image.size
                image.verify()
    except Exception:  # Pillow raises many types for a file that is not an image
        return None
    if kind and (width > MAX_PIXELS_SIDE or height > MAX_PIXELS_SIDE):
        raise ValidationError(
            in_active_language(
                _("The image is %(width)s × %(height)s pixels; at most %(max)s pixels a side, please."),
                {"width": width, "height": height, "max": MAX_PIXELS_SIDE},
            ),
            code="too_large",
        )
    return kind


def _looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def image_kind(upload: Any, *, field: str) -> str:
    """Check an uploaded logo or favicon by its content and size; return its kind (png, jpg, svg,
    ico). Raise a ValidationError (read in the active language) for anything else."""
    kinds, limit, type_message = FILE_RULES[field]
    size = getattr(upload, "size", None)
    if size is None or size > limit:
        raise ValidationError(
            in_active_language(
                _("The file is %(size)s KB; the limit is %(limit)s KB."),
                {"size": (size or 0) // 1024 + 1, "limit": limit // 1024},
            ),
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = _raster_kind(data)
    if kind is None and _looks_like_xml(data):
        svg_check(data)
        kind = "svg"
    if kind is None:
        raise ValidationError(
            _("The file is not an image (its content is not PNG, JPEG, ICO or SVG)."),
            code="not_an_image",
        )
    if kind not in kinds:
        raise ValidationError(in_active_language(type_message), code="wrong_type")
    return kind


def file_kind(name: str) -> str:
    """The kind of a stored theme file, from the extension we gave it after checking its content."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# --- Reading -----------------------------------------------------------------------------------
SNAPSHOT_FIELDS = (
    "display_name_th", "display_name_en", "logo", "favicon", "primary_color", "secondary_color",
    "accent_color", "base_font_size", "header_style", "login_text_th", "login_text_en",
)
_VALUE_FIELDS = tuple(f for f in SNAPSHOT_FIELDS if f not in ("logo", "favicon"))


def _latest_version_subquery() -> Subquery:
    return Subquery(
        CustomizationVersion.objects.filter(
            municipality_id=OuterRef("municipality_id"), kind=CustomizationVersion.Kind.THEME
        )
        .order_by("-number")
        .values("number")[:1]
    )


def _with_version(theme: Theme, version: int) -> VersionedTheme:
    """`theme` with `version` set by hand, as an annotate(version=…) query would have set it."""
    # cast: django-stubs can only type an attribute that annotate() adds (WithAnnotations); it has
    # no way to say that a plain instance was given the same attribute directly.
    versioned = cast(VersionedTheme, theme)
    versioned.version = version
    return versioned


def theme_for(municipality: Municipality) -> VersionedTheme:
    """The municipality's theme, or an unsaved one with the platform defaults. `theme.version` is
    the number of its latest saved version (0 when none): file URLs carry it, so they never go
    stale in a browser cache."""
    theme = (
        Theme.objects.filter(municipality_id=municipality.pk)
        .annotate(version=_latest_version_subquery())
        .first()
    )
    if theme is None:
        return _with_version(Theme(municipality=municipality, **DEFAULT_COLOURS), 0)
    theme.version = theme.version or 0
    return theme


def theme_snapshot(theme: Theme) -> dict[str, Any]:
    snapshot = {field: getattr(theme, field) for field in _VALUE_FIELDS}
    snapshot["logo"] = theme.logo.name or ""
    snapshot["favicon"] = theme.favicon.name or ""
    return snapshot


def theme_versions(municipality: Municipality) -> QuerySet[CustomizationVersion]:
    return CustomizationVersion.objects.filter(
        municipality=municipality, kind=CustomizationVersion.Kind.THEME
    ).order_by("-number")


# --- Writing -----------------------------------------------------------------------------------
class ThemeError(ValidationError):
    """Bad input for a theme: `.message_dict` (or `.messages`) says what, in the language active
    where it is read."""


@dataclass
class _PendingFile:
    field: str
    kind: str
    content: bytes


def _clean_values(data: dict[str, Any]) -> dict[str, str | int]:
    """Validate every value (whatever the form already did: the service is the last gate)."""
    values: dict[str, str | int] = {}
    errors: dict[str, list[StrOrPromise]] = {}
    for field in COLOUR_FIELDS:
        try:
            values[field] = normalise_colour(str(data.get(field) or ""))
        except ValidationError as error:
            errors[field] = [*error.messages]
    raw_size = data.get("base_font_size")
    try:
        if raw_size is None:
            raise TypeError("no base font size")  # as int(None) would: the error below
        size = int(raw_size)
        if not FONT_SIZE_RANGE[0] <= size <= FONT_SIZE_RANGE[1]:
            raise ValueError
        values["base_font_size"] = size
    except (TypeError, ValueError):
        errors["base_font_size"] = [in_active_language(
            _("The base font size must be a whole number from %(min)s to %(max)s pixels."),
            {"min": FONT_SIZE_RANGE[0], "max": FONT_SIZE_RANGE[1]},
        )]
    header_style = data.get("header_style") or Theme.HeaderStyle.SOLID
    if header_style not in Theme.HeaderStyle.values:
        errors["header_style"] = [_("Choose one of the header styles offered.")]
    values["header_style"] = header_style
    for field, limit in (("display_name_th", 200), ("display_name_en", 200),
                         ("login_text_th", 1000), ("login_text_en", 1000)):
        text = str(data.get(field) or "").strip().replace("\r\n", "\n")
        if len(text) > limit:
            errors[field] = [in_active_language(
                _("At most %(limit)s characters, please (this has %(count)s)."),
                {"limit": limit, "count": len(text)},
            )]
        values[field] = text
    if errors:
        raise ThemeError(errors)
    return values


def theme_validate(
    *, data: dict[str, Any], files: dict[str, Any] | None = None
) -> tuple[dict[str, str | int], dict[str, _PendingFile], list[str]]:
    """(values, {field: checked file}, fields to remove) or ThemeError; writes nothing. Also used
    by the live preview."""
    files = files or {}
    errors: dict[str, list[str]] = {}
    values: dict[str, str | int]
    try:
        values = _clean_values(data)
    except ThemeError as error:
        values, errors = {}, dict(error.message_dict)
    pending: dict[str, _PendingFile] = {}
    for field in ("logo", "favicon"):
        upload = files.get(field)
        if not upload:
            continue
        try:
            kind = image_kind(upload, field=field)
        except ValidationError as error:
            errors[field] = error.messages
        else:
            upload.seek(0)
            pending[field] = _PendingFile(field, kind, upload.read())
    if errors:
        raise ThemeError(errors)
    removals = [f for f in ("logo", "favicon") if data.get(f"remove_{f}") and f not in pending]
    return values, pending, removals


@transaction.atomic
def _theme_save(*, municipality: Municipality, values: dict[str, str | int], file_names: dict[str, str],
                editor: str, note: str) -> tuple[VersionedTheme, dict[str, str]]:
    Theme.objects.get_or_create(municipality=municipality, defaults=DEFAULT_COLOURS)
    # The row lock orders concurrent saves, so version numbers never collide.
    theme = Theme.objects.select_for_update().get(municipality=municipality)
    for field, value in values.items():
        setattr(theme, field, value)
    for field, name in file_names.items():
        getattr(theme, field).name = name
    theme.updated_by = editor[:200]
    theme.full_clean(exclude=["municipality"])
    theme.save()
    number = (
        CustomizationVersion.objects.filter(
            municipality=municipality, kind=CustomizationVersion.Kind.THEME
        ).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    CustomizationVersion.objects.create(
        municipality=municipality, kind=CustomizationVersion.Kind.THEME, number=number,
        snapshot=theme_snapshot(theme), note=note[:200], created_by=editor[:200],
    )
    return _with_version(theme, number), contrast_warnings(values)


def theme_update(*, municipality: Municipality, data: dict[str, Any], files: dict[str, Any] | None = None,
                 editor: str) -> tuple[VersionedTheme, dict[str, str]]:
    """Save the theme from form data (and uploaded `logo` / `favicon`; `remove_logo` /
    `remove_favicon` in data clear them) as a new version. Returns (theme, {field: contrast
    warning}). Raises ThemeError and changes nothing when any value is bad."""
    if municipality.is_platform:
        raise ThemeError(_("The platform console keeps the platform's own look."))
    values, pending, removals = theme_validate(data=data, files=files)
    file_names = {field: "" for field in removals}
    storage = Theme._meta.get_field("logo").storage
    for field, checked in pending.items():
        # Our own name and extension (from the checked content, never the uploaded name), and a
        # new name per upload: old versions keep pointing at their own files.
        file_field = Theme._meta.get_field(field)
        if not isinstance(file_field, FileField):
            raise TypeError(f"Theme.{field} is not a file field")  # pending holds only logo / favicon
        name = file_field.generate_filename(
            Theme(municipality=municipality), f"{field}-{uuid.uuid4().hex}.{checked.kind}"
        )
        file_names[field] = storage.save(name, ContentFile(checked.content))
    return _theme_save(
        municipality=municipality, values=values, file_names=file_names, editor=editor, note=""
    )


def theme_restore(*, municipality: Municipality, version: CustomizationVersion | int,
                  editor: str) -> tuple[VersionedTheme, dict[str, str]]:
    """Make an earlier version current again, as a new version (history only grows)."""
    if not isinstance(version, CustomizationVersion):
        found = theme_versions(municipality).filter(number=version).first()
        if found is None:
            raise ThemeError(_("That version does not exist."))
        version = found
    if version.municipality_id != municipality.pk or version.kind != CustomizationVersion.Kind.THEME:
        raise ThemeError(_("That version does not exist."))
    snapshot = {**DEFAULT_COLOURS, "base_font_size": 16, **version.snapshot}
    values = _clean_values(snapshot)
    file_names = {f: str(snapshot.get(f) or "") for f in ("logo", "favicon")}
    with transaction.atomic():
        return _theme_save(
            municipality=municipality, values=values, file_names=file_names, editor=editor,
            note=str(bilingual(_("Restored version %(number)s"), {"number": version.number})),
        )


# --- Applying ----------------------------------------------------------------------------------
def theme_css(values: dict[str, Any]) -> str:
    """The custom properties for a <style> or style="" attribute; re-checks every value, so
    nothing but a colour or a size can ever be written there."""
    parts = []
    for field, prop in (("primary_color", "--color-primary"), ("secondary_color", "--color-secondary"),
                        ("accent_color", "--color-accent")):
        colour = str(values.get(field) or "").lower()
        if HEX6.match(colour):
            parts.append(f"{prop}: {colour};")
    size = values.get("base_font_size")
    if isinstance(size, int) and FONT_SIZE_RANGE[0] <= size <= FONT_SIZE_RANGE[1]:
        parts.append(f"--font-size-base: {size}px;")
    return " ".join(parts)


def header_class(style: str) -> str:
    return f"header-{style}" if style in Theme.HeaderStyle.values else "header-solid"
