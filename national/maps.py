"""Points of the national map: each municipality's centre coloured by one indicator.

Five equal-width classes between the lowest and the highest value shown (the legend gives their
ranges); a suppressed value is grey and a missing one hollow, so neither looks like a low value."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from kernel.thaidate import thai_date
from tenants.maps import municipality_outline, outline_key

from .indicators import Indicator

CLASSES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")  # light → dark = low → high
HIDDEN, MISSING = "#8c8c8c", "#ffffff"


def _fmt(value: float) -> str:
    return formats.number_format(round(value, 1), 1, use_l10n=True, force_grouping=True)


def points_and_legend(rows: list[dict], *, indicator: Indicator) -> tuple[list[dict], list[dict]]:
    results = [r["results"][indicator.key] for r in rows]
    values = [result.value for result in results if result.value is not None]
    low, high = (min(values), max(values)) if values else (0, 0)
    width = (high - low) / len(CLASSES) or 1

    def colour(value):
        return CLASSES[min(int((value - low) / width), len(CLASSES) - 1)]

    points = []
    for r in rows:
        municipality, result = r["m"], r["results"][indicator.key]
        if municipality.centre is None:
            continue
        if result.value is not None:
            fill = colour(result.value)
        else:
            fill = HIDDEN if result.hidden else MISSING
        points.append({"name": municipality.name_th, "lat": municipality.centre.y,
                       "lon": municipality.centre.x, "value": result.text, "colour": fill,
                       "note": result.note, "kind": str(municipality.get_kind_display()),
                       "date": thai_date(r["date"], short=True) if r.get("date") else "",
                       "outline": outline_key(municipality),
                       "url": reverse("tenants:municipality-detail", args=[municipality.schema_name])})
    legend = []
    if values:
        bounds = sorted({low + width * i for i in range(len(CLASSES))}) if high > low else [low]
        for i, start in enumerate(bounds):
            end = bounds[i + 1] if i + 1 < len(bounds) else high
            label = _fmt(start) if start == end else f"{_fmt(start)} – {_fmt(end)}"
            legend.append({"colour": CLASSES[i] if high > low else CLASSES[0], "label": label})
    legend.append({"colour": HIDDEN, "label": _("suppressed")})
    legend.append({"colour": MISSING, "label": _("not published")})
    return points, legend


def map_config(rows: list[dict], *, indicator: Indicator) -> dict:
    """What the national map draws besides its points: each municipality's outline once (its own
    boundary, else its province's: municipalities of one province share it), coarse enough for the
    whole country, as a fallback base; and the words of the popup a tap opens."""
    outlines: dict[str, dict] = {}
    for r in rows:
        municipality = r["m"]
        key = outline_key(municipality)
        if key not in outlines and (outline := municipality_outline(municipality=municipality, coarse=True)):
            outlines[key] = outline
    return {
        "outlines": outlines,
        "text": {"indicator": str(indicator.label), "snapshot": _("Snapshot"),
                 "open": _("Open the municipality"), "notPublished": _("not published")},
    }
