"""The files of the 43-file export the platform reads, their columns and the order they load in
(`../shared/data/moph-43-files.md` §1–§3).

Every later version of the standard only APPENDED columns (CID to the service files, TELEPHONE |
MOBILE to PERSON, the dictionary's HOSPCODE9 and *9 fields), so one full column list per file
names the columns of any version by position: a v2.0 PERSON row (31 columns) is the first 31 of
the list, a row with HOSPCODE9 the first 34. A file with a header is mapped by the header's names
instead, whatever their order and case.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileSpec:
    name: str  # the standard name, upper case: PERSON, HOME …
    columns: tuple[str, ...]  # every column by position, the optional trailing ones included
    required: tuple[str, ...]  # a header must name these, or the file cannot be read
    used: tuple[str, ...]  # the columns the import reads (the others are ignored)
    aliases: dict[str, str] = field(default_factory=dict)  # other header spellings → column


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


PERSON = FileSpec(
    "PERSON",
    _split("HOSPCODE|CID|PID|HID|PRENAME|NAME|LNAME|HN|SEX|BIRTH|MSTATUS|OCCUPATION_OLD|OCCUPATION_NEW|"
           "RACE|NATION|RELIGION|EDUCATION|FSTATUS|FATHER|MOTHER|COUPLE|VSTATUS|MOVEIN|DISCHARGE|"
           "DDISCHARGE|ABOGROUP|RHGROUP|LABOR|PASSPORT|TYPEAREA|D_UPDATE|TELEPHONE|MOBILE|HOSPCODE9"),
    required=("HOSPCODE", "PID", "NAME", "LNAME", "SEX", "BIRTH", "TYPEAREA"),
    used=("HOSPCODE", "CID", "PID", "HID", "PRENAME", "NAME", "LNAME", "SEX", "BIRTH", "NATION",
          "DISCHARGE", "DDISCHARGE", "PASSPORT", "TYPEAREA", "D_UPDATE", "TELEPHONE", "MOBILE"),
)
HOME = FileSpec(
    "HOME",
    _split("HOSPCODE|HID|HOUSE_ID|HOUSETYPE|ROOMNO|CONDO|HOUSE|SOISUB|SOIMAIN|ROAD|VILLANAME|VILLAGE|"
           "TAMBON|AMPUR|CHANGWAT|TELEPHONE|LATITUDE|LONGITUDE|NFAMILY|LOCATYPE|VHVID|HEADID|TOILET|"
           "WATER|WATERTYPE|GARBAGE|HOUSING|DURABILITY|CLEANLINESS|VENTILATION|LIGHT|WATERTM|MFOOD|"
           "BCONTROL|ACONTROL|CHEMICAL|OUTDATE|D_UPDATE|HOSPCODE9"),
    required=("HOSPCODE", "HID"),
    used=("HOSPCODE", "HID", "HOUSE_ID", "HOUSE", "SOIMAIN", "ROAD", "VILLAGE", "TAMBON", "AMPUR",
          "CHANGWAT", "LATITUDE", "LONGITUDE", "VHVID", "HEADID", "D_UPDATE"),
)
VILLAGE = FileSpec(
    "VILLAGE",
    _split("HOSPCODE|VID|NTRADITIONAL|NMONK|NRELIGIONLEADER|NBROADCAST|NRADIO|NPCHC|NCLINIC|NDRUGSTORE|"
           "NCHILDCENTER|NPSCHOOL|NSSCHOOL|NTEMPLE|NRELIGIOUSPLACE|NMARKET|NSHOP|NFOODSHOP|NSTALL|"
           "NRAINTANK|NCHICKENFARM|NPIGFARM|WASTEWATER|GARBAGE|NFACTORY|LATITUDE|LONGITUDE|OUTDATE|"
           "NUMACTUALLY|RISKTYPE|NUMSTATELESS|NEXERCISECLUB|NOLDERLYCLUB|NDISABLECLUB|NNUMBERONECLUB|"
           "D_UPDATE|HOSPCODE9"),
    required=("HOSPCODE", "VID"),
    # VILLNAME is no column of the standard: some hand-made files add the village's name, and
    # then it names the community of that moo's households (only with a header).
    used=("HOSPCODE", "VID", "VILLNAME"),
    # VILLNAME itself too: the header knows only the standard's columns and these names.
    aliases={"VILLNAME": "VILLNAME", "VILLANAME": "VILLNAME", "VILLAGENAME": "VILLNAME",
             "VILLAGE_NAME": "VILLNAME", "VNAME": "VILLNAME", "NAME": "VILLNAME", "ชื่อหมู่บ้าน": "VILLNAME"},
)
CHRONIC = FileSpec(
    "CHRONIC",
    _split("HOSPCODE|PID|DATE_DIAG|CHRONIC|HOSP_DX|HOSP_RX|DATE_DISCH|TYPEDISCH|D_UPDATE|CID|HOSPCODE9|"
           "HOSP9_DX|HOSP9_RX"),
    required=("HOSPCODE", "PID", "CHRONIC"),
    used=("HOSPCODE", "PID", "DATE_DIAG", "CHRONIC", "TYPEDISCH"),
)
DISABILITY = FileSpec(
    "DISABILITY",
    _split("HOSPCODE|DISABID|PID|DISABTYPE|DISABCAUSE|DIAGCODE|DATE_DETECT|DATE_DISAB|D_UPDATE|CID|"
           "HOSPCODE9"),
    required=("HOSPCODE", "PID", "DISABTYPE"),
    used=("HOSPCODE", "PID", "DISABTYPE", "DATE_DETECT"),
)
FUNCTIONAL = FileSpec(
    "FUNCTIONAL",
    _split("HOSPCODE|PID|SEQ|DATE_SERV|FUNCTIONAL_TEST|TESTRESULT|DEPENDENT|PROVIDER|D_UPDATE|CID|"
           "HOSPCODE9"),
    required=("HOSPCODE", "PID", "DATE_SERV", "FUNCTIONAL_TEST", "TESTRESULT"),
    used=("HOSPCODE", "PID", "DATE_SERV", "FUNCTIONAL_TEST", "TESTRESULT"),
)
NCDSCREEN = FileSpec(
    "NCDSCREEN",
    _split("HOSPCODE|PID|SEQ|DATE_SERV|SERVPLACE|SMOKE|ALCOHOL|DMFAMILY|HTFAMILY|WEIGHT|HEIGHT|WAIST_CM|"
           "SBP_1|DBP_1|SBP_2|DBP_2|BSLEVEL|BSTEST|SCREENPLACE|PROVIDER|D_UPDATE|CID|HOSPCODE9|"
           "SCREENPLACE9"),
    required=("HOSPCODE", "PID", "DATE_SERV"),
    used=("HOSPCODE", "PID", "DATE_SERV", "SBP_1", "DBP_1", "SBP_2", "DBP_2", "BSLEVEL", "BSTEST"),
)
COMMUNITY_SERVICE = FileSpec(
    "COMMUNITY_SERVICE",
    _split("HOSPCODE|PID|SEQ|DATE_SERV|COMSERVICE|PROVIDER|D_UPDATE|CID|HOSPCODE9"),
    required=("HOSPCODE", "PID", "DATE_SERV", "COMSERVICE"),
    used=("HOSPCODE", "PID", "SEQ", "DATE_SERV", "COMSERVICE"),
)

# The order one job loads them in: what a row refers to is loaded before it (VILLAGE's names
# are applied to the households once HOME is in).
ORDER: tuple[FileSpec, ...] = (VILLAGE, HOME, PERSON, CHRONIC, DISABILITY, FUNCTIONAL, NCDSCREEN,
                               COMMUNITY_SERVICE)
SPECS: dict[str, FileSpec] = {spec.name: spec for spec in ORDER}
