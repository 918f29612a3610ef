"""The demo asset register: roads with their lights, drains, pipes, hydrants and bins, bridges,
public buildings and CCTV, as a กองช่าง would have surveyed them."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..models import AssetStatus, AssetType, Condition
from .town import XY, Street, Town, beside, length, midpoint, offset, walk

# Code prefixes of the demo register; the seeder owns the rows with these codes and no creator.
PREFIXES: dict[str, tuple[str, int]] = {
    AssetType.ROAD: ("RD", 4),
    AssetType.DRAIN: ("DR", 4),
    AssetType.STREETLIGHT: ("SL", 5),
    AssetType.WATER_PIPE: ("WP", 4),
    AssetType.BRIDGE: ("BR", 4),
    AssetType.BUILDING: ("BD", 4),
    AssetType.CCTV: ("CC", 4),
    AssetType.HYDRANT: ("HY", 4),
    AssetType.WASTE_BIN: ("WB", 5),
}
CODE_REGEX = r"^(RD|DR|SL|WP|BR|BD|CC|HY|WB)-[0-9]{4,6}$"

_SIDES = {"ns": ("ฝั่งตะวันตก", "ฝั่งตะวันออก"), "ew": ("ฝั่งเหนือ", "ฝั่งใต้")}


@dataclass
class DemoAsset:
    code: str
    asset_type: str
    name: str
    geometry: str  # EWKT, WGS 84
    condition: str
    status: str
    installed_on: date | None
    community: str
    attributes: dict
    notes: str
    at: XY  # a point on the asset, in town metres (requests are reported near it)
    road: str  # the street it stands on, for addresses
    created_at: datetime | None = None
    history: list[tuple[datetime, str, str, str]] = field(default_factory=list)  # at, from, to, note


class Register:
    """Builds the rows; numbering per type skips codes someone already uses by hand."""

    def __init__(self, town: Town, rng, today: date, taken: set[str]):
        self.town, self.rng, self.today, self.taken = town, rng, today, taken
        self.assets: list[DemoAsset] = []
        self._next = dict.fromkeys(PREFIXES, 0)

    def _code(self, asset_type: str) -> str:
        prefix, digits = PREFIXES[asset_type]
        while True:
            self._next[asset_type] += 1
            code = f"{prefix}-{self._next[asset_type]:0{digits}d}"
            if code not in self.taken:
                return code

    def year_date(self, first: int, last: int) -> date:
        last_day = min(date(last, 12, 31), self.today - timedelta(days=60))
        start = date(first, 1, 1)
        return start + timedelta(days=self.rng.randrange(max(1, (last_day - start).days)))

    def add(self, asset_type, name, geometry, at, road, attributes, installed, *, notes="",
            may_plan=False) -> DemoAsset:
        rng = self.rng
        condition, status = self._state(asset_type, installed)
        if may_plan and rng.random() < 0.006:
            installed, condition, status = None, Condition.GOOD, AssetStatus.PLANNED
            notes = f"โครงการปีงบประมาณ {self.today.year + 544} รอติดตั้ง"
        asset = DemoAsset(
            code=self._code(asset_type), asset_type=asset_type, name=name[:200], geometry=geometry,
            condition=condition, status=status, installed_on=installed,
            community=self.town.community(at), attributes=attributes, notes=notes, at=at, road=road,
        )
        self.assets.append(asset)
        return asset

    def _state(self, asset_type: str, installed: date) -> tuple[str, str]:
        rng = self.rng
        age = (self.today - installed).days / 365.25
        out = 0.012 + 0.0015 * age + (0.03 if asset_type == AssetType.STREETLIGHT else 0)
        poor = min(0.3, 0.025 + 0.007 * age)
        good = max(0.2, 0.82 - 0.022 * age)
        roll = rng.random()
        if roll < out:
            kind = rng.random()
            status = (AssetStatus.RETIRED if kind < 0.08 else
                      AssetStatus.UNDER_REPAIR if kind < 0.45 else AssetStatus.IN_USE)
            return Condition.OUT_OF_SERVICE, status
        if roll < out + poor:
            return Condition.POOR, AssetStatus.UNDER_REPAIR if rng.random() < 0.08 else AssetStatus.IN_USE
        if roll < out + poor + good:
            return Condition.GOOD, AssetStatus.IN_USE
        return Condition.FAIR, AssetStatus.IN_USE


def _pick(rng, weighted: dict):
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _road_attrs(rng, street: Street) -> tuple[dict, int, int]:
    """Attributes, and the range of years it was built in."""
    if street.kind == "highway":
        return {"surface": "asphalt", "width_m": float(rng.choice((12, 14, 20)))}, 1996, 2012
    if street.kind in ("main", "riverside"):
        surface = _pick(rng, {"asphalt": 0.85, "concrete": 0.15})
        return {"surface": surface, "width_m": float(rng.choice((8, 9, 10, 12)))}, 1996, 2022
    surface = _pick(rng, {"concrete": 0.64, "asphalt": 0.18, "laterite": 0.12, "gravel": 0.06})
    return {"surface": surface, "width_m": rng.choice((4.0, 4.5, 5.0, 6.0))}, 1996, 2025


def _lamp(rng, year: int, main: bool) -> dict:
    if year >= 2016:
        lamp = _pick(rng, {"led": 0.85, "solar_led": 0.15})
    elif year >= 2008:
        lamp = _pick(rng, {"sodium": 0.6, "led": 0.25, "metal_halide": 0.15})
    else:
        lamp = _pick(rng, {"sodium": 0.65, "fluorescent": 0.35})
    watts = {
        "led": (100, 120, 150) if main else (40, 60, 80), "solar_led": (40, 60),
        "sodium": (150, 250) if main else (70, 100), "fluorescent": (36,), "metal_halide": (250, 400),
    }[lamp]
    height = (9.0, 10.0, 12.0) if main else (6.0, 7.0, 8.0)
    return {"lamp_type": lamp, "watts": rng.choice(watts), "pole_height_m": rng.choice(height)}


def build_register(town: Town, rng, today: date, taken: set[str]) -> list[DemoAsset]:
    reg = Register(town, rng, today, taken)
    frame = town.frame
    for street in town.streets:
        _street_assets(reg, street)
    for crossing in town.crossings:
        if crossing.foot:
            attrs = {"length_m": crossing.span_m, "width_m": rng.choice((1.5, 2.0, 2.5)),
                     "material": _pick(rng, {"concrete": 0.5, "steel": 0.3, "wood": 0.2}), "load_tonnes": 0.5}
            p = crossing.points[0]
            reg.add(AssetType.BRIDGE, crossing.name, frame.point(p), p, crossing.road, attrs,
                    reg.year_date(1998, 2022))
            continue
        big = crossing.span_m > 100
        attrs = {"length_m": round(crossing.span_m, 2), "width_m": 10.5 if big else rng.choice((8.0, 9.0)),
                 "material": "concrete", "load_tonnes": 30.0 if big else rng.choice((18.0, 25.0))}
        installed = date(2006, 3, 15) if big else reg.year_date(1998, 2020)
        at = midpoint(crossing.points)
        reg.add(AssetType.BRIDGE, crossing.name, frame.line(crossing.points), at, crossing.road, attrs,
                installed, notes="ตรวจสภาพโครงสร้างทุก 2 ปี" if big else "")
        if big:  # lights along both rails of the river bridge
            for n, (p, d) in enumerate(walk(crossing.points, 40.0, 15.0), start=1):
                spot = beside(p, d, 5.5 if n % 2 else -5.5)
                reg.add(AssetType.STREETLIGHT, f"ไฟส่องสว่าง {crossing.name} ต้นที่ {n}", frame.point(spot),
                        spot, crossing.road, {"lamp_type": "led", "watts": 120, "pole_height_m": 10.0},
                        reg.year_date(2017, 2023))
    for (p, a, b) in town.intersections:
        for k in range(rng.choice((1, 1, 2))):
            spot = (p[0] + (9 if k == 0 else -9), p[1] + (9 if k == 0 else -9))
            name = f"กล้อง CCTV แยก{_short(a)}–{_short(b)}"
            reg.add(AssetType.CCTV, name + (f" ตัวที่ {k + 1}" if k else ""), frame.point(spot), spot, a,
                    _camera(rng), reg.year_date(2014, 2025), may_plan=True)
    _buildings(reg)
    return reg.assets


def _short(road: str) -> str:
    """"ถนนท่าเรือ ช่วงที่ 2" → "ท่าเรือ" (intersections are named by the short names)."""
    return road.removeprefix("ถนน").split(" (")[0].split(" ช่วงที่")[0]


def _camera(rng) -> dict:
    return {"camera_kind": _pick(rng, {"IP Dome 4MP": 0.4, "Bullet 4MP": 0.35, "PTZ 2MP": 0.25}),
            "connected": rng.random() < 0.8}


def _street_assets(reg: Register, street: Street) -> None:
    rng, frame, today = reg.rng, reg.town.frame, reg.today
    attrs, first, last = _road_attrs(rng, street)
    built = reg.year_date(first, last)
    line_len = length(street.points)
    main = street.kind != "soi"
    notes = ""
    if street.kind == "highway":
        notes = "ทางหลวงในความดูแลของกรมทางหลวง เทศบาลดูแลไฟส่องสว่าง ท่อระบายน้ำ และทางเท้าริมทาง"
    elif attrs["surface"] == "laterite":
        notes = "ผิวลูกรัง เสนอปรับปรุงเป็นถนนคอนกรีตเสริมเหล็ก"
    mid = midpoint(street.points)
    reg.add(AssetType.ROAD, street.name, frame.line(street.points), mid, street.name,
            {**attrs, "length_m": round(line_len, 2)}, built, notes=notes)
    half = attrs["width_m"] / 2
    unpaved = attrs["surface"] in ("laterite", "gravel")
    short = street.name.split(" ช่วงที่")[0]

    # Street lights every 30–40 m; a road is usually lit in one project, some lamps replaced since.
    if not unpaved or rng.random() < 0.3:
        project = max(built.year, rng.randrange(built.year, today.year + 1))
        spacing = rng.uniform(30, 40)
        for n, (p, d) in enumerate(walk(street.points, spacing, rng.uniform(8, 18)), start=1):
            side = (1 if n % 2 else -1) if main else 1
            spot = beside(p, d, side * (half + 1.2))
            year = project if rng.random() > 0.12 else rng.randrange(project, today.year + 1)
            reg.add(AssetType.STREETLIGHT, f"ไฟส่องสว่าง {street.name} ต้นที่ {n}", frame.point(spot), spot,
                    street.name, _lamp(rng, year, main), reg.year_date(year, year), may_plan=True)

    # Drains: both sides of main roads, one side of most sois.
    sides = (1, -1) if main else ((1,) if rng.random() < 0.75 else ())
    for side in sides:
        drain_line = offset(street.points, side * (half + 0.6))
        if street.kind == "highway" or (main and rng.random() < 0.5):
            kind = _pick(rng, {"box_culvert": 0.6, "open_channel": 0.4})
            diameter = rng.choice((800, 1000, 1200))
        else:
            kind, diameter = ("pipe", rng.choice((300, 400, 600))) if not unpaved else ("open_channel", 400)
        label = _SIDES[street.axis][0 if side == 1 else 1]
        reg.add(AssetType.DRAIN, f"ท่อระบายน้ำ {street.name} {label}", frame.line(drain_line),
                midpoint(drain_line), street.name,
                {"drain_kind": kind, "diameter_mm": diameter, "length_m": round(length(drain_line), 2)},
                reg.year_date(max(first, built.year - 2), min(last, built.year + 3)))

    # Water mains along most streets (the old ones asbestos cement).
    if rng.random() < 0.85:
        pipe_line = offset(street.points, -(half + 2.0))
        year = reg.year_date(1996, 2024)
        if main:
            material = _pick(rng, {"hdpe": 0.5, "pvc": 0.4, "steel": 0.1})
            if year.year < 2003 and rng.random() < 0.6:
                material = "ac"
            diameter = rng.choice((150, 200, 250, 300))
        else:
            material, diameter = _pick(rng, {"pvc": 0.7, "hdpe": 0.3}), rng.choice((50, 75, 100))
        reg.add(AssetType.WATER_PIPE, f"ท่อประปา {street.name}", frame.line(pipe_line), midpoint(pipe_line),
                street.name, {"material": material, "diameter_mm": diameter,
                              "length_m": round(length(pipe_line), 2)}, year)

    # Fire hydrants on the mains of main roads, every ~250 m.
    if main:
        for n, (p, d) in enumerate(walk(street.points, rng.uniform(220, 280), rng.uniform(40, 120)), start=1):
            spot = beside(p, d, -(half + 2.5))
            reg.add(AssetType.HYDRANT, f"หัวดับเพลิง {street.name} จุดที่ {n}", frame.point(spot), spot,
                    street.name, {"pressure_bar": round(rng.uniform(1.8, 4.0), 1)}, reg.year_date(2000, 2024))

    # Waste bins: along main roads every ~140 m, at the mouth of most sois.
    spots: list = []
    if main:
        spots = list(walk(street.points, rng.uniform(120, 160), rng.uniform(20, 70)))
    elif rng.random() < 0.7:
        spots = list(walk(street.points, 1e9, 6.0))
        if line_len > 250 and rng.random() < 0.4:
            spots += list(walk(street.points, 1e9, line_len / 2))
    for n, (p, d) in enumerate(spots, start=1):
        spot = beside(p, d, half + 2.0)
        capacity = _pick(rng, {120: 0.45, 240: 0.4, 660: 0.15})
        reg.add(AssetType.WASTE_BIN, f"ถังขยะ {street.name} จุดที่ {n}", frame.point(spot), spot, street.name,
                {"capacity_l": capacity}, reg.year_date(2016, 2026), may_plan=True)

    # Bus shelters along the main roads, every ~500 m.
    if main and street.kind != "riverside":
        for p, d in walk(street.points, 500.0, rng.uniform(150, 350)):
            spot = beside(p, d, half + 3.0)
            reg.add(AssetType.BUILDING, f"ศาลาที่พักผู้โดยสาร {short}", frame.point(spot), spot, street.name,
                    {"floors": 1, "area_m2": 12.0, "use": "ที่พักผู้โดยสาร"}, reg.year_date(2005, 2024))


def _buildings(reg: Register) -> None:
    """Public buildings as small polygons on free plots, with a camera and bins at the busy ones."""
    town, rng, frame = reg.town, reg.rng, reg.town.frame
    free = list(town.blocks)
    x0, x1, y0, y1 = town.extent
    small = town.place.small
    scale = max(1, round((x1 - x0) * (y1 - y0) / ((small[1] - small[0]) * (small[3] - small[2]))))
    used_names: set[str] = set()
    for spec in town.place.buildings:
        count = spec.count * (scale if spec.scales else 1)
        for n in range(1, count + 1):
            if not free:
                return
            if spec.near is not None:
                block = min(free, key=lambda b: math.dist(spec.near, ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)))
            else:
                block = free[rng.randrange(len(free))]
            free.remove(block)
            bw, bh = block[2] - block[0], block[3] - block[1]
            w, h = min(spec.size[0], bw - 6), min(spec.size[1], bh - 6)
            cx = block[0] + w / 2 + 3 + rng.random() * max(0.0, bw - w - 6)
            cy = block[1] + h / 2 + 3 + rng.random() * max(0.0, bh - h - 6)
            centre = (cx, cy)
            name = spec.name.format(n=n)
            if name in used_names:
                name = f"{name} แห่งที่ {n}"
            used_names.add(name)
            attrs = {"floors": spec.floors, "area_m2": round(w * h * spec.floors, 2), "use": spec.use}
            road = f"ใกล้{name}"
            reg.add(AssetType.BUILDING, name, frame.rectangle(centre, w, h), centre, road, attrs,
                    reg.year_date(1996, 2022))
            if spec.use in ("สำนักงาน", "ตลาด", "โรงเรียน", "ท่าเรือ", "สถานีดับเพลิง"):
                gate = (cx - w / 2 - 4, cy - h / 2 - 4)
                reg.add(AssetType.CCTV, f"กล้อง CCTV หน้า{name}", frame.point(gate), gate, road, _camera(rng),
                        reg.year_date(2014, 2025))
                for k in range(2):
                    bin_at = (cx + w / 2 + 3, cy - h / 2 + 4 + 6 * k)
                    reg.add(AssetType.WASTE_BIN, f"ถังขยะ {name} จุดที่ {k + 1}", frame.point(bin_at), bin_at,
                            road, {"capacity_l": 660 if spec.use == "ตลาด" else 240},
                            reg.year_date(2016, 2026))


def add_history(assets: list[DemoAsset], rng, now: datetime) -> None:
    """When each asset entered the register, and the condition changes since (≈ 1 in 6)."""
    for asset in assets:
        registered = now - timedelta(days=rng.uniform(420, 1000), hours=rng.uniform(0, 8))
        if asset.installed_on is not None:
            installed = datetime(asset.installed_on.year, asset.installed_on.month, asset.installed_on.day,
                                 10, tzinfo=now.tzinfo)
            if installed > registered:  # built after the register was made: added on completion
                registered = min(installed + timedelta(days=rng.uniform(3, 40)), now - timedelta(days=2))
        asset.created_at = registered
        chain = [asset.condition]
        if rng.random() < 0.17:
            for _ in range(rng.choice((1, 1, 2))):
                chain.insert(0, _before(rng, chain[0]))
        times = sorted(registered + (now - registered) * rng.uniform(0.05, 0.98) for _ in chain[1:])
        asset.history = [(registered, "", chain[0], "")]
        for at, previous, current in zip(times, chain, chain[1:], strict=False):
            asset.history.append((at, previous, current, _note(rng, previous, current)))


_ORDER = [Condition.GOOD, Condition.FAIR, Condition.POOR, Condition.OUT_OF_SERVICE]


def _before(rng, condition: str) -> str:
    if condition == Condition.GOOD:  # repaired
        return rng.choice((Condition.POOR, Condition.OUT_OF_SERVICE, Condition.FAIR))
    better = _ORDER[: _ORDER.index(condition)]
    return rng.choice(better)


def _note(rng, previous: str, current: str) -> str:
    if _ORDER.index(current) < _ORDER.index(previous):
        return rng.choice(("ซ่อมแซมแล้วเสร็จ", "เปลี่ยนอุปกรณ์ใหม่ตามใบสั่งงาน", "ปรับปรุงตามแผนประจำปี"))
    return rng.choice(("ตรวจสภาพประจำปี", "ได้รับแจ้งจากประชาชน ออกตรวจแล้ว", "ชำรุดหลังฝนตกหนัก",
                       "ตรวจพบระหว่างออกสำรวจ"))
