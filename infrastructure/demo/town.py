"""The shape of a demo town: a slightly rotated street grid in metres around the centre, its
river or canal, and the blocks between the streets; turned into WGS 84 text for PostGIS.

Everything is computed on a flat local frame (x east along the grid, y north along the grid):
under 10 km from the centre the error against the spheroid is well below a metre per 100 m.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from .places import Place

M_PER_DEG_LAT = 110_574.0

XY = tuple[float, float]


@dataclass(frozen=True)
class Frame:
    """Local metres → longitude / latitude; the grid's x axis is `angle_deg` anticlockwise
    from east (a slightly rotated street grid, as most Thai towns have)."""

    lon0: float
    lat0: float
    angle_deg: float

    def lonlat(self, p: XY) -> XY:
        a = math.radians(self.angle_deg)
        east = p[0] * math.cos(a) - p[1] * math.sin(a)
        north = p[0] * math.sin(a) + p[1] * math.cos(a)
        return (
            self.lon0 + east / (111_320.0 * math.cos(math.radians(self.lat0))),
            self.lat0 + north / M_PER_DEG_LAT,
        )

    def _coords(self, points) -> str:
        return ", ".join("{:.7f} {:.7f}".format(*self.lonlat(p)) for p in points)

    def point(self, p: XY) -> str:
        return f"SRID=4326;POINT({self._coords([p])})"

    def line(self, points: list[XY]) -> str:
        return f"SRID=4326;LINESTRING({self._coords(points)})"

    def rectangle(self, centre: XY, width: float, height: float) -> str:
        cx, cy = centre
        w, h = width / 2, height / 2
        ring = [(cx - w, cy - h), (cx + w, cy - h), (cx + w, cy + h), (cx - w, cy + h), (cx - w, cy - h)]
        return f"SRID=4326;POLYGON(({self._coords(ring)}))"


# --- Lines --------------------------------------------------------------------------------------


def length(points: list[XY]) -> float:
    return sum(math.dist(a, b) for a, b in zip(points, points[1:], strict=False))


def walk(points: list[XY], spacing: float, start: float) -> Iterator[tuple[XY, XY]]:
    """(position, unit direction) every `spacing` metres along the line, from `start`."""
    travelled = 0.0
    target = start
    for a, b in zip(points, points[1:], strict=False):
        seg = math.dist(a, b)
        if seg == 0:
            continue
        ux, uy = (b[0] - a[0]) / seg, (b[1] - a[1]) / seg
        while target <= travelled + seg:
            t = target - travelled
            yield (a[0] + ux * t, a[1] + uy * t), (ux, uy)
            target += spacing
        travelled += seg


def beside(p: XY, direction: XY, metres: float) -> XY:
    """`metres` to the left of the travel direction (negative: to the right)."""
    return (p[0] - direction[1] * metres, p[1] + direction[0] * metres)


def offset(points: list[XY], metres: float) -> list[XY]:
    """The line moved sideways (left of its direction) by `metres` (gentle bends only)."""
    out = []
    for k, p in enumerate(points):
        a = points[max(k - 1, 0)]
        b = points[min(k + 1, len(points) - 1)]
        d = math.dist(a, b) or 1.0
        out.append(beside(p, ((b[0] - a[0]) / d, (b[1] - a[1]) / d), metres))
    return out


def midpoint(points: list[XY]) -> XY:
    half = length(points) / 2
    for p, _d in walk(points, spacing=1e9, start=half):
        return p
    return points[0]


def distance_to_line(p: XY, points: list[XY]) -> float:
    best = math.inf
    for a, b in zip(points, points[1:], strict=False):
        dx, dy = b[0] - a[0], b[1] - a[1]
        seg2 = dx * dx + dy * dy
        t = 0.0 if seg2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / seg2))
        best = min(best, math.dist(p, (a[0] + t * dx, a[1] + t * dy)))
    return best


# --- The street network -------------------------------------------------------------------------


@dataclass
class Street:
    """One road asset: a section of a main road, or a whole soi."""

    name: str
    points: list[XY]
    kind: str  # "main", "soi", "riverside", "highway"
    axis: str  # "ns" or "ew": which way it runs (names the sides of its drains)


@dataclass
class Crossing:
    """Where a road crosses water: a bridge (line for roads, point for footbridges)."""

    name: str
    points: list[XY]
    span_m: float
    road: str
    foot: bool = False


@dataclass
class Town:
    place: Place
    frame: Frame
    extent: tuple[float, float, float, float]
    size: str = "small"
    streets: list[Street] = field(default_factory=list)
    crossings: list[Crossing] = field(default_factory=list)
    blocks: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, y0, x1, y1
    intersections: list[tuple[XY, str, str]] = field(default_factory=list)  # main × main
    water: list[list[XY]] = field(default_factory=list)  # river bank and canal lines (for floods)
    _community_names: list[str] = field(default_factory=list, repr=False)

    def community(self, p: XY) -> str:
        x0, x1, y0, y1 = self.extent
        cols, rows = self.zones
        if not self._community_names:
            self._community_names = self.place.community_names(cols * rows)
        names = self._community_names
        col = min(cols - 1, max(0, int((p[0] - x0) / (x1 - x0) * cols)))
        row = min(rows - 1, max(0, int((p[1] - y0) / (y1 - y0) * rows)))
        return names[row * cols + col]

    @property
    def zones(self) -> tuple[int, int]:
        x0, x1, y0, y1 = self.extent
        size = self.place.community_size_m * (2.2 if self.size == "large" else 1.0)
        return max(2, round((x1 - x0) / size)), max(2, round((y1 - y0) / size))

    def near_water(self, p: XY, metres: float) -> bool:
        return any(distance_to_line(p, line) <= metres for line in self.water)


def _river_x(place: Place, y: float) -> float:
    return place.river_x + 45 * math.sin(y / 650)


def _canal_y(place: Place, x: float) -> float:
    return place.canal_y + 22 * math.sin(x / 330)


def build_town(place: Place, *, lon0: float, lat0: float, size: str, rng) -> Town:
    """The streets, crossings and blocks of the town for this size ("large" grows the grid)."""
    x0, x1, y0, y1 = place.large if size == "large" else place.small
    town = Town(place=place, frame=Frame(lon0, lat0, place.angle), extent=(x0, x1, y0, y1), size=size)
    every = place.main_every
    xs = [i * place.dx for i in range(math.ceil(x0 / place.dx), math.floor(x1 / place.dx) + 1)]
    ys = [j * place.dy for j in range(math.ceil(y0 / place.dy), math.floor(y1 / place.dy) + 1)]
    canal = place.canal_y is not None
    if canal:  # the canal takes the place of the street lines too close to it
        ys = [y for y in ys if abs(y - place.canal_y) > 70]
    main_x = {x for x in xs if round(x / place.dx) % every == 0}
    main_y = {y for y in ys if round(y / place.dy) % every == 0}
    ns_names = place.road_names(place.ns_roads, len(main_x), "ns")
    ew_names = place.road_names(place.ew_roads, len(main_y), "ew")
    name_of_x = dict(zip(sorted(main_x, key=abs), ns_names, strict=False))
    name_of_y = dict(zip(sorted(main_y, key=abs), ew_names, strict=False))
    if place.highway:
        name_of_y[0] = place.highway
    west = (lambda y: _river_x(place, y) + 200) if place.river_x is not None else (lambda y: xs[0])
    soi_count: dict[str, int] = {}

    def soi_name(parent: str) -> str:
        soi_count[parent] = soi_count.get(parent, 0) + 1
        return f"ซอย{parent.removeprefix('ถนน').split(' (')[0]} {soi_count[parent]}"

    # The river bank road (Kantang): the town's west edge, sections between main streets.
    if place.river_x is not None:
        bank = [(_river_x(place, y) + 200, y) for y in _frange(ys[0] - 60, ys[-1] + 60, 80)]
        town.water.append([(_river_x(place, y) + 160, y) for y in _frange(ys[0] - 400, ys[-1] + 400, 80)])
        cuts = sorted(main_y)
        _add_sections(town, place.riverside, bank, cuts, axis="ns", kind="riverside", coord=1)
        for y in main_y:
            town.intersections.append(((west(y), y), place.riverside, name_of_y[y]))
        y_b = min(main_y, key=lambda y: abs(y - place.river_bridge_y))
        span = [(_river_x(place, y_b) - 230, y_b), (west(y_b), y_b)]
        town.crossings.append(Crossing(place.river_bridge, span, length(span), name_of_y[y_b]))
    if canal:
        town.water.append([(x, _canal_y(place, x)) for x in _frange(x0 - 300, x1 + 300, 60)])
        if place.river_x is not None:  # the canal's mouth, under the river bank road
            x_m = west(place.canal_y)
            span = [(x_m, place.canal_y - 16), (x_m, place.canal_y + 16)]
            town.crossings.append(Crossing(f"สะพานข้าม{place.canal} (ปากคลอง)", span, 32.0, place.riverside))

    # North–south lines: main roads cross the canal on bridges; sois stop at its bank.
    for x in xs:
        if x in main_x:
            name = name_of_x[x]
            line = [(x, ys[0]), (x, ys[-1])]
            _add_sections(town, name, line, sorted(main_y), axis="ns", kind="main", coord=1)
            if canal and ys[0] < place.canal_y < ys[-1]:
                y_c = _canal_y(place, x)
                span = [(x, y_c - 14), (x, y_c + 14)]
                town.crossings.append(Crossing(f"สะพานข้าม{place.canal} {name}", span, 28.0, name))
            continue
        bounds = sorted({ys[0], ys[-1], *main_y})
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            parts = [(lo, hi)]
            if canal and lo < place.canal_y < hi:
                y_c = _canal_y(place, x)
                parts = [(lo, y_c - 12), (y_c + 12, hi)]
                if rng.random() < 0.5:
                    town.crossings.append(Crossing(
                        f"สะพานคนเดินข้าม{place.canal}", [(x, y_c)], 24.0, "", foot=True))
            for a, b in parts:
                if b - a < 60 or rng.random() < 0.1:
                    continue  # a missing soi: the grid is not perfect
                if rng.random() < 0.25:  # dead end
                    b = a + (b - a) * rng.uniform(0.55, 0.85)
                parent = (name_of_y.get(a) or name_of_y.get(hi)
                          or name_of_x[min(main_x, key=lambda m: abs(m - x))])
                town.streets.append(Street(soi_name(parent), [(x, a), (x, b)], "soi", "ns"))

    # East–west lines: from the river road (or the grid's edge) to the east edge.
    for y in ys:
        start = west(y)
        if y in main_y:
            name = name_of_y[y]
            if place.highway and y == 0:
                line = _highway(place, xs, rng)
            else:
                line = [(start, y), (xs[-1], y)]
            _add_sections(town, name, line, sorted(main_x), axis="ew",
                          kind="highway" if place.highway and y == 0 else "main", coord=0)
            for x in main_x:
                town.intersections.append(((x, y), name_of_x[x], name))
            continue
        bounds = sorted({start, xs[-1], *(x for x in main_x if x > start)})
        for a, b in zip(bounds, bounds[1:], strict=False):
            if b - a < 60 or rng.random() < 0.1:
                continue
            if rng.random() < 0.25:
                a = b - (b - a) * rng.uniform(0.55, 0.85)
            parent = (name_of_x.get(b) or name_of_x.get(a) or place.riverside
                      or name_of_y[min(main_y, key=abs)])
            town.streets.append(Street(soi_name(parent), [(a, y), (b, y)], "soi", "ew"))

    if place.approach:  # the road in from the provincial town, off the north-east corner
        corner = (xs[-1], ys[-1])
        bend = [(corner[0] + 70 * k + 120 * math.sin(k / 3), corner[1] + 90 * k) for k in range(11)]
        town.streets.append(Street(place.approach, [corner, *bend[1:]], "highway", "ns"))

    # Blocks between streets (building plots), clear of the canal.
    block_xs = ([west(0)] if place.river_x is not None else []) + xs
    for xa, xb in zip(block_xs, block_xs[1:], strict=False):
        for ya, yb in zip(ys, ys[1:], strict=False):
            if canal and ya - 40 < place.canal_y < yb + 40:
                continue
            town.blocks.append((xa + 14, ya + 14, xb - 14, yb - 14))
    return town


def _frange(a: float, b: float, step: float) -> list[float]:
    n = max(1, math.ceil((b - a) / step))
    return [a + (b - a) * k / n for k in range(n + 1)]


def _highway(place: Place, xs: list[float], rng) -> list[XY]:
    """The national highway: straight through the town, bending gently outside it."""
    reach = place.highway_reach
    west = [(xs[0] - reach * k / 6, -40 * (k / 6) ** 2) for k in range(6, 0, -1)]
    east = [(xs[-1] + reach * k / 6, 55 * (k / 6) ** 2) for k in range(1, 7)]
    return [*west, *[(x, 0.0) for x in xs], *east]


def _add_sections(town: Town, name: str, line: list[XY], cuts: list[float], *, axis: str, kind: str,
                  coord: int) -> None:
    """Split a long road where it meets the main streets: one asset per section (~ 600–700 m),
    as a กองช่าง register lists roads."""
    lo, hi = line[0][coord], line[-1][coord]
    keep = [c for c in cuts if lo < c < hi]
    bounds = [lo, *keep, hi]
    sections = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        part = [p for p in line if a <= p[coord] <= b]
        if not part or part[0][coord] > a:
            part.insert(0, _at(line, coord, a))
        if part[-1][coord] < b:
            part.append(_at(line, coord, b))
        if length(part) > 20:
            sections.append(part)
    for k, part in enumerate(sections, start=1):
        label = name if len(sections) == 1 else f"{name} ช่วงที่ {k}"
        town.streets.append(Street(label, part, kind, axis))


def _at(line: list[XY], coord: int, value: float) -> XY:
    """The point of a monotonic line where the coordinate `coord` equals `value`."""
    for a, b in zip(line, line[1:], strict=False):
        if a[coord] <= value <= b[coord]:
            span = b[coord] - a[coord]
            t = 0.0 if span == 0 else (value - a[coord]) / span
            return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
    return line[-1] if value >= line[-1][coord] else line[0]
