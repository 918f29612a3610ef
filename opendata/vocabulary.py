"""The controlled vocabularies the catalogue speaks: the Thai GD Catalog's own values (Thai
strings, exactly as its CKAN schema `ckanext-thai-gdc` spells them, so an agency catalogue can
harvest them as they are), and the EU / DCAT-AP authority IRIs that DCAT harvesters understand.
"""

from .models import CoverageLevel, FrequencyUnit, Kind, Licence, Objective

# --- RDF namespaces of the JSON-LD ---------------------------------------------------------------
# GD Catalog publishes no RDF vocabulary of its own: its field names (data_type, objective,
# update_frequency_unit, geo_coverage, data_category…) are kept under this unregistered URN.
THGDC = "urn:x-thai-gdc:"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "gsp": "http://www.opengis.net/ont/geosparql#",
    "thgdc": THGDC,
}
EU = "http://publications.europa.eu/resource/authority/"

# --- Thai GD Catalog values ----------------------------------------------------------------------
GD_DATA_TYPE = "ข้อมูลสถิติ"  # every dataset here is aggregate statistics
GD_DATA_FORMAT = "CSV"
GD_DATA_LANGUAGE = ["ไทย", "อังกฤษ"]
GD_DATA_CATEGORY = "ข้อมูลสาธารณะ"  # the only category open data can have
GD_OBJECTIVE = {
    Objective.PUBLIC_SERVICE: "เพื่อการให้บริการประชาชน",
    Objective.AGENCY_MISSION: "พันธกิจหน่วยงาน",
    Objective.LAW: "กฎหมายที่เกี่ยวข้อง",
    Objective.NATIONAL_STRATEGY: "ยุทธศาสตร์ชาติ",
    Objective.DEVELOPMENT_PLAN: "แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ",
    Objective.GOVERNMENT_POLICY: "นโยบายรัฐบาล/ข้อสั่งการนายกรัฐมนตรี",
    Objective.CABINET_RESOLUTION: "มติคณะรัฐมนตรี",
    Objective.INTERNATIONAL_INDEX: "ดัชนี/ตัวชี้วัดระดับนานาชาติ",
    Objective.OTHER: "อื่นๆ",
}
GD_FREQUENCY_UNIT = {
    FrequencyUnit.YEAR: "ปี",
    FrequencyUnit.HALF_YEAR: "ครึ่งปี",
    FrequencyUnit.QUARTER: "ไตรมาส",
    FrequencyUnit.MONTH: "เดือน",
    FrequencyUnit.WEEK: "สัปดาห์",
    FrequencyUnit.DAY: "วัน",
    FrequencyUnit.WORKING_DAY: "วันทำการ",
    FrequencyUnit.HOUR: "ชั่วโมง",
    FrequencyUnit.MINUTE: "นาที",
    FrequencyUnit.REAL_TIME: "ตามเวลาจริง",
    FrequencyUnit.NEVER: "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล",
    FrequencyUnit.UNKNOWN: "ไม่ทราบ",
}
GD_COVERAGE = {
    CoverageLevel.MUNICIPALITY: "เทศบาล/อบต.",
    CoverageLevel.SUBDISTRICT: "ตำบล",
    CoverageLevel.DISTRICT: "อำเภอ",
    CoverageLevel.PROVINCE: "จังหวัด",
    CoverageLevel.COUNTRY: "ประเทศ",
}


# --- Licences ----------------------------------------------------------------------------------
class LicenceInfo:
    def __init__(self, *, gd: str, url: str, spdx: str = ""):
        self.gd, self.url, self.spdx = gd, url, spdx


# "Open Data Common" is the string GD Catalog pages carry; it stands for the DGA's open
# government licence (attribution), whose text data.go.th publishes.
LICENCES = {
    Licence.OPEN_DATA_COMMON: LicenceInfo(gd="Open Data Common",
                                          url="https://data.go.th/pages/dga-open-government-license"),
    Licence.CC_BY_4: LicenceInfo(gd="Creative Commons Attributions",
                                 url="https://creativecommons.org/licenses/by/4.0/", spdx="CC-BY-4.0"),
    Licence.CC_BY_SA_4: LicenceInfo(gd="Creative Commons Attribution Share-Alike",
                                    url="https://creativecommons.org/licenses/by-sa/4.0/",
                                    spdx="CC-BY-SA-4.0"),
    Licence.CC0: LicenceInfo(gd="Creative Commons CCZero",
                             url="https://creativecommons.org/publicdomain/zero/1.0/", spdx="CC0-1.0"),
}


# --- Update frequency --------------------------------------------------------------------------
# (unit, updates per unit) → the EU frequency authority code (DCAT-AP dct:accrualPeriodicity)
# and the ISO 8601 repeating duration of Project Open Data (DCAT-US accrualPeriodicity).
U = FrequencyUnit
_EU_FREQUENCY = {
    (U.YEAR, 1): "ANNUAL", (U.YEAR, 2): "ANNUAL_2", (U.YEAR, 3): "ANNUAL_3",
    (U.HALF_YEAR, 1): "ANNUAL_2",
    (U.QUARTER, 1): "QUARTERLY",
    (U.MONTH, 1): "MONTHLY", (U.MONTH, 2): "MONTHLY_2", (U.MONTH, 3): "MONTHLY_3",
    (U.WEEK, 1): "WEEKLY", (U.WEEK, 2): "WEEKLY_2", (U.WEEK, 3): "WEEKLY_3",
    (U.DAY, 1): "DAILY", (U.DAY, 2): "DAILY_2",
    (U.WORKING_DAY, 1): "DAILY",
    (U.HOUR, 1): "HOURLY",
}
_EU_BY_UNIT = {U.REAL_TIME: "UPDATE_CONT", U.NEVER: "NEVER", U.UNKNOWN: "UNKNOWN"}
_ISO_FREQUENCY = {
    (U.YEAR, 1): "R/P1Y", (U.YEAR, 2): "R/P6M", (U.YEAR, 4): "R/P3M",
    (U.HALF_YEAR, 1): "R/P6M",
    (U.QUARTER, 1): "R/P3M",
    (U.MONTH, 1): "R/P1M", (U.MONTH, 2): "R/P0.5M",
    (U.WEEK, 1): "R/P1W", (U.WEEK, 2): "R/P3.5D",
    (U.DAY, 1): "R/P1D", (U.WORKING_DAY, 1): "R/P1D", (U.DAY, 2): "R/PT12H",
    (U.HOUR, 1): "R/PT1H",
    (U.MINUTE, 1): "R/PT1M",
}
_ISO_BY_UNIT = {U.REAL_TIME: "R/PT1S", U.NEVER: "irregular", U.UNKNOWN: "irregular"}


def eu_frequency(unit: str, value: int) -> str:
    code = _EU_BY_UNIT.get(unit) or _EU_FREQUENCY.get((unit, value), "OTHER")
    return f"{EU}frequency/{code}"


def iso_frequency(unit: str, value: int) -> str:
    return _ISO_BY_UNIT.get(unit) or _ISO_FREQUENCY.get((unit, value), "irregular")


# --- Themes ------------------------------------------------------------------------------------
# EU data themes (DCAT-AP dcat:theme) and Project Open Data's free-text theme.
THEMES = {
    Kind.ASSETS: (["REGI", "TECH"], ["Infrastructure", "โครงสร้างพื้นฐาน"]),
    Kind.SERVICE_REQUESTS: (["GOVE", "REGI"], ["Public services", "การบริการประชาชน"]),
    Kind.HEALTH: (["HEAL", "SOCI"], ["Health", "สาธารณสุข"]),
}


def eu_themes(kind: str) -> list[str]:
    return [f"{EU}data-theme/{code}" for code in THEMES[kind][0]]


EU_LANGUAGES = [f"{EU}language/THA", f"{EU}language/ENG"]
EU_PUBLIC_ACCESS = f"{EU}access-right/PUBLIC"


# Every choice must have its catalogue value: a choice added to the models without one would
# otherwise be a KeyError (a 500) on the public catalogue, found by a harvester, not by us.
for _choices, _mapping in ((Objective, GD_OBJECTIVE), (FrequencyUnit, GD_FREQUENCY_UNIT),
                           (CoverageLevel, GD_COVERAGE), (Licence, LICENCES), (Kind, THEMES)):
    _missing = set(_choices.values) - set(_mapping)
    assert not _missing, f"opendata.vocabulary lacks {_choices.__name__} {sorted(_missing)}"
