"""A year of demo service requests: seasonal categories, every status, timelines that agree with
their status, SLA due times, a few overdue and a few duplicates."""

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..models import TRACKING_ALPHABET, Channel, Priority, RequestCategory, RequestStatus
from .assets import DemoAsset
from .town import XY, Town

C, S = RequestCategory, RequestStatus

# How often each problem is reported in a southern Thai town (lights and drains lead).
CATEGORY_WEIGHTS = {
    C.LIGHTING: 27, C.DRAIN: 19, C.ROAD: 12, C.CLEANLINESS: 10, C.FLOOD: 8, C.TREE: 7,
    C.FOOTPATH: 5, C.POWER_LINE: 4, C.WATER_SUPPLY: 5, C.OTHER: 3,
}
# Where a report of each category is placed: next to an asset of this type (or a road).
NEAR_TYPE = {
    C.LIGHTING: "streetlight", C.DRAIN: "drain", C.FLOOD: "drain", C.ROAD: "road", C.FOOTPATH: "road",
    C.CLEANLINESS: "waste_bin", C.WATER_SUPPLY: "water_pipe", C.TREE: "road", C.POWER_LINE: "streetlight",
    C.OTHER: "road",
}
PRIORITY_WEIGHTS = {Priority.LOW: 14, Priority.NORMAL: 56, Priority.HIGH: 20, Priority.URGENT: 10}
CHANNEL_WEIGHTS = {Channel.PHONE: 30, Channel.LINE: 25, Channel.PUBLIC_WEB: 30, Channel.STAFF: 15}
DEMO_CHANNELS = tuple(CHANNEL_WEIGHTS)

DESCRIPTIONS = {
    C.LIGHTING: ("ไฟถนนดับ {n} ต้นติดกัน มืดมากตอนกลางคืน อันตรายกับคนเดินเท้า",
                 "ไฟกะพริบทั้งคืน บางคืนไม่ติดเลย", "ไฟส่องสว่างติดตลอดทั้งวัน เปลืองไฟ",
                 "เสาไฟเอียงหลังรถชน เกรงจะล้มใส่บ้าน", "โคมไฟแตก สายไฟห้อยลงมา"),
    C.DRAIN: ("ท่อระบายน้ำอุดตัน น้ำขังส่งกลิ่นเหม็น", "ฝาตะแกรงท่อระบายน้ำหาย รถจักรยานยนต์ตกเกือบล้ม",
              "น้ำในรางระบายน้ำไม่ไหล มีขยะอุดตันจำนวนมาก", "ฝาท่อแตก เป็นหลุมอันตรายหน้าบ้าน"),
    C.FLOOD: ("ฝนตกหนัก น้ำท่วมถนนสูงประมาณ {cm} ซม. รถเล็กผ่านไม่ได้",
              "น้ำท่วมขังหน้าบ้านมา {d} วันแล้ว ไม่ระบาย", "น้ำล้นตลิ่งเข้าท่วมบ้านเรือนริมคลอง ขอเครื่องสูบน้ำ",
              "น้ำท่วมซอย เด็กนักเรียนเดินทางไปโรงเรียนไม่ได้"),
    C.ROAD: ("ถนนเป็นหลุมเป็นบ่อขนาดใหญ่ รถจักรยานยนต์ล้มแล้ว {n} คัน", "ถนนทรุดตัวเป็นแอ่ง น้ำขังตลอด",
             "ผิวถนนแตกร่อน หินกระเด็นใส่รถ", "ลูกระนาดชำรุด เหล็กโผล่"),
    C.FOOTPATH: ("ทางเท้าแตกยุบ คนแก่เดินสะดุดล้ม", "มีร้านค้าวางของบนทางเท้า เดินไม่ได้",
                 "แผ่นปูทางเท้าหลุดหลายแผ่น"),
    C.CLEANLINESS: ("ขยะล้นถังไม่มีรถมาเก็บ {d} วันแล้ว", "มีการลักลอบทิ้งขยะริมถนน ส่งกลิ่นเหม็น",
                    "ถังขยะแตก สุนัขคุ้ยขยะกระจาย", "ขอถังขยะเพิ่มบริเวณตลาด"),
    C.TREE: ("กิ่งไม้ใหญ่หักพาดถนน กีดขวางการจราจร", "ต้นไม้เอียงเกือบล้ม อยู่ใกล้สายไฟ",
             "กิ่งไม้บังป้ายจราจรและไฟถนน ขอตัดแต่ง"),
    C.POWER_LINE: ("สายไฟหย่อนต่ำ รถบรรทุกเกี่ยวเกือบขาด", "สายไฟช็อตมีประกายไฟบนเสา",
                   "สายสื่อสารพันกันรุงรังห้อยลงมา"),
    C.WATER_SUPPLY: ("ท่อประปาแตก น้ำไหลนองถนน", "น้ำประปาไม่ไหล {d} วันแล้ว", "น้ำประปาขุ่นมีตะกอน",
                     "ประตูน้ำรั่วซึม"),
    C.OTHER: ("สุนัขจรจัดจำนวนมากรวมฝูงไล่กัดคน", "ป้ายชื่อซอยหายไป", "ขอให้ตีเส้นทางม้าลายหน้าโรงเรียน"),
}
RESOLUTIONS = {
    C.LIGHTING: ("เปลี่ยนหลอด LED ใหม่แล้ว ไฟติดปกติ", "ซ่อมสายไฟที่ขาดแล้ว", "เปลี่ยนสวิตช์ตั้งเวลาใหม่แล้ว"),
    C.DRAIN: ("ลอกท่อระบายน้ำ นำดินและขยะออกแล้ว", "เปลี่ยนฝาตะแกรงเหล็กใหม่แล้ว"),
    C.FLOOD: ("นำเครื่องสูบน้ำเข้าระบาย น้ำลดเข้าสู่ภาวะปกติแล้ว", "เปิดทางน้ำและลอกท่อแล้ว"),
    C.ROAD: ("ซ่อมหลุมบ่อด้วยยางมะตอยแล้ว", "ปะซ่อมผิวคอนกรีตแล้ว"),
    C.FOOTPATH: ("ซ่อมทางเท้าแล้ว", "ประสานผู้ประกอบการเก็บสิ่งของออกจากทางเท้าแล้ว"),
    C.CLEANLINESS: ("เก็บขยะตกค้างแล้ว และเพิ่มรอบการเก็บ", "นำถังขยะใบใหม่มาวางแล้ว"),
    C.TREE: ("ตัดแต่งกิ่งไม้และเก็บกวาดแล้ว",),
    C.POWER_LINE: ("{power} เข้าแก้ไขแล้ว",),
    C.WATER_SUPPLY: ("ซ่อมท่อประปาแล้ว น้ำไหลปกติ", "ล้างท่อและประตูน้ำแล้ว"),
    C.OTHER: ("ประสานหน่วยงานที่เกี่ยวข้องดำเนินการแล้ว",),
}
REJECTIONS = ("อยู่นอกเขตเทศบาล ส่งเรื่องต่อ อบต. ข้างเคียงแล้ว", "เป็นพื้นที่เอกชน ไม่อยู่ในอำนาจหน้าที่ของเทศบาล",
              "ตรวจสอบแล้วไม่พบปัญหาตามที่แจ้ง", "เป็นทรัพย์สินของ{power} ส่งเรื่องต่อแล้ว")
WORK_NOTES = ("ออกตรวจพื้นที่แล้ว กำลังจัดหาวัสดุ", "ทีมช่างเข้าดำเนินการ", "รอรถกระเช้าจากกองช่าง",
              "นัดผู้แจ้งตรวจหน้างานแล้ว")
COMMENTS = ("โทรแจ้งความคืบหน้าให้ผู้แจ้งทราบแล้ว", "ผู้แจ้งโทรสอบถามความคืบหน้า", "ถ่ายภาพหน้างานแนบไว้ในแฟ้มงาน")
FIRST_NAMES = ("สมชาย", "สมศรี", "วิชัย", "อารีย์", "กัลยา", "ประเสริฐ", "นิตยา", "บุญเลิศ", "สุภาพร", "อนุชา",
               "จันทร์เพ็ญ", "ธีรวัฒน์", "รัตนา", "สุรชัย", "พิมพ์ใจ", "อับดุลเลาะ", "ฮาซัน", "ฟาตีมะห์",
               "เกศินี", "ชัยวัฒน์", "ยุพิน", "ณัฐพล", "ศิริพร", "มานพ")
LAST_NAMES = ("ทองดี", "แก้วประเสริฐ", "หมัดหลี", "ศรีสวัสดิ์", "บุญช่วย", "เพชรรัตน์", "สุขสม", "หลีหมัด",
              "ชูแก้ว", "ขวัญเมือง", "นาคสวัสดิ์", "มณีรัตน์", "ดำแก้ว", "เส็นสมัน", "ทิพย์มณี", "จันทร์หอม")
LANDMARKS = ("หน้าร้านขายของชำ", "ปากซอย", "ข้างมัสยิด", "หน้าวัด", "ตรงข้ามร้านก๋วยเตี๋ยว", "ข้างศาลาประชาคม",
             "หน้าบ้านเลขที่ {n}/{m}", "ใกล้ร้านซ่อมรถจักรยานยนต์", "หลังตลาด", "หน้าร้านกาแฟ")


def demo_tracking_codes(schema_name: str, count: int) -> list[str]:
    """The tracking codes of the demo requests: drawn from a seed, so a re-run finds (and
    replaces) exactly the requests an earlier run made, and never a citizen's."""
    rng = random.Random(f"{schema_name}:tracking-codes")
    codes, seen = [], set()
    while len(codes) < count:
        raw = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


@dataclass
class DemoRequest:
    category: str
    description: str
    at: XY
    address_text: str
    channel: str
    priority: str
    received_at: datetime
    reporter: tuple[str, str, str] = ("", "", "")  # name, phone, e-mail
    status: str = S.RECEIVED
    assignee: object = None
    created_by: object = None
    due_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    duplicate_of: int | None = None  # index in the list
    tracking_code: str = ""
    # at, actor, kind, from, to, comment
    events: list[tuple[datetime, object, str, str, str, str]] = field(default_factory=list)


def _season_weight(category: str, month: int, place_share: float) -> float:
    if category == C.FLOOD:  # the north-east monsoon floods the Andaman coast late in the year
        return (place_share / 3) if month in (10, 11, 12) else ((1 - place_share) / 9)
    if category == C.DRAIN:
        return 1.6 if month in (5, 6, 7, 8, 9, 10, 11, 12) else 0.8
    return 1.0


def build_requests(*, town: Town, assets: list[DemoAsset], codes: list[str], rng, now: datetime,
                   sla: dict[str, dict[str, int]], staff: dict[str, object]) -> list[DemoRequest]:
    """One request per tracking code in `codes`. `staff`: the demo "engineer" and "admin" users
    (either may be None)."""
    count = len(codes)
    place = town.place
    by_type: dict[str, list[DemoAsset]] = {}
    for asset in assets:
        if asset.status != "planned":
            by_type.setdefault(asset.asset_type, []).append(asset)
    low_drains = [a for a in by_type.get("drain", []) if town.near_water(a.at, 350)] or by_type["drain"]
    days = [now - timedelta(days=d) for d in range(1, 366)]
    categories = list(CATEGORY_WEIGHTS)
    season = {c: [_season_weight(c, d.month, place.flood_season_share) for d in days] for c in categories}
    requests = []
    n_duplicates = max(3, count // 18)
    for _ in range(count - n_duplicates):
        category = rng.choices(categories, weights=list(CATEGORY_WEIGHTS.values()))[0]
        if rng.random() < 0.25:  # the recent weeks are busier: the queue has fresh work in it
            day = now - timedelta(days=rng.uniform(0, 21))
        else:
            day = rng.choices(days, weights=season[category])[0]
        received = _daytime(rng, day, now)
        pool = low_drains if category == C.FLOOD else by_type.get(NEAR_TYPE[category]) or by_type["road"]
        near = rng.choice(pool)
        distance = rng.uniform(2, 35) if rng.random() < 0.85 else rng.uniform(60, 140)
        angle = rng.uniform(0, 2 * math.pi)
        at = (near.at[0] + distance * math.cos(angle), near.at[1] + distance * math.sin(angle))
        priority = rng.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()))[0]
        if category in (C.FLOOD, C.POWER_LINE) and rng.random() < 0.5:
            priority = rng.choice((Priority.HIGH, Priority.URGENT))
        requests.append(_new(rng, category, at, near.road, received, priority, staff))
    originals = list(requests)  # a duplicate points at a first report, never at another duplicate
    for _ in range(n_duplicates):  # the same problem reported again by a neighbour
        original = rng.choice(originals)
        received = original.received_at + timedelta(hours=rng.uniform(1, 72))
        if received >= now - timedelta(minutes=30):
            received = original.received_at + (now - original.received_at) / 2
        at = (original.at[0] + rng.uniform(-12, 12), original.at[1] + rng.uniform(-12, 12))
        dup = _new(rng, original.category, at, original.address_text, received, original.priority, staff)
        dup.address_text = original.address_text
        dup.duplicate_of = requests.index(original)
        requests.append(dup)

    order = sorted(range(len(requests)), key=lambda k: requests[k].received_at)
    position = {old: new for new, old in enumerate(order)}
    requests = [requests[k] for k in order]
    for req, code in zip(requests, codes, strict=True):
        req.tracking_code = code
        if req.duplicate_of is not None:
            req.duplicate_of = position[req.duplicate_of]
    for req in requests:
        _timeline(rng, req, requests, now, sla, staff, place.power_office)
    _every_status_present(requests)
    return requests


def _daytime(rng, day: datetime, now: datetime) -> datetime:
    hour = rng.choices(range(24), weights=[1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 8, 7, 8, 8, 8, 9, 9, 8, 7,
                                           5, 3, 2, 1])[0]
    at = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
    return min(at, now - timedelta(minutes=rng.uniform(5, 90)))


def _new(rng, category, at, road, received, priority, staff) -> DemoRequest:
    text = rng.choice(DESCRIPTIONS[category]).format(n=rng.randint(2, 5), cm=rng.choice((20, 30, 40, 50)),
                                                    d=rng.randint(2, 6))
    landmark = rng.choice(LANDMARKS).format(n=rng.randint(1, 250), m=rng.randint(1, 9))
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    req = DemoRequest(category=category, description=text, at=at, address_text=f"{road} {landmark}",
                      channel=channel, priority=priority, received_at=received)
    if channel in (Channel.PHONE, Channel.STAFF):
        req.created_by = staff.get("admin") if rng.random() < 0.5 else staff.get("engineer")
    if channel != Channel.STAFF and rng.random() < 0.65:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        phone = f"08{rng.choice('1256789')}{rng.randrange(10_000_000):07d}"
        email = f"resident{rng.randrange(1000, 9999)}@example.com" if rng.random() < 0.15 else ""
        req.reporter = (name, phone, email)
    return req


def _target_status(rng, age_days: float) -> str:
    open_share = (0.95 if age_days < 2 else 0.6 if age_days < 7 else 0.18 if age_days < 21
                  else 0.05 if age_days < 60 else 0.015)
    if rng.random() < open_share:
        if age_days < 1:
            return rng.choices((S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS), weights=(6, 3, 1))[0]
        return rng.choices((S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS), weights=(2, 4, 4))[0]
    resolved_share = 0.5 if age_days < 14 else 0.12
    roll = rng.random()
    if roll < 0.07:
        return S.REJECTED
    if roll < 0.07 + resolved_share * 0.93:
        return S.RESOLVED
    return S.CLOSED


def _timeline(rng, req: DemoRequest, requests, now, sla, staff, power_office) -> None:
    """Walk the request along the workflow to its status, as the services would have written it."""
    hours = sla[req.category][req.priority]
    received = req.received_at
    engineer, admin = staff.get("engineer"), staff.get("admin")
    assignee = engineer if rng.random() < 0.75 or admin is None else admin
    events = [(received, req.created_by, "created", "", S.RECEIVED, "")]
    status = S.DUPLICATE if req.duplicate_of is not None else _target_status(
        rng, (now - received).total_seconds() / 86400)
    t = received
    span = (now - received).total_seconds() / 3600  # hours available before now

    def step(fraction: float) -> datetime:
        nonlocal t
        t = min(t + timedelta(hours=fraction), now - timedelta(minutes=2))
        return t

    priority_change = rng.random() < 0.06 and status != S.DUPLICATE
    if priority_change:
        new = Priority.URGENT if req.priority != Priority.URGENT else Priority.HIGH
        events.append((step(min(2.0, span * 0.05)), admin, "priority", req.priority, new,
                       "ประเมินหน้างานแล้ว เร่งด่วนกว่าที่แจ้ง"))
        req.priority = new
        hours = sla[req.category][req.priority]
    req.due_at = received + timedelta(hours=hours)
    if status == S.DUPLICATE:
        original = requests[req.duplicate_of]
        events.append((step(min(span * 0.5, rng.uniform(0.5, 24))), admin, "status", S.RECEIVED, S.DUPLICATE,
                       f"ซ้ำกับเรื่อง {original.tracking_code}"))
        req.status, req.closed_at, req.events = S.DUPLICATE, t, events
        return
    if status == S.RECEIVED:
        req.status, req.events = status, events
        return
    # How long the work takes: most within the target, about one in five late.
    total = hours * (rng.uniform(0.15, 0.95) if rng.random() < 0.8 else rng.uniform(1.05, 2.5))
    total = min(total, span * 0.9)
    reject = status == S.REJECTED
    current = S.RECEIVED
    if not reject or rng.random() < 0.5:
        events.append((step(total * rng.uniform(0.05, 0.2)), admin, "assigned", "", _name(assignee), ""))
        events.append((t, admin, "status", S.RECEIVED, S.ASSIGNED, ""))
        req.assignee, current = assignee, S.ASSIGNED
    if reject:
        comment = rng.choice(REJECTIONS).format(power=power_office)
        events.append((step(total * rng.uniform(0.1, 0.3)), admin, "status", current, S.REJECTED, comment))
        req.status, req.closed_at, req.events = S.REJECTED, t, events
        return
    if status == S.ASSIGNED:
        req.status, req.events = status, events
        return
    events.append((step(total * rng.uniform(0.1, 0.3)), assignee, "status", S.ASSIGNED, S.IN_PROGRESS,
                   rng.choice(WORK_NOTES)))
    if rng.random() < 0.2:
        events.append((step(total * 0.1), assignee, "comment", "", "", rng.choice(COMMENTS)))
    if status == S.IN_PROGRESS:
        req.status, req.events = status, events
        return
    note = rng.choice(RESOLUTIONS[req.category]).format(power=power_office)
    events.append((step(total * rng.uniform(0.3, 0.5)), assignee, "status", S.IN_PROGRESS, S.RESOLVED, note))
    req.resolved_at = t
    if status == S.CLOSED and rng.random() < 0.05:  # reopened once: the citizen said it was not fixed
        events.append((step(rng.uniform(4, 48)), admin, "status", S.RESOLVED, S.IN_PROGRESS,
                       "ผู้แจ้งแจ้งว่ายังไม่เรียบร้อย"))
        events.append((step(rng.uniform(4, 48)), assignee, "status", S.IN_PROGRESS, S.RESOLVED, note))
        req.resolved_at = t
    if status == S.CLOSED:
        events.append((step(rng.uniform(12, 168)), admin, "status", S.RESOLVED, S.CLOSED,
                       rng.choice(("ผู้แจ้งยืนยันว่าแก้ไขเรียบร้อยแล้ว", "ตรวจรับงานแล้ว ปิดเรื่อง"))))
        req.closed_at = t
    req.status, req.events = status, events


def _name(user) -> str:
    return user.get_username() if user is not None else ""


def _every_status_present(requests: list[DemoRequest]) -> None:
    """A year of reports has every status: check it rather than hope (the demo shows them all)."""
    missing = set(S.values) - {r.status for r in requests}
    if missing:
        raise RuntimeError(f"demo requests lack statuses {sorted(missing)}: raise the count")
