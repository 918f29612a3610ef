"""Codes the generator writes, each from the reference or the code systems it cites, and the
platform's reading of them that the expected figures are computed with (independently of the
importer: the issue's mapping, written out once here).

Sources: `../shared/data/moph-43-files.md`; nationality (THCC 6/7), foreigner type (THCC 15) and
community-service (THCC 208) codes from `sil-th/terminology-ig: input/fsh/CodeSystmes-Large/
CS_MoPH_Nationality.fsh`, `CodeSystems/CS_MoPH_Patient.fsh`, `CS_MoPH_CommunityService.fsh`.
"""

THAI = "099"
# DOPA name-prefix codes (CS_DOPA_NamePrefix) and the words a clerk types for them.
PRENAME_BOY, PRENAME_GIRL, PRENAME_MR, PRENAME_MISS, PRENAME_MRS = "001", "002", "003", "004", "005"
PRENAME_THAI = {"001": "ด.ช.", "002": "ด.ญ.", "003": "นาย", "004": "นางสาว", "005": "นาง"}

# Migrant workers of a southern port town: nationality code, weight. 048 เมียนมา, 265 เมียนมา
# (แรงงาน), 057 กัมพูชา, 264 กัมพูชา(แรงงาน), 056 ลาว, 096 ไร้สัญชาติ (stateless).
FOREIGN_NATIONS = (("048", 40), ("265", 35), ("057", 8), ("264", 7), ("056", 5), ("096", 5))
# Foreigner type (LABOR, THCC 15): 14 work permit on a passport, 24 undocumented worker,
# 38 a worker's dependant; 13 registered with the Interior Ministry (a 0-prefixed ID).
LABOR_WITH_PASSPORT = (("14", 70), ("24", 15), ("38", 15))
LABOR_WITH_ID = "13"
PASSPORT_PREFIX = {"048": "M", "265": "M", "057": "N", "264": "N", "056": "P", "096": ""}

# Burmese-style syllables in Thai script for foreigners' invented names (no real person's name).
FOREIGN_MALE = ("อ่อง", "มิน", "ซอ", "หม่อง", "จ่อ", "ตุน", "ลวิน", "เต็ง", "ทูน", "วิน", "เมียว", "ซาน")
FOREIGN_FEMALE = ("ขิ่น", "ซู", "เอ", "ทิดา", "นิลาร์", "ซานดา", "มยะ", "ทันดา", "วาย", "เมี้ยะ", "หนิ่ง")

# ICD-10-TM codes without the dot, by the condition they map to; the weights give the usual mix.
ICD_BY_CONDITION = {
    "DM": (("E119", 60), ("E112", 10), ("E113", 5), ("E116", 5), ("E110", 5), ("E149", 10),
           ("E109", 2), ("E14", 3)),
    "HT": (("I10", 85), ("I119", 8), ("I129", 4), ("I150", 3)),
    "CKD": (("N183", 35), ("N184", 30), ("N185", 15), ("N189", 20)),
    "COPD": (("J449", 80), ("J441", 20)),
    "STROKE": (("I639", 45), ("I694", 30), ("I64", 15), ("I619", 10)),
    "CANCER_F": (("C509", 55), ("C539", 20), ("C189", 10), ("C220", 10), ("C349", 5)),
    "CANCER_M": (("C220", 30), ("C349", 30), ("C189", 20), ("C61", 15), ("C159", 5)),
}
# Chronic codes that map to no condition of the platform (gastritis, lipids, asthma, knee OA,
# ischaemic heart disease, hypothyroidism): listed in CHRONIC, counted nowhere.
ICD_UNMAPPED = (("K297", 25), ("E785", 35), ("J459", 10), ("M179", 15), ("I251", 10), ("E039", 5))
CONDITIONS = ("DM", "HT", "CKD", "COPD", "STROKE", "CANCER")

# TYPEDISCH 03 = still treated. 01 cured, 02 died, 07 treatment complete, 10 left the area: the
# condition is over for the expected figures (a choice the tests may override, see Truth.summary).
TYPEDISCH_ACTIVE = "03"
CLOSED_TYPEDISCH = frozenset({"01", "02", "07", "10"})

# DISABTYPE 1–7 → the platform's Disability value, the Thai label a clerk writes in Excel, the
# THCC 208 home-visit code for that type and typical ICD-10 codes of its cause.
DISABILITY = {
    "1": ("visual", "การเห็น", "1A30", ("H540", "H544")),
    "2": ("hearing", "การได้ยินหรือสื่อความหมาย", "1A31", ("H919", "H903")),
    "3": ("physical", "การเคลื่อนไหวหรือร่างกาย", "1A32", ("I694", "G819", "S780", "G800")),
    "4": ("mental", "จิตใจหรือพฤติกรรม", "1A33", ("F209", "F319")),
    "5": ("intellectual", "สติปัญญา", "1A34", ("F79", "Q909")),
    "6": ("learning", "การเรียนรู้", "1A35", ("F819",)),
    "7": ("autism", "ออทิสติก", "1A33", ("F840",)),
}
DISABILITY_WEIGHTS = (("3", 48), ("2", 16), ("1", 12), ("5", 8), ("4", 8), ("6", 4), ("7", 4))

# Home visits (COMMUNITY_SERVICE, THCC 208).
VISIT_HT, VISIT_DM, VISIT_STROKE = "1A000", "1A001", "1A005"
VISIT_ELDER_ALONE, VISIT_ELDER, VISIT_ELDER_UNSPECIFIED = "1A430", "1A431", "1A439"

# FUNCTIONAL_TEST: 01 Barthel ADL (the one the platform reads), 02 IADL, 04 TAI.
TEST_BARTHEL, TEST_IADL, TEST_TAI = "01", "02", "04"
TAI_GROUPS = ("B3", "B4", "B5", "C2", "C3", "C4", "I1", "I2", "I3")


def condition_for_icd(code: str) -> str | None:
    """The platform's condition for an ICD-10 code of CHRONIC (issue 15's default table):
    E10–E14 DM, I10–I15 HT, N18 CKD, J44 COPD, I60–I69 STROKE, C00–C97 CANCER; else None."""
    code = code.strip().upper().replace(".", "")
    if len(code) < 3 or not code[1:3].isdigit():
        return None
    letter, number = code[0], int(code[1:3])
    if letter == "E" and 10 <= number <= 14:
        return "DM"
    if letter == "I" and 10 <= number <= 15:
        return "HT"
    if letter == "N" and number == 18:
        return "CKD"
    if letter == "J" and number == 44:
        return "COPD"
    if letter == "I" and 60 <= number <= 69:
        return "STROKE"
    if letter == "C" and number <= 97:
        return "CANCER"
    return None


def dependent_for_barthel(score: int) -> str:
    """DEPENDENT written with a Barthel score (inference: the ADL groups' cut-offs):
    1 ไม่พึ่งพิง for 12–20, 2 พึ่งพิงน้อย for 5–11, 3 พึ่งพิงมาก for 0–4."""
    return "1" if score >= 12 else "2" if score >= 5 else "3"


def adl_group_for(score: int) -> str:
    """The platform's ADL group of a Barthel score (CONTRACT §5 `adl`): ≥12 social, 5–11
    homebound, 0–4 bedbound."""
    return "social" if score >= 12 else "homebound" if score >= 5 else "bedbound"
