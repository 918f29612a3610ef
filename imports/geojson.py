"""Reading a GeoJSON FeatureCollection into one row of text cells per feature, refusing what a
GIS program may write but no geometry library should be handed: NaN and Infinity (Python's json
reads them, and 1e400 as infinity), geometries of the wrong shape or with text for numbers,
duplicate property names.
Every refusal names the feature (its number in the file, and its key when it has one)."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import ImportFileError
from .prechecks import max_columns

# Geometry type → how deep its coordinates nest (0: a position) and the fewest items per level.
_SHAPES = {
    "Point": (0, ()), "MultiPoint": (1, (1,)), "LineString": (1, (2,)), "MultiLineString": (2, (1, 2)),
    "Polygon": (2, (1, 4)), "MultiPolygon": (3, (1, 1, 4)),
}
# In the JSON text of coordinates made of numbers only, none of these appear.
_NOT_NUMBERS = ('"', "true", "false", "null", "{")


def max_bytes() -> int:
    return settings.IMPORT_MAX_GEOJSON_BYTES


def geojson_frame(path: Path, key: str) -> pd.DataFrame:
    """One row per feature: its properties as text plus the geometry as GeoJSON text (`geojson`).
    `key` is the dataset's key column, to name a feature in a refusal."""
    if path.stat().st_size > max_bytes():
        # The parsed document takes about ten times the file's size.
        raise ImportFileError(
            _("A GeoJSON file may be at most %(mb)s MB (the limit IMPORT_MAX_GEOJSON_BYTES)."),
            {"mb": max_bytes() // 2**20})
    duplicated: dict[int, str] = {}

    def pairs(items):
        mapping = dict(items)
        if len(mapping) != len(items):  # JSON keeps the last of two equal names, silently
            seen: set[str] = set()
            for name, _value in items:
                if name in seen:
                    duplicated[id(mapping)] = name
                    break
                seen.add(name)
        return mapping

    try:
        with open(path, encoding="utf-8-sig") as handle:
            # NaN, Infinity and a number too large (1e400) read as floats that are not finite:
            # found below, feature by feature, so the refusal can name the feature.
            document = json.load(handle, object_pairs_hook=pairs)
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportFileError(_("The GeoJSON file cannot be read: %(error)s"), {"error": error}) from None
    except RecursionError:
        raise ImportFileError(_("The GeoJSON file nests its brackets too deep to be read.")) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise ImportFileError(_("The GeoJSON file has no FeatureCollection."))
    rows, names = [], set()
    for number_, feature in enumerate(features, start=1):
        rows.append(_feature_row(feature, number_, key, duplicated))
        names.update(rows[-1])
        if len(names) > max_columns() + 1:  # + the geometry
            raise ImportFileError(
                _("The features of this GeoJSON file have more than %(max)s different properties (the limit "
                  "IMPORT_MAX_COLUMNS): the file is refused."), {"max": max_columns()})
    return pd.DataFrame(rows, dtype=str)


def _feature_row(feature, number: int, key: str, duplicated: dict[int, str]) -> dict[str, str]:
    if not isinstance(feature, dict):
        raise _feature_error(_("it is not a GeoJSON object"), number)
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise _feature_error(_("its properties are not a JSON object"), number)
    name = properties.get(key)
    if id(properties) in duplicated:
        raise _feature_error(_("the property “%(property)s” is given twice"), number, name,
                             property=duplicated[id(properties)])
    row = {}
    for prop, value in properties.items():
        if _has_not_finite(value):
            raise _feature_error(_("the property “%(property)s” is NaN or Infinity, which is not a number"),
                                 number, name, property=prop)
        row[str(prop)] = "" if value is None else (json.dumps(value, ensure_ascii=False)
                                                   if isinstance(value, dict | list) else str(value))
    geometry = feature.get("geometry")
    if geometry is not None:
        problem = _geometry_problem(geometry)
        if problem is not None:
            raise _feature_error(problem, number, name)
    row["geojson"] = json.dumps(geometry) if geometry else ""
    return row


def _feature_error(problem, number: int, name=None, **params) -> ImportFileError:
    # The problem is interpolated inside the message's own language (bilingual renders both).
    params = {"n": number, "problem": _Problem(problem, params)}
    if name not in (None, ""):
        return ImportFileError(_("Feature %(n)s (“%(name)s”) of the GeoJSON file: %(problem)s. The file is "
                                 "refused."), {**params, "name": name})
    return ImportFileError(_("Feature %(n)s of the GeoJSON file: %(problem)s. The file is refused."), params)


class _Problem:
    """A lazy message with its own params, rendered in whatever language the outer one is."""

    def __init__(self, message, params: dict):
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message % self.params) if self.params else str(self.message)


def _has_not_finite(value) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_not_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_not_finite(v) for v in value)
    return False


def _geometry_problem(geometry):
    """Why this is not a GeoJSON geometry a geometry library can read, or None."""
    if not isinstance(geometry, dict):
        return _("its geometry is not a GeoJSON object")
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list) or not members:
            return _("its GeometryCollection has no geometries")
        for member in members:
            if isinstance(member, dict) and member.get("type") == "GeometryCollection":
                return _("its GeometryCollection holds another GeometryCollection")
            problem = _geometry_problem(member)
            if problem is not None:
                return problem
        return None
    if kind not in _SHAPES:
        return _("its geometry type is not one GeoJSON defines")
    depth, fewest = _SHAPES[kind]
    coordinates = geometry.get("coordinates")
    # The usual geometry is checked at C speed (its JSON text, numpy per list of positions); only
    # a suspect one is walked number by number, to say what is wrong with it.
    text = json.dumps(coordinates)
    if "NaN" in text or "Infinity" in text:
        return _("its geometry has NaN or Infinity among its coordinates")
    if not any(word in text for word in _NOT_NUMBERS) and _shaped(coordinates, depth, fewest):
        return None
    problem = _coordinates_problem(coordinates, depth, fewest)
    return problem or _("a position of its geometry is not [longitude, latitude]")


def _shaped(value, depth: int, fewest: tuple[int, ...]) -> bool:
    """Nesting and counts right, for coordinates known to hold numbers only."""
    if depth == 0:
        return (isinstance(value, list) and 2 <= len(value) <= 3
                and not any(isinstance(v, list) for v in value))
    if not isinstance(value, list) or len(value) < fewest[0]:
        return False
    if depth == 1:
        try:
            positions = np.array(value, dtype=float)
        except (ValueError, TypeError):  # ragged, or a list where a number belongs
            return False
        return positions.ndim == 2 and positions.shape[1] in (2, 3)
    return all(_shaped(item, depth - 1, fewest[1:]) for item in value)


def _coordinates_problem(value, depth: int, fewest: tuple[int, ...]):
    if depth == 0:
        if not isinstance(value, list) or not 2 <= len(value) <= 3:
            return _("a position of its geometry is not [longitude, latitude]")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            return _("its geometry has coordinates that are not numbers")
        return None
    if not isinstance(value, list) or len(value) < fewest[0]:
        return _("its geometry has too few positions for its type")
    for item in value:
        problem = _coordinates_problem(item, depth - 1, fewest[1:])
        if problem is not None:
            return problem
    return None
