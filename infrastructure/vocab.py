"""How asset types and conditions are written in municipal asset registers, beyond the values and
labels of the choices (models.assets): the words clerks use. The import engine (kernel.vocab) also
derives the usual forms from these (spaces, case, Thai words in front, dots)."""

from .models import AssetType, Condition

ASSET_TYPE_SPELLINGS: dict[str, tuple[str, ...]] = {
    AssetType.ROAD: ("ถนนคอนกรีต", "ถนนลาดยาง", "ถนนลูกรัง"),
    AssetType.DRAIN: ("รางระบายน้ำ", "คูระบายน้ำ", "ท่อระบาย", "รางน้ำ", "drainage"),
    AssetType.STREETLIGHT: ("ไฟส่องสว่าง", "เสาไฟ", "เสาไฟฟ้า", "ไฟถนน", "โคมไฟ", "ไฟฟ้าสาธารณะ",
                            "street lamp", "streetlamp"),
    AssetType.WATER_PIPE: ("ท่อน้ำประปา", "ท่อส่งน้ำประปา", "ท่อเมนประปา"),
    AssetType.BRIDGE: ("สะพานคอนกรีต", "สะพานไม้", "สะพานข้ามคลอง"),
    AssetType.BUILDING: ("ตึก", "อาคารสำนักงาน"),
    AssetType.CCTV: ("กล้อง", "กล้องซีซีทีวี", "cctv"),
    AssetType.HYDRANT: ("หัวจ่ายน้ำดับเพลิง", "ประปาหัวแดง"),
    AssetType.WASTE_BIN: ("ถังขยะมูลฝอย", "ถังรองรับขยะ", "bin"),
}

CONDITION_SPELLINGS: dict[str, tuple[str, ...]] = {
    Condition.GOOD: ("ปกติ", "ใช้งานได้", "ใช้การได้", "ดีมาก"),
    Condition.FAIR: ("ปานกลาง", "พอใช้ได้"),
    Condition.POOR: ("ชำรุดบางส่วน", "ทรุดโทรม", "เสื่อมสภาพ", "damaged"),
    Condition.OUT_OF_SERVICE: ("เสีย", "ใช้การไม่ได้", "ชำรุดทั้งหมด", "พัง", "broken"),
}


def _flat(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {spelling: str(value) for value, several in spellings.items() for spelling in several}


# Added after the choices' own label_map() (imports.py), so the official labels stay the first
# spelling of each value.
ASSET_TYPE_EXTRA = _flat(ASSET_TYPE_SPELLINGS)
CONDITION_EXTRA = _flat(CONDITION_SPELLINGS)
