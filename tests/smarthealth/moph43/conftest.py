"""Small 43-file exports written by the tests themselves (never a real person), and running a
moph43 import job the way import_data does."""

import io
import zipfile

import pytest
from django.core.files import File
from django_tenants.utils import schema_context

from imports.services import import_job_run, import_job_start
from kernel.national_id import check_digit

HOSPCODE = "07547"
STAMP = "20250228180000"
PERSON = (
    "HOSPCODE|CID|PID|HID|PRENAME|NAME|LNAME|HN|SEX|BIRTH|MSTATUS|OCCUPATION_OLD|OCCUPATION_NEW|RACE|"
    "NATION|RELIGION|EDUCATION|FSTATUS|FATHER|MOTHER|COUPLE|VSTATUS|MOVEIN|DISCHARGE|DDISCHARGE|ABOGROUP|"
    "RHGROUP|LABOR|PASSPORT|TYPEAREA|D_UPDATE|TELEPHONE|MOBILE"
).split("|")
HOME = (
    "HOSPCODE|HID|HOUSE_ID|HOUSETYPE|ROOMNO|CONDO|HOUSE|SOISUB|SOIMAIN|ROAD|VILLANAME|VILLAGE|TAMBON|AMPUR|"
    "CHANGWAT|TELEPHONE|LATITUDE|LONGITUDE|NFAMILY|LOCATYPE|VHVID|HEADID|TOILET|WATER|WATERTYPE|GARBAGE|"
    "HOUSING|DURABILITY|CLEANLINESS|VENTILATION|LIGHT|WATERTM|MFOOD|BCONTROL|ACONTROL|CHEMICAL|OUTDATE|"
    "D_UPDATE"
).split("|")
CHRONIC = "HOSPCODE|PID|DATE_DIAG|CHRONIC|HOSP_DX|HOSP_RX|DATE_DISCH|TYPEDISCH|D_UPDATE|CID".split("|")
DISABILITY = "HOSPCODE|DISABID|PID|DISABTYPE|DISABCAUSE|DIAGCODE|DATE_DETECT|DATE_DISAB|D_UPDATE|CID".split(
    "|"
)
FUNCTIONAL = "HOSPCODE|PID|SEQ|DATE_SERV|FUNCTIONAL_TEST|TESTRESULT|DEPENDENT|PROVIDER|D_UPDATE|CID".split(
    "|"
)
NCDSCREEN = (
    "HOSPCODE|PID|SEQ|DATE_SERV|SERVPLACE|SMOKE|ALCOHOL|DMFAMILY|HTFAMILY|WEIGHT|HEIGHT|WAIST_CM|SBP_1|"
    "DBP_1|SBP_2|DBP_2|BSLEVEL|BSTEST|SCREENPLACE|PROVIDER|D_UPDATE|CID"
).split("|")
COMMUNITY_SERVICE = "HOSPCODE|PID|SEQ|DATE_SERV|COMSERVICE|PROVIDER|D_UPDATE|CID".split("|")
VILLAGE = (
    "HOSPCODE|VID|NTRADITIONAL|NMONK|NRELIGIONLEADER|NBROADCAST|NRADIO|NPCHC|NCLINIC|NDRUGSTORE|"
    "NCHILDCENTER|NPSCHOOL|NSSCHOOL|NTEMPLE|NRELIGIOUSPLACE|NMARKET|NSHOP|NFOODSHOP|NSTALL|NRAINTANK|"
    "NCHICKENFARM|NPIGFARM|WASTEWATER|GARBAGE|NFACTORY|LATITUDE|LONGITUDE|OUTDATE|NUMACTUALLY|RISKTYPE|"
    "NUMSTATELESS|NEXERCISECLUB|NOLDERLYCLUB|NDISABLECLUB|NNUMBERONECLUB|D_UPDATE"
).split("|")
HEADERS = {
    "PERSON": PERSON,
    "HOME": HOME,
    "CHRONIC": CHRONIC,
    "DISABILITY": DISABILITY,
    "FUNCTIONAL": FUNCTIONAL,
    "NCDSCREEN": NCDSCREEN,
    "COMMUNITY_SERVICE": COMMUNITY_SERVICE,
    "VILLAGE": VILLAGE,
}


def cid(n: int) -> str:
    """A valid national ID of nobody (the 5-prefix: never a demo ID; no run of eight zeros, which
    reads as a placeholder)."""
    first12 = f"5{n:05d}918273"
    return first12 + str(check_digit(first12))


def row(name: str, **cells: str) -> list[str]:
    """A row of file `name` in the current layout, every column empty but `cells` (and HOSPCODE)."""
    values = {"HOSPCODE": HOSPCODE, **{k.upper(): v for k, v in cells.items()}}
    unknown = set(values) - set(HEADERS[name])
    assert not unknown, unknown
    return [values.get(column, "") for column in HEADERS[name]]


def person(
    pid: str,
    *,
    cid_: str = "",
    hid: str = "",
    name: str = "ทดสอบ",
    lname: str = "ใจดี",
    sex: str = "1",
    birth: str = "19500101",
    typearea: str = "1",
    discharge: str = "9",
    ddischarge: str = "",
    d_update: str = "20250101120000",
    **more: str,
) -> list[str]:
    return row(
        "PERSON",
        CID=cid_,
        PID=pid,
        HID=hid,
        PRENAME="003" if sex == "1" else "005",
        NAME=name,
        LNAME=lname,
        SEX=sex,
        BIRTH=birth,
        NATION=more.pop("nation", "099"),
        DISCHARGE=discharge,
        DDISCHARGE=ddischarge,
        TYPEAREA=typearea,
        D_UPDATE=d_update,
        **more,
    )


def home(
    hid: str, *, house: str = "1/1", village: str = "01", d_update: str = "20250101120000", **more: str
) -> list[str]:
    return row(
        "HOME",
        HID=hid,
        HOUSE=house,
        VILLAGE=village,
        TAMBON="01",
        AMPUR="09",
        CHANGWAT="92",
        D_UPDATE=d_update,
        **more,
    )


def text_file(
    name: str,
    rows: list[list[str]],
    *,
    header: bool = True,
    newline: str = "\r\n",
    header_case: str = "upper",
) -> str:
    lines = []
    if header:
        head = "|".join(HEADERS[name])
        lines.append(head.lower() if header_case == "lower" else head)
    lines += ["|".join(r) for r in rows]
    return newline.join(lines) + newline


def zip_bytes(
    files: dict[str, list[list[str]]],
    *,
    folder: str = f"F43_{HOSPCODE}_{STAMP}/",
    encoding: str = "utf-8",
    names: str = "upper",
    extra: dict[str, str] | None = None,
    **options,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            entry = f"{name}.TXT" if names == "upper" else f"{name.lower()}.txt"
            archive.writestr(folder + entry, text_file(name, rows, **options).encode(encoding))
        for entry, text in (extra or {}).items():
            archive.writestr(folder + entry, text.encode(encoding))
    return buffer.getvalue()


def import_bytes(
    content: bytes, name: str = f"F43_{HOSPCODE}_{STAMP}.zip", *, schema: str = "kantang", user=None
):
    with schema_context(schema):
        job = import_job_start(
            dataset="moph43", upload=File(io.BytesIO(content), name=name), user=user, run_here=True
        )
        return import_job_run(job_id=job.pk)


def by_file(job) -> dict[str, dict]:
    return {r["file"]: r for r in job.file_results if r.get("used", True)}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def make_token(db):
    """make_token(schema, username) → the raw secret of a new API token of that user."""
    from accounts.models import User
    from accounts.tokens import api_token_create

    def make(schema: str, username: str) -> str:
        with schema_context(schema):
            return api_token_create(user=User.objects.get(username=username), name="test")[1]

    return make
