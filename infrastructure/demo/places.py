"""What the two pilot towns look like, for the demo data: the lie of the streets, the water, the
names people use. Synthetic, but plausible to someone who knows the towns.

Distances are metres on the town's grid frame (x along the grid's east–west streets, y along its
north–south streets), measured from the municipality's centre.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Building:
    """A public building (or a kind of them, `count` > 1: numbered)."""

    name: str
    use: str
    floors: int
    size: tuple[float, float]  # width, depth in metres
    count: int = 1
    near: tuple[float, float] | None = None  # where in the town (metres from the centre)
    scales: bool = False  # the large demo has proportionally more of them


@dataclass(frozen=True)
class Place:
    key: str
    town: str  # the short name, as in "สถานีตำรวจภูธรกันตัง"
    angle: float  # the grid's rotation, degrees anticlockwise from east
    small: tuple[float, float, float, float]  # x min, x max, y min, y max
    large: tuple[float, float, float, float]
    dx: float  # spacing of the north–south streets
    dy: float  # spacing of the east–west streets
    ns_roads: tuple[str, ...]
    ew_roads: tuple[str, ...]
    communities: tuple[str, ...]
    buildings: tuple[Building, ...]
    power_office: str  # who owns the power lines (requests about them are passed on)
    main_every: int = 4
    river_x: float | None = None  # a big river's centreline west of the town
    river_bridge: str = ""
    river_bridge_y: float = 0.0
    riverside: str = ""  # the road along the river bank
    canal: str = ""
    canal_y: float | None = None  # a canal across the town, east–west
    highway: str = ""  # a national highway along the main east–west street (y = 0)
    highway_reach: float = 0.0  # how far it runs out of town each way
    approach: str = ""  # the road in from the provincial town (north-east)
    flood_season_share: float = 0.7  # share of flood reports in October–December
    community_size_m: float = 800.0

    def road_names(self, names: tuple[str, ...], count: int, axis: str) -> list[str]:
        numbered = [f"ถนนเทศบาล {n}" for n in range(1, count + 1)]
        if axis == "ew":
            numbered = [f"ถนนเทศบาล {n}" for n in range(101, 101 + count)]
        return [*names, *numbered][:count]

    def community_names(self, count: int) -> list[str]:
        names = list(self.communities)
        for suffix in ("เหนือ", "ใต้", "ตะวันออก", "ตะวันตก", "พัฒนา", "สามัคคี"):
            names += [f"{name}{suffix}" for name in self.communities]
        while len(names) < count:
            names.append(f"ชุมชนที่ {len(names) + 1}")
        return names[:count]


_SHARED_BUILDINGS = (
    Building("ศูนย์พัฒนาเด็กเล็กเทศบาล {n}", "ศูนย์พัฒนาเด็กเล็ก", 1, (26, 18), count=3, scales=True),
    Building("ศาลาประชาคมชุมชน {n}", "ศาลาอเนกประสงค์ชุมชน", 1, (16, 12), count=4, scales=True),
    Building("ห้องสมุดประชาชนเทศบาล", "ห้องสมุด", 2, (22, 16)),
    Building("อาคารศูนย์ผู้สูงอายุ", "ศูนย์ผู้สูงอายุ", 1, (24, 16)),
    Building("สถานีสูบน้ำ {n}", "สถานีสูบน้ำ", 1, (12, 10), count=2, scales=True),
    Building("อาคารโรงจอดรถและพัสดุกองช่าง", "โรงซ่อมบำรุง", 1, (40, 24)),
)

KANTANG = Place(
    key="kantang",
    town="กันตัง",
    angle=8.0,
    small=(-950.0, 1300.0, -1300.0, 1300.0),
    large=(-950.0, 5400.0, -4700.0, 4700.0),
    dx=180.0,
    dy=160.0,
    river_x=-1450.0,
    river_bridge="สะพานข้ามแม่น้ำตรัง (กันตัง)",
    river_bridge_y=900.0,
    riverside="ถนนริมแม่น้ำตรัง",
    canal="คลองบางหมาก",
    canal_y=-420.0,
    approach="ถนนตรัง-กันตัง (ทางหลวงหมายเลข 403)",
    flood_season_share=0.85,
    ns_roads=("ถนนรักษ์จันทร์", "ถนนตรังคภูมิบาล", "ถนนสถานีรถไฟ", "ถนนอุดมธารา", "ถนนศรีกันตัง",
              "ถนนยางพารา", "ถนนกันตังพัฒนา", "ถนนพระยารัษฎา", "ถนนเพชรกันตัง", "ถนนบางเป้า"),
    ew_roads=("ถนนท่าเรือ", "ถนนตรัง-กันตัง", "ถนนทองคำ", "ถนนต้นยาง", "ถนนควนขัน", "ถนนสุขาภิบาล",
              "ถนนเจริญราษฎร์", "ถนนนาเกลือ", "ถนนศรีสุข", "ถนนย่านซื่อ", "ถนนบ้านนา", "ถนนโต๊ะหลัง"),
    communities=("ชุมชนตลาดกันตัง", "ชุมชนท่าเรือ", "ชุมชนสถานีรถไฟ", "ชุมชนริมน้ำ", "ชุมชนควนขัน",
                 "ชุมชนบางเป้า", "ชุมชนย่านซื่อ", "ชุมชนหลังโรงพยาบาล", "ชุมชนศาลเจ้า", "ชุมชนบ้านนา",
                 "ชุมชนโต๊ะหลัง", "ชุมชนทุ่งหลวง", "ชุมชนบางหมาก", "ชุมชนกันตังใต้"),
    buildings=(
        Building("สำนักงานเทศบาลเมืองกันตัง", "สำนักงาน", 3, (46, 30), near=(90, 80)),
        Building("ตลาดสดเทศบาลเมืองกันตัง", "ตลาด", 1, (64, 42), near=(-560, 240)),
        Building("ตลาดนัดริมน้ำกันตัง", "ตลาด", 1, (44, 24), near=(-1100, -150)),
        Building("อาคารท่าเทียบเรือกันตัง", "ท่าเรือ", 1, (70, 30), near=(-1150, 30)),
        Building("โกดังสินค้าท่าเรือกันตัง {n}", "โกดัง", 1, (50, 30), count=2, near=(-1150, 300)),
        Building("โรงเรียนเทศบาล {n} (กันตัง)", "โรงเรียน", 2, (90, 60), count=3, scales=True),
        Building("ศูนย์บริการสาธารณสุขเทศบาลเมืองกันตัง", "ศูนย์บริการสาธารณสุข", 2, (30, 20),
                 near=(300, -150)),
        Building("รพ.สต. บ้านย่านซื่อ", "โรงพยาบาลส่งเสริมสุขภาพตำบล", 1, (28, 18), near=(900, 900)),
        Building("สถานีดับเพลิงเทศบาลเมืองกันตัง", "สถานีดับเพลิง", 2, (32, 22), near=(400, 300)),
        Building("สนามกีฬาเทศบาลเมืองกันตัง", "สนามกีฬา", 1, (110, 80), near=(700, -900)),
        Building("หอประชุมเทศบาลเมืองกันตัง", "หอประชุม", 2, (44, 30), near=(-100, 120)),
        Building("โรงผลิตน้ำประปาเทศบาล", "ระบบประปา", 1, (40, 30), near=(-1000, 1100)),
        *_SHARED_BUILDINGS,
    ),
    power_office="การไฟฟ้าส่วนภูมิภาคอำเภอกันตัง",
)

NUEAKLONG = Place(
    key="nueaklong",
    town="เหนือคลอง",
    angle=-20.0,
    small=(-1700.0, 1700.0, -850.0, 900.0),
    large=(-5600.0, 5600.0, -2700.0, 2900.0),
    dx=170.0,
    dy=150.0,
    canal="คลองปกาสัย",
    canal_y=-620.0,
    highway="ถนนเพชรเกษม (ทางหลวงหมายเลข 4)",
    highway_reach=1600.0,
    flood_season_share=0.7,
    community_size_m=850.0,
    ns_roads=("ถนนเหนือคลอง-ปกาสัย", "ถนนเหนือคลอง-ห้วยยูง", "ถนนโคกยาง", "ถนนเปลี่ยน", "ถนนตลิ่งชัน",
              "ถนนบ้านท่าประดู่", "ถนนควนใหญ่", "ถนนห้วยโต้", "ถนนคลองขนาน", "ถนนบ้านนาเหนือ"),
    ew_roads=("ถนนเหนือคลองพัฒนา", "ถนนศรีบอยา", "ถนนบ้านทุ่ง", "ถนนหน้าวัด", "ถนนสวนยาง", "ถนนคลองหิน",
              "ถนนบ้านควนโอ", "ถนนหนองจิก"),
    communities=("ชุมชนตลาดเหนือคลอง", "ชุมชนบ้านเหนือคลอง", "ชุมชนบ้านท่าประดู่", "ชุมชนบ้านควนใหญ่",
                 "ชุมชนบ้านห้วยโต้", "ชุมชนบ้านนาเหนือ", "ชุมชนบ้านทุ่งโพธิ์", "ชุมชนบ้านหน้าวัด",
                 "ชุมชนบ้านคลองหิน", "ชุมชนบ้านควนโอ", "ชุมชนบ้านหนองจิก", "ชุมชนบ้านปากคลอง"),
    buildings=(
        Building("สำนักงานเทศบาลตำบลเหนือคลอง", "สำนักงาน", 2, (40, 26), near=(85, 75)),
        Building("ตลาดสดเทศบาลตำบลเหนือคลอง", "ตลาด", 1, (56, 36), near=(-250, 75)),
        Building("ตลาดนัดเพชรเกษมเหนือคลอง", "ตลาด", 1, (48, 26), near=(600, -75)),
        Building("โรงเรียนเทศบาล {n} (เหนือคลอง)", "โรงเรียน", 2, (80, 56), count=2, scales=True),
        Building("รพ.สต. บ้านเหนือคลอง", "โรงพยาบาลส่งเสริมสุขภาพตำบล", 1, (28, 18), near=(-500, 300)),
        Building("รพ.สต. บ้านท่าประดู่", "โรงพยาบาลส่งเสริมสุขภาพตำบล", 1, (28, 18), near=(1200, 450)),
        Building("สถานีดับเพลิงเทศบาลตำบลเหนือคลอง", "สถานีดับเพลิง", 1, (30, 20), near=(300, -200)),
        Building("สนามกีฬาเทศบาลตำบลเหนือคลอง", "สนามกีฬา", 1, (100, 70), near=(-1200, 500)),
        Building("อาคารอเนกประสงค์เทศบาลตำบลเหนือคลอง", "หอประชุม", 1, (40, 28), near=(-60, 220)),
        Building("ระบบประปาหมู่บ้านบ้านควนใหญ่", "ระบบประปา", 1, (26, 20), near=(1400, 700)),
        *_SHARED_BUILDINGS,
    ),
    power_office="การไฟฟ้าส่วนภูมิภาคอำเภอเหนือคลอง",
)

PLACES = {place.key: place for place in (KANTANG, NUEAKLONG)}


def place_for(schema_name: str, town_name: str) -> Place:
    """The pilot's description, or a plain grid town for any other municipality."""
    if schema_name in PLACES:
        return PLACES[schema_name]
    return Place(
        key=schema_name, town=town_name, angle=5.0,
        small=(-1100.0, 1100.0, -1100.0, 1100.0), large=(-4200.0, 4200.0, -3400.0, 3400.0),
        dx=170.0, dy=160.0, ns_roads=(), ew_roads=(),
        communities=tuple(f"ชุมชนที่ {n}" for n in range(1, 13)),
        buildings=(Building(f"สำนักงาน{town_name}", "สำนักงาน", 2, (40, 26), near=(80, 80)),
                   *_SHARED_BUILDINGS),
        power_office="การไฟฟ้าส่วนภูมิภาค",
    )
