"""Clinical and registry rules as pure functions and tables: no database, no request.

Everything here is a published Thai standard (Barthel ADL, the Ministry of
Public Health's 7-colour NCD scheme, the official disability types), kept in one place so that
forms, services, imports and tests all read the same table. The national ID's rules are shared by
every module and live in the kernel (kernel.national_id).
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from kernel.i18n import in_active_language


# --- Activities of daily living (Barthel ADL index, Thai MoPH version, 0–20) ------------------
@dataclass(frozen=True)
class BarthelItem:
    code: str
    label_th: str
    label_en: str
    max_score: int

    @property
    def label(self):
        """The item's name in whichever language is active when it is read."""
        return _item_label(self.label_th, self.label_en)


def _chosen_label(thai: str, english: str) -> str:
    return thai if (translation.get_language() or "th").startswith("th") else english


_item_label = lazy(_chosen_label, str)


BARTHEL_ITEMS: tuple[BarthelItem, ...] = (
    BarthelItem("feeding", "การรับประทานอาหาร", "Feeding", 2),
    BarthelItem("grooming", "การล้างหน้า หวีผม แปรงฟัน โกนหนวด", "Grooming", 1),
    BarthelItem("transfer", "การลุกนั่งจากที่นอนหรือเตียงไปยังเก้าอี้", "Transfer bed to chair", 3),
    BarthelItem("toilet", "การใช้ห้องน้ำ", "Toilet use", 2),
    BarthelItem("mobility", "การเคลื่อนที่ภายในห้องหรือบ้าน", "Mobility indoors", 3),
    BarthelItem("dressing", "การสวมใส่เสื้อผ้า", "Dressing", 2),
    BarthelItem("stairs", "การขึ้นลงบันได 1 ชั้น", "Stairs", 2),
    BarthelItem("bathing", "การอาบน้ำ", "Bathing", 1),
    BarthelItem("bowels", "การกลั้นการถ่ายอุจจาระ", "Bowel control", 2),
    BarthelItem("bladder", "การกลั้นปัสสาวะ", "Bladder control", 2),
)
BARTHEL_MAX = {item.code: item.max_score for item in BARTHEL_ITEMS}
ADL_MIN, ADL_MAX = 0, 20


class AdlGroup(models.TextChoices):
    SOCIAL = "social", _("Socially active (ติดสังคม)")
    HOMEBOUND = "homebound", _("Homebound (ติดบ้าน)")
    BEDBOUND = "bedbound", _("Bedbound (ติดเตียง)")


def adl_group(score: int) -> AdlGroup:
    """≥ 12 socially active, 5–11 homebound, 0–4 bedbound. Raises ValueError outside 0–20."""
    if not isinstance(score, int) or isinstance(score, bool) or not ADL_MIN <= score <= ADL_MAX:
        raise ValueError(f"ADL score must be a whole number 0–20, not {score!r}")
    if score >= 12:
        return AdlGroup.SOCIAL
    if score >= 5:
        return AdlGroup.HOMEBOUND
    return AdlGroup.BEDBOUND


def adl_score(items: dict) -> int:
    """The Barthel total of all ten items; ValidationError naming each missing or bad item."""
    if not isinstance(items, dict):
        raise ValidationError(_("Give a score for each ADL item."), code="adl_items")
    errors = []
    unknown = sorted(set(items) - set(BARTHEL_MAX))
    if unknown:
        errors.append(in_active_language(_("Unknown ADL item: %(items)s."), {"items": ", ".join(unknown)}))
    total = 0
    for item in BARTHEL_ITEMS:
        value = items.get(item.code)
        if value is None or value == "":
            errors.append(in_active_language(_("ADL item “%(item)s” is missing."), {"item": item.label}))
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= item.max_score:
            errors.append(in_active_language(_("ADL item “%(item)s” must be 0–%(max)s."),
                                             {"item": item.label, "max": item.max_score}))
            continue
        total += value
    if errors:
        raise ValidationError(errors, code="adl_items")
    return total


# --- NCD screening: ปิงปองจราจรชีวิต 7 สี (Thai MoPH "7-colour traffic light of life") ----------
class NcdColour(models.TextChoices):
    WHITE = "white", _("White: normal")
    LIGHT_GREEN = "light_green", _("Light green: at risk")
    DARK_GREEN = "dark_green", _("Dark green: controlled")
    YELLOW = "yellow", _("Yellow: level 1")
    ORANGE = "orange", _("Orange: level 2")
    RED = "red", _("Red: level 3")
    BLACK = "black", _("Black: with complications")


# Severity order, mildest first (maps, care lists and "worst of" comparisons use it).
NCD_SEVERITY: dict[str, int] = {colour.value: rank for rank, colour in enumerate(NcdColour)}

# The one table of cut-offs of the 7-colour scheme (ปิงปองจราจรชีวิต 7 สี, กรมควบคุมโรค สธ.).
# Each row: colour, lowest SBP, lowest DBP, lowest FBS (mg/dL) that reach that colour; a value
# reaches the most severe row whose lower bound it meets. Rows for people without a diagnosis
# first, then the diagnosed rows.
#   not diagnosed: white < 120/80 and FBS < 100; light green 120–139 / 80–89 or FBS 100–125.
#   diagnosed DM or HT: dark green ≤ 139/89 and FBS ≤ 125; yellow 140–159 / 90–99 or 126–154;
#   orange 160–179 / 100–109 or 155–182; red ≥ 180/110 or FBS ≥ 183; black: a complication.
# Choice: someone NOT diagnosed whose values fall in the diagnosed ranges (≥ 140/90, FBS ≥ 126)
# is "suspected" and gets yellow/orange/red from the same rows, so a screening that finds a very
# high value is never shown as a mild colour merely because no diagnosis is recorded yet.
NCD_CUTOFFS: tuple[tuple[NcdColour, int, int, int], ...] = (
    (NcdColour.WHITE, 0, 0, 0),
    (NcdColour.LIGHT_GREEN, 120, 80, 100),
    (NcdColour.DARK_GREEN, 0, 0, 0),          # diagnosed baseline
    (NcdColour.YELLOW, 140, 90, 126),
    (NcdColour.ORANGE, 160, 100, 155),
    (NcdColour.RED, 180, 110, 183),
)
_UNDIAGNOSED_ROWS = (NcdColour.WHITE, NcdColour.LIGHT_GREEN, NcdColour.YELLOW, NcdColour.ORANGE,
                     NcdColour.RED)
_DIAGNOSED_ROWS = (NcdColour.DARK_GREEN, NcdColour.YELLOW, NcdColour.ORANGE, NcdColour.RED)


def _colour_for(value: int | None, column: int, rows) -> NcdColour | None:
    if value is None:
        return None
    reached = None
    for colour, *lows in NCD_CUTOFFS:
        if colour in rows and value >= lows[column]:
            reached = colour
    return reached


def ncd_colour(*, sbp: int | None, dbp: int | None, fbs: int | None, diagnosed: bool,
               complication: bool) -> NcdColour:
    """The colour of one screening: the worst of blood pressure and glucose, on what is present.

    A recorded complication (eye, kidney, foot, heart, stroke) is black: such complications are
    recorded only for DM/HT, so it stands even when the diagnosis is not (yet) in the registry.
    Raises ValueError when nothing at all is measured.
    """
    if complication:
        return NcdColour.BLACK
    rows = _DIAGNOSED_ROWS if diagnosed else _UNDIAGNOSED_ROWS
    found = [c for c in (_colour_for(sbp, 0, rows), _colour_for(dbp, 1, rows),
                         _colour_for(fbs, 2, rows)) if c is not None]
    if not found:
        raise ValueError("a screening needs blood pressure or fasting glucose")
    return max(found, key=lambda c: NCD_SEVERITY[c])


# --- Physical ranges (reject typing errors, not clinical judgement) ---------------------------
SBP_RANGE = (50, 300)
DBP_RANGE = (30, 200)
FBS_RANGE = (20, 700)  # mg/dL
WEIGHT_RANGE = (1, 300)  # kg


def vitals_errors(*, sbp=None, dbp=None, fbs=None, weight_kg=None) -> dict[str, list[str]]:
    """Field → messages (in the active language) for values outside the physical ranges (empty when fine)."""
    errors: dict[str, list[str]] = {}

    def out_of(field, value, bounds, message):
        if value is not None and not bounds[0] <= value <= bounds[1]:
            errors.setdefault(field, []).append(
                in_active_language(message, {"low": bounds[0], "high": bounds[1]}))

    out_of("sbp", sbp, SBP_RANGE, _("Systolic pressure must be %(low)s–%(high)s mmHg."))
    out_of("dbp", dbp, DBP_RANGE, _("Diastolic pressure must be %(low)s–%(high)s mmHg."))
    out_of("fbs", fbs, FBS_RANGE, _("Fasting blood sugar must be %(low)s–%(high)s mg/dL."))
    out_of("weight_kg", weight_kg, WEIGHT_RANGE, _("Weight must be %(low)s–%(high)s kg."))
    if (sbp is None) != (dbp is None):
        errors.setdefault("dbp" if dbp is None else "sbp", []).append(
            _("Enter both systolic and diastolic pressure, or neither."))
    elif sbp is not None and sbp <= dbp:
        errors.setdefault("sbp", []).append(
            _("Systolic pressure must be higher than diastolic pressure."))
    return errors


# --- Coded lists ------------------------------------------------------------------------------
# The chronic conditions a new municipality starts with (the ChronicCondition table is seeded
# from this by a data migration and may grow): code, Thai name, English name.
CHRONIC_CONDITIONS_SEED = (
    ("DM", "เบาหวาน", "Diabetes mellitus"),
    ("HT", "ความดันโลหิตสูง", "Hypertension"),
    ("CKD", "ไตเรื้อรัง", "Chronic kidney disease"),
    ("COPD", "ปอดอุดกั้นเรื้อรัง", "Chronic obstructive pulmonary disease"),
    ("STROKE", "อัมพฤกษ์อัมพาต", "Stroke (paralysis)"),
    ("CANCER", "มะเร็ง", "Cancer"),
)
# Having either makes a screening "diagnosed" in the 7-colour scheme.
NCD_DIAGNOSES = frozenset({"DM", "HT"})


class Disability(models.TextChoices):
    """The seven official types (ประเภทความพิการ, พ.ร.บ. ส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ)."""

    NONE = "none", _("None (ไม่มี)")
    VISUAL = "visual", _("Visual (การเห็น)")
    HEARING = "hearing", _("Hearing or communication (การได้ยินหรือสื่อความหมาย)")
    PHYSICAL = "physical", _("Physical or movement (การเคลื่อนไหวหรือร่างกาย)")
    MENTAL = "mental", _("Mental or behavioural (จิตใจหรือพฤติกรรม)")
    INTELLECTUAL = "intellectual", _("Intellectual (สติปัญญา)")
    LEARNING = "learning", _("Learning (การเรียนรู้)")
    AUTISM = "autism", _("Autism (ออทิสติก)")


class Complication(models.TextChoices):
    EYE = "eye", _("Eye")
    KIDNEY = "kidney", _("Kidney")
    FOOT = "foot", _("Foot")
    HEART = "heart", _("Heart")
    STROKE = "stroke", _("Stroke")


# --- Age bands and needs ----------------------------------------------------------------------
ELDERLY_AGE = 60  # ผู้สูงอายุ: 60 and over (พ.ร.บ. ผู้สูงอายุ 2546)


class AgeBand(models.TextChoices):
    CHILD = "0_14", _("0–14")
    WORKING = "15_59", _("15–59")
    YOUNG_OLD = "60_69", _("60–69")
    MIDDLE_OLD = "70_79", _("70–79")
    OLDEST_OLD = "80_plus", _("80 and over")


# band → (lowest age, highest age or None)
AGE_BAND_LIMITS = {
    AgeBand.CHILD: (0, 14), AgeBand.WORKING: (15, 59), AgeBand.YOUNG_OLD: (60, 69),
    AgeBand.MIDDLE_OLD: (70, 79), AgeBand.OLDEST_OLD: (80, None),
}
ELDERLY_FILTER = "60_plus"  # extra age-band filter value: every elderly person


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def years_before(on: dt.date, years: int) -> dt.date:
    """The date `years` before `on` (29 February falls back to 28 February)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def age_band(age: int) -> AgeBand:
    for band, (low, high) in AGE_BAND_LIMITS.items():
        if age >= low and (high is None or age <= high):
            return band
    raise ValueError(f"negative age {age}")


class Need(models.TextChoices):
    """What a household most needs, for the map; ranked by NEED_LEVELS (higher = more urgent)."""

    NONE = "none", _("No recorded need")
    ELDERLY = "elderly", _("Elderly (60+)")
    DISABLED = "disabled", _("Disability")
    NCD_YELLOW = "ncd_yellow", _("NCD yellow")
    NCD_ORANGE = "ncd_orange", _("NCD orange")
    NCD_RED = "ncd_red", _("NCD red or black")
    HOMEBOUND = "homebound", _("Homebound")
    BEDBOUND = "bedbound", _("Bedbound")


NEED_LEVELS: dict[str, int] = {need.value: level for level, need in enumerate(Need)}
NEED_BY_LEVEL: dict[int, Need] = {level: need for level, need in enumerate(Need)}


# --- Spellings staff write -------------------------------------------------------------------
# How the registry's choices are written in the files municipalities import, beyond each value
# and its label: national codes (the MoPH 43-file standard, ../shared/data/moph-43-files.md) and
# the words clerks use. The import engine (kernel.vocab) also derives the usual Thai forms from
# these: `ทาง…`, `พิการทาง…`, `โรค…` in front, each side of "…หรือ…", dots and leading zeros.
SEX_SPELLINGS: dict[str, str] = {
    "M": "M", "ชาย": "M", "male": "M", "1": "M", "ช": "M", "ผู้ชาย": "M", "เพศชาย": "M",
    "F": "F", "หญิง": "F", "female": "F", "2": "F", "ญ": "F", "ผู้หญิง": "F", "เพศหญิง": "F",
}

# DISABTYPE of the 43-file DISABILITY file (§3.4): 1 seeing … 7 autism.
DISABILITY_NATIONAL_CODES: dict[str, str] = {
    "1": "visual", "2": "hearing", "3": "physical", "4": "mental", "5": "intellectual", "6": "learning",
    "7": "autism",
}
DISABILITY_SPELLINGS: dict[str, str] = {
    **DISABILITY_NATIONAL_CODES,
    "ตาบอด": "visual", "สายตาเลือนราง": "visual", "seeing": "visual", "blind": "visual",
    "หูหนวก": "hearing", "หูตึง": "hearing", "deaf": "hearing",
    "จิต": "mental", "จิตเวช": "mental",
    "ปัญญาอ่อน": "intellectual",  # the older legal term
    "LD": "learning",
    "ออทิสซึม": "autism", "autistic": "autism",
    "-": "none", "no": "none", "ไม่พิการ": "none", "ไม่มีความพิการ": "none",
}

# Name prefixes by DOPA code (PRENAME of the 43-file PERSON file, §3.1) and as they are written
# → the text the registry stores. Any other prefix (ร.ต.อ., พระ …) is kept as written.
NAME_PREFIX_SPELLINGS: dict[str, str] = {
    "001": "ด.ช.", "ด.ช.": "ด.ช.", "เด็กชาย": "ด.ช.", "master": "ด.ช.",
    "002": "ด.ญ.", "ด.ญ.": "ด.ญ.", "เด็กหญิง": "ด.ญ.",
    "003": "นาย", "นาย": "นาย", "Mr": "นาย",
    "004": "นางสาว", "น.ส.": "นางสาว", "นางสาว": "นางสาว", "Miss": "นางสาว",
    "005": "นาง", "นาง": "นาง", "Mrs": "นาง",
}

# Chronic condition codes (CHRONIC_CONDITIONS_SEED) by the words staff write for them; a
# municipality's own conditions are read by their code and names only.
CHRONIC_SPELLINGS: dict[str, tuple[str, ...]] = {
    "DM": ("เบาหวาน", "diabetes"),
    "HT": ("ความดัน", "ความดันโลหิตสูง", "ความดันสูง", "hypertension"),
    "CKD": ("ไตวาย", "ไตเรื้อรัง", "ไตวายเรื้อรัง"),
    "STROKE": ("อัมพฤกษ์", "อัมพาต", "อัมพฤกษ์อัมพาต", "หลอดเลือดสมอง", "stroke"),
    "CANCER": ("มะเร็ง", "cancer"),
    "COPD": ("ถุงลมโป่งพอง", "ปอดอุดกั้นเรื้อรัง"),
}
