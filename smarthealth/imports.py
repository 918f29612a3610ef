"""Smart-health datasets for the import engine (CONTRACT §5): households, persons, adl,
ncd_screening. Declared here, next to the models; registered from SmarthealthConfig.ready()."""

import pandas as pd
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from communities.imports import (
    community_import_choices,
    community_import_labels,
    community_link_sql,
    community_stage_sql,
)
from imports.geo import check_lat_lon
from imports.registry import (
    CHOICE,
    CID,
    CODES,
    DATE,
    DECIMAL,
    DIGITS,
    INT,
    Column,
    Dataset,
    Reference,
    choice_labels,
    register,
)
from kernel.vocab import Vocabulary

from . import crypto
from .audit import audit_log
from .rules import (
    CHRONIC_CONDITIONS_SEED,
    CHRONIC_SPELLINGS,
    DBP_RANGE,
    DISABILITY_SPELLINGS,
    FBS_RANGE,
    NAME_PREFIX_SPELLINGS,
    NCD_CUTOFFS,
    NCD_DIAGNOSES,
    NCD_SEVERITY,
    SBP_RANGE,
    SEX_SPELLINGS,
    AdlGroup,
    Disability,
    NcdColour,
    adl_group,
)

PERMISSION = "imports.import_health"
_CID = Column("cid", "เลขประจำตัวประชาชน", CID, required=True, aliases=("เลขบัตรประชาชน",),
              example="1101700203451")

SEX = SEX_SPELLINGS
CHRONIC = {**{code: code for code, _th, _en in CHRONIC_CONDITIONS_SEED},
           **{th: code for code, th, _en in CHRONIC_CONDITIONS_SEED},
           **{en: code for code, _th, en in CHRONIC_CONDITIONS_SEED},
           **{spelling: code for code, spellings in CHRONIC_SPELLINGS.items() for spelling in spellings}}
DISABILITY_THAI = {"none": "ไม่มี", "visual": "การเห็น", "hearing": "การได้ยินหรือสื่อความหมาย",
                   "physical": "การเคลื่อนไหวหรือร่างกาย", "mental": "จิตใจหรือพฤติกรรม",
                   "intellectual": "สติปัญญา", "learning": "การเรียนรู้", "autism": "ออทิสติก"}


def _english_labels(choices) -> dict[str, str]:
    with translation.override("en"):
        return {str(member.label): member.value for member in choices}


# The Thai labels first: a value without `labels` is offered by its first Thai spelling.
DISABILITY = {**{th: v for v, th in DISABILITY_THAI.items()}, **{d.value: d.value for d in Disability},
              **_english_labels(Disability), **DISABILITY_SPELLINGS}
_NAME_PREFIXES = Vocabulary(NAME_PREFIX_SPELLINGS)


def chronic_choices() -> dict[str, str]:
    """The municipality's active condition codes, by code, by Thai and English name and by the
    words staff write for the standard ones (rules.CHRONIC_SPELLINGS)."""
    from .models import ChronicCondition

    choices = {}
    for code, name_th, name_en in ChronicCondition.objects.filter(active=True).values_list(
            "code", "name_th", "name_en"):
        choices.update({name_th: code, code: code, name_en: code})
    for code, spellings in CHRONIC_SPELLINGS.items():
        if code in choices.values():
            choices.update({spelling: code for spelling in spellings if spelling not in choices})
    return choices


def chronic_labels() -> dict[str, str]:
    """Condition code → its name in the active language (a retired condition too: an old row may
    still carry it), for previews and error reports."""
    from kernel.thaidate import is_thai

    from .models import ChronicCondition

    name = "name_th" if is_thai() else "name_en"
    return {code: text or code for code, text in ChronicCondition.objects.values_list("code", name)}


def _sex_labels() -> dict[str, str]:
    from .models import Person

    return choice_labels(Person.Sex)()


def name_prefixes(prefix: pd.Series) -> pd.Series:
    """A known name prefix as the registry stores it (the DOPA code `003`, `Mr.`, `นาย` → นาย;
    `นางสาว` → น.ส.); any other (ร.ต.อ., พระ …) as written. Looked up once per distinct value."""
    known = {value: _NAME_PREFIXES.match(value) or value for value in prefix.unique()}
    return prefix.map(known)


def audit_import(job) -> None:
    """Every import of personal data leaves one audit row (counts only, no personal data)."""
    audit_log(user=job.user, action="import", object_type=job.dataset, object_ref=str(job.public_id),
              detail={"rows": job.rows, "created": job.created, "updated": job.updated,
                      "rejected": job.rejected})


def audit_preview(*, job, request) -> None:
    """The upload preview shows the first rows of personal data: one audit row per showing."""
    audit_log(request=request, user=request.user, action="view", object_type=f"import:{job.dataset}",
              object_ref=str(job.public_id), detail={"preview": True})


def _hash_cids(parsed: pd.DataFrame, reject) -> pd.Series:
    """Keyed hashes of the valid IDs (HMAC cannot be vectorised: one call per unique ID)."""
    ok = (parsed["cid"] != "") & ~reject.bad
    unique = parsed.loc[ok, "cid"].unique().tolist()
    hashes = dict(zip(unique, crypto.cid_hash_many(unique), strict=True))
    return parsed["cid"].map(hashes).astype(object).fillna("")


# --- households -------------------------------------------------------------------------------
def _prepare_households(parsed, reject):
    check_lat_lon(parsed, reject)
    return parsed


# The staged row's point (none without a latitude): what the location rule looks at.
_STAGED_POINT = "CASE WHEN s.lat <> '' THEN ST_SetSRID(ST_MakePoint(s.lon::float8, s.lat::float8), 4326) END"


HOUSEHOLDS = Dataset(
    key="households", label=_("Households"), permission=PERMISSION, personal=True,
    list_url="smarthealth:household-list",
    key_columns=("house_id",),
    columns=(
        Column("house_id", "รหัสบ้าน", DIGITS, required=True, digits=11, example="92020100001"),
        Column("house_no", "บ้านเลขที่", required=True, max_length=20, example="12/3"),
        Column("moo", "หมู่ที่", INT, min_value=0, max_value=99, example="4"),
        # From the register; another name goes through the preview's value mapping.
        Column("community", "ชุมชน", CHOICE, choices_from=community_import_choices,
               labels=community_import_labels, example="ชุมชนท่าเรือ"),
        Column("road", "ถนน", max_length=120, example="ตรังคภูมิ"),
        Column("subdistrict_code", "รหัสตำบล", DIGITS, digits=6, example="920201"),
        Column("lat", "ละติจูด", DECIMAL, example="7.4101"),
        Column("lon", "ลองจิจูด", DECIMAL, example="99.5190"),
        Column("volunteer", "อสม.", max_length=150, example="volunteer"),
    ),
    stage_columns=("house_id", "house_no", "moo", "community", "road", "subdistrict_code", "lat", "lon",
                   "volunteer"),
    prepare=_prepare_households,
    references=(Reference("volunteer", "accounts_user", "username",
                          _("No user “%(value)s” exists to be this household's volunteer.")),),
    after_import=audit_import, on_preview=audit_preview,
    # The location rule before the upsert (a boundary covering the house names it), the entry after.
    before_upsert=(community_stage_sql(geometry=_STAGED_POINT),),
    after_upsert=community_link_sql(table="smarthealth_household", key="house_id"),
    upsert_sql="""
        INSERT INTO smarthealth_household AS t (house_id, house_no, moo, community, road, subdistrict_code,
                                                location, volunteer_id, created_at, updated_at)
        SELECT s.house_id, s.house_no, NULLIF(s.moo, '')::smallint, s.community, s.road, s.subdistrict_code,
               CASE WHEN s.lat <> '' THEN ST_SetSRID(ST_MakePoint(s.lon::float8, s.lat::float8), 4326) END,
               u.id, now(), now()
        FROM _import_stage s LEFT JOIN accounts_user u ON u.username = NULLIF(s.volunteer, '')
        ON CONFLICT (house_id) DO UPDATE SET
            house_no = excluded.house_no, moo = excluded.moo, community = excluded.community,
            road = excluded.road, subdistrict_code = excluded.subdistrict_code,
            -- an empty cell keeps the map point and the volunteer already recorded
            location = COALESCE(excluded.location, t.location),
            volunteer_id = COALESCE(excluded.volunteer_id, t.volunteer_id), updated_at = excluded.updated_at
        WHERE (t.house_no, t.moo, t.community, t.road, t.subdistrict_code) IS DISTINCT FROM
              (excluded.house_no, excluded.moo, excluded.community, excluded.road, excluded.subdistrict_code)
           OR (excluded.location IS NOT NULL AND t.location IS DISTINCT FROM excluded.location)
           OR (excluded.volunteer_id IS NOT NULL AND t.volunteer_id IS DISTINCT FROM excluded.volunteer_id)
        RETURNING (xmax = 0) AS inserted""",
)


# --- persons ----------------------------------------------------------------------------------
def _prepare_persons(parsed, reject):
    born = pd.to_datetime(parsed["birth_date"].where(parsed["birth_date"] != ""), errors="coerce")
    reject(born > pd.Timestamp(timezone.localdate()), "birth_date",
           _("The birth date cannot be in the future."))
    parsed["disability"] = parsed["disability"].where(parsed["disability"] != "", "none")
    parsed["prefix"] = name_prefixes(parsed["prefix"])
    parsed["cid_hash"] = _hash_cids(parsed, reject)
    parsed["cid_last3"] = parsed["cid"].str[-3:]
    # A token for every valid row (~2 µs each in bulk): the upsert stores it only for a new
    # person and never rewrites one, so looking up who exists first would cost a round trip and
    # save almost nothing.
    ok = parsed["cid_hash"] != ""
    parsed["cid_encrypted"] = ""
    parsed.loc[ok, "cid_encrypted"] = crypto.cid_encrypt_many(parsed.loc[ok, "cid"].tolist())
    return parsed


PERSONS = Dataset(
    key="persons", label=_("Persons"), permission=PERMISSION, personal=True, key_columns=("cid",),
    list_url="smarthealth:person-list",
    columns=(
        _CID,
        Column("prefix", "คำนำหน้า", max_length=30, example="นาง"),
        Column("first_name", "ชื่อ", required=True, max_length=100, example="สมศรี"),
        Column("last_name", "นามสกุล", required=True, max_length=100, example="ใจดี"),
        Column("sex", "เพศ", CHOICE, required=True, choices=SEX, labels=_sex_labels, example="หญิง"),
        Column("birth_date", "วันเกิด", DATE, required=True, example="05/01/2510"),
        Column("house_id", "รหัสบ้าน", DIGITS, digits=11, example="92020100001"),
        Column("phone", "โทรศัพท์", max_length=20, example="0812345678"),
        Column("chronic", "โรคประจำตัว", CODES, choices=CHRONIC, choices_from=chronic_choices,
               labels=chronic_labels, example="DM, ความดันโลหิตสูง"),
        Column("disability", "ความพิการ", CHOICE, choices=DISABILITY, labels=choice_labels(Disability),
               example="ไม่มี"),
    ),
    stage_columns=("cid_hash", "cid_encrypted", "cid_last3", "prefix", "first_name", "last_name", "sex",
                   "birth_date", "house_id", "phone", "chronic", "disability"),
    prepare=_prepare_persons,
    references=(Reference("house_id", "smarthealth_household", "house_id",
                          _("No household with house ID %(value)s: import the households first.")),),
    after_import=audit_import, on_preview=audit_preview,
    upsert_sql="""
        INSERT INTO smarthealth_person AS t (public_id, cid_hash, cid_encrypted, cid_last3, prefix,
            first_name, last_name, sex, birth_date, household_id, phone, chronic_conditions, disability,
            status, created_at, updated_at)
        SELECT gen_random_uuid(), s.cid_hash, s.cid_encrypted, s.cid_last3, s.prefix, s.first_name,
               s.last_name, s.sex, s.birth_date::date, h.id, s.phone, s.chronic::varchar(16)[], s.disability,
               'living', now(), now()
        FROM _import_stage s LEFT JOIN smarthealth_household h ON h.house_id = NULLIF(s.house_id, '')
        ON CONFLICT (cid_hash) DO UPDATE SET
            prefix = excluded.prefix, first_name = excluded.first_name, last_name = excluded.last_name,
            sex = excluded.sex, birth_date = excluded.birth_date,
            household_id = COALESCE(excluded.household_id, t.household_id), phone = excluded.phone,
            chronic_conditions = excluded.chronic_conditions, disability = excluded.disability,
            updated_at = excluded.updated_at
        WHERE (t.prefix, t.first_name, t.last_name, t.sex, t.birth_date, t.phone, t.chronic_conditions,
               t.disability) IS DISTINCT FROM
              (excluded.prefix, excluded.first_name, excluded.last_name, excluded.sex, excluded.birth_date,
               excluded.phone, excluded.chronic_conditions, excluded.disability)
           OR (excluded.household_id IS NOT NULL AND t.household_id IS DISTINCT FROM excluded.household_id)
        RETURNING (xmax = 0) AS inserted""",
)

_PERSON_REF = Reference("cid_hash", "smarthealth_person", "cid_hash",
                        _("No person with this national ID is registered: import the persons first."))


# --- adl --------------------------------------------------------------------------------------
ADL_GROUPS = {score: adl_group(score).value for score in range(21)}


def _prepare_adl(parsed, reject):
    parsed["cid_hash"] = _hash_cids(parsed, reject)
    score = pd.to_numeric(parsed["score"], errors="coerce")
    parsed["group"] = score.map(ADL_GROUPS).astype(object).fillna("")
    return parsed


ADL = Dataset(
    key="adl", label=_("ADL assessments"), permission=PERMISSION, personal=True,
    list_url="smarthealth:care-lists",
    key_columns=("cid", "assessed_on"),
    columns=(
        _CID,
        Column("assessed_on", "วันที่ประเมิน", DATE, required=True, example="15/03/2567"),
        Column("score", "คะแนน ADL", INT, required=True, min_value=0, max_value=20, example="11"),
    ),
    stage_columns=("cid_hash", "assessed_on", "score", "group"),
    prepare=_prepare_adl, references=(_PERSON_REF,), after_import=audit_import, on_preview=audit_preview,
    extra={"groups": [g.value for g in AdlGroup]},
    # The join sits in a MATERIALIZED CTE: on a Citus cluster Citus 13.2 cannot plan a join in the
    # SELECT of an INSERT into a table with an identity column (README, "Past one server").
    upsert_sql="""
        WITH src AS MATERIALIZED (
            SELECT p.id AS person_id, s.assessed_on::date AS assessed_on,
                   s.score::numeric::smallint AS score, s."group" AS adl_group
            FROM _import_stage s JOIN smarthealth_person p ON p.cid_hash = s.cid_hash)
        INSERT INTO smarthealth_adlassessment AS t (person_id, assessed_on, score, "group", source,
                                                    created_at)
        SELECT person_id, assessed_on, score, adl_group, 'import', now() FROM src
        ON CONFLICT (person_id, assessed_on) DO UPDATE SET score = excluded.score, "group" = excluded."group"
        WHERE (t.score, t."group") IS DISTINCT FROM (excluded.score, excluded."group")
        RETURNING (xmax = 0) AS inserted""",
)


# --- ncd_screening ----------------------------------------------------------------------------
def ncd_colours(sbp: pd.Series, dbp: pd.Series, fbs: pd.Series, diagnosed: pd.Series) -> pd.Series:
    """rules.ncd_colour for whole columns: the loop runs over the cut-off table, not the rows."""
    undiagnosed = (NcdColour.WHITE, NcdColour.LIGHT_GREEN, NcdColour.YELLOW, NcdColour.ORANGE, NcdColour.RED)
    diagnosed_rows = (NcdColour.DARK_GREEN, NcdColour.YELLOW, NcdColour.ORANGE, NcdColour.RED)
    worst = pd.Series(-1, index=sbp.index)
    for position, values in enumerate((sbp, dbp, fbs)):
        for colour, *lows in NCD_CUTOFFS:
            rank = NCD_SEVERITY[colour.value]
            allowed = diagnosed if colour in diagnosed_rows else ~diagnosed
            if colour in diagnosed_rows and colour in undiagnosed:
                allowed = pd.Series(True, index=sbp.index)
            reached = allowed & values.notna() & (values >= lows[position])
            worst = worst.where(~reached | (worst >= rank), rank)
    by_rank = {rank: colour for colour, rank in NCD_SEVERITY.items()}
    return worst.map(by_rank).fillna("")


def _prepare_ncd(parsed, reject):
    values = {k: pd.to_numeric(parsed[k].where(parsed[k] != ""), errors="coerce")
              for k in ("sbp", "dbp", "fbs")}
    reject(values["sbp"].isna() != values["dbp"].isna(), "dbp",
           _("Enter both systolic and diastolic pressure, or neither."))
    reject(values["sbp"].notna() & values["dbp"].notna() & (values["sbp"] <= values["dbp"]), "sbp",
           _("Systolic pressure must be higher than diastolic pressure."))
    reject(values["sbp"].isna() & values["fbs"].isna(), "sbp",
           _("A screening needs blood pressure or fasting blood sugar."))
    parsed["cid_hash"] = _hash_cids(parsed, reject)
    hashes = [h for h in parsed["cid_hash"].unique() if h]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cid_hash FROM smarthealth_person WHERE cid_hash = ANY(%s) "
                       "AND chronic_conditions && %s::varchar(16)[]", [hashes, sorted(NCD_DIAGNOSES)])
        diagnosed_hashes = {row[0] for row in cursor.fetchall()}
    diagnosed = parsed["cid_hash"].isin(diagnosed_hashes)
    parsed["colour"] = ncd_colours(values["sbp"], values["dbp"], values["fbs"], diagnosed)
    return parsed


NCD_SCREENING = Dataset(
    key="ncd_screening", label=_("NCD screenings"), permission=PERMISSION, personal=True,
    list_url="smarthealth:care-lists",
    key_columns=("cid", "screened_on"),
    columns=(
        _CID,
        Column("screened_on", "วันที่คัดกรอง", DATE, required=True, example="15/03/2567"),
        Column("sbp", "ความดันตัวบน", INT, min_value=SBP_RANGE[0], max_value=SBP_RANGE[1], example="135"),
        Column("dbp", "ความดันตัวล่าง", INT, min_value=DBP_RANGE[0], max_value=DBP_RANGE[1], example="85"),
        Column("fbs", "น้ำตาลในเลือด", INT, min_value=FBS_RANGE[0], max_value=FBS_RANGE[1], example="110"),
    ),
    stage_columns=("cid_hash", "screened_on", "sbp", "dbp", "fbs", "colour"),
    prepare=_prepare_ncd, references=(_PERSON_REF,), after_import=audit_import, on_preview=audit_preview,
    upsert_sql="""
        WITH src AS MATERIALIZED (
            SELECT p.id AS person_id, s.screened_on::date AS screened_on,
                   NULLIF(s.sbp, '')::numeric::smallint AS sbp, NULLIF(s.dbp, '')::numeric::smallint AS dbp,
                   NULLIF(s.fbs, '')::numeric::smallint AS fbs, s.colour
            FROM _import_stage s JOIN smarthealth_person p ON p.cid_hash = s.cid_hash)
        INSERT INTO smarthealth_ncdscreening AS t (person_id, screened_on, sbp, dbp, fbs, complication,
                                                   colour, created_at)
        SELECT person_id, screened_on, sbp, dbp, fbs, '', colour, now() FROM src
        ON CONFLICT (person_id, screened_on) DO UPDATE SET
            sbp = excluded.sbp, dbp = excluded.dbp, fbs = excluded.fbs, colour = excluded.colour
        WHERE (t.sbp, t.dbp, t.fbs, t.colour) IS DISTINCT FROM
              (excluded.sbp, excluded.dbp, excluded.fbs, excluded.colour)
        RETURNING (xmax = 0) AS inserted""",
)

for _dataset in (HOUSEHOLDS, PERSONS, ADL, NCD_SCREENING):
    register(_dataset)
