"""A whole generated export (smarthealth.moph43.sample): written every way real exporters write
it, it loads the same; every figure of GET /api/v1/health/summary/ matches what the test works
out from the generated rows itself; next month's export applies its deaths, moves and births."""

import datetime as dt
import math

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from kernel.national_id import national_id_is_valid
from smarthealth.models import Person
from smarthealth.moph43.sample import HEADERS, VARIANTS, SampleOptions, build_export, next_month, zip_bytes
from smarthealth.moph43.sample.codes import DISABILITY, condition_for_icd
from smarthealth.rules import ncd_colour

from ...api.conftest import call
from .conftest import by_file, import_bytes

CLOSING = {"01", "07", "08"}
BANDS = (("0_14", 0, 14), ("15_59", 15, 59), ("60_69", 60, 69), ("70_79", 70, 79), ("80_plus", 80, 999))


def _rows(export, name):
    index = {column: i for i, column in enumerate(HEADERS[name])}
    return [
        {column: row[i] if i < len(row) else "" for column, i in index.items()} for row in export.files[name]
    ]


def _date(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)


def expected_summary(export, today: dt.date) -> dict:
    """The figures of the summary for a municipality holding only `export`, from its rows and the
    rules of issue 15 written out again here."""
    persons = {(r["HOSPCODE"], r["PID"]): r for r in _rows(export, "PERSON")}
    residents = {
        key for key, r in persons.items() if r["TYPEAREA"] in ("1", "3", "5") and r["DISCHARGE"] == "9"
    }
    conditions: dict = {}
    closing: dict = {}
    for r in _rows(export, "CHRONIC"):
        code = condition_for_icd(r["CHRONIC"])
        if code:
            target = closing if r["TYPEDISCH"] in CLOSING else conditions
            target.setdefault((r["HOSPCODE"], r["PID"]), set()).add(code)
    disability: dict = {}
    for r in _rows(export, "DISABILITY"):
        disability.setdefault((r["HOSPCODE"], r["PID"]), []).append((r["DATE_DETECT"], -int(r["DISABTYPE"])))
    adl: dict = {}
    for r in _rows(export, "FUNCTIONAL"):
        if r["FUNCTIONAL_TEST"] == "01":
            adl.setdefault((r["HOSPCODE"], r["PID"]), []).append((r["DATE_SERV"], int(r["TESTRESULT"])))
    screening: dict = {}
    for r in _rows(export, "NCDSCREEN"):
        screening.setdefault((r["HOSPCODE"], r["PID"]), []).append(r)
    figures = {
        "persons": len(residents),
        "households": len(export.files["HOME"]),
        "elderly": 0,
        "disabled": 0,
        "by_sex": {"M": 0, "F": 0},
        "by_age_band": {band: 0 for band, *_ in BANDS},
        "by_adl_group": {"social": 0, "homebound": 0, "bedbound": 0, "unassessed": 0},
        "by_ncd_colour": {
            c: 0
            for c in ("white", "light_green", "dark_green", "yellow", "orange", "red", "black", "unscreened")
        },
        "by_condition": {},
        "by_disability": {},
    }
    for key in residents:
        r = persons[key]
        age = _age(_date(r["BIRTH"]), today)
        figures["by_sex"]["M" if r["SEX"] == "1" else "F"] += 1
        figures["elderly"] += age >= 60
        figures["by_age_band"][next(b for b, low, high in BANDS if low <= age <= high)] += 1
        codes = conditions.get(key, set())
        for code in codes:
            figures["by_condition"][code] = figures["by_condition"].get(code, 0) + 1
        if key in disability:
            figures["disabled"] += 1
            chosen = DISABILITY[str(-max(disability[key])[1])][0]
            figures["by_disability"][chosen] = figures["by_disability"].get(chosen, 0) + 1
        if key in adl:
            score = max(adl[key])[1]
            figures["by_adl_group"][
                "social" if score >= 12 else "homebound" if score >= 5 else "bedbound"
            ] += 1
        else:
            figures["by_adl_group"]["unassessed"] += 1
        if key in screening:
            s = max(screening[key], key=lambda row: row["DATE_SERV"])
            sbp = _half_up((int(s["SBP_1"]) + int(s["SBP_2"])) / 2) if s["SBP_2"] else int(s["SBP_1"])
            dbp = _half_up((int(s["DBP_1"]) + int(s["DBP_2"])) / 2) if s["DBP_2"] else int(s["DBP_1"])
            fbs = _half_up(float(s["BSLEVEL"])) if s["BSTEST"] in ("1", "3") and s["BSLEVEL"] else None
            colour = ncd_colour(
                sbp=sbp, dbp=dbp, fbs=fbs, diagnosed=bool(codes & {"DM", "HT"}), complication=False
            )
            figures["by_ncd_colour"][colour.value] += 1
        else:
            figures["by_ncd_colour"]["unscreened"] += 1
    return figures


def _delta(after: dict, before: dict) -> dict:
    out = {}
    for key, value in after.items():
        if isinstance(value, dict):
            diff = {k: v - before[key].get(k, 0) for k, v in value.items()}
            out[key] = {k: v for k, v in diff.items() if v or key not in ("by_condition", "by_disability")}
        else:
            out[key] = value - before[key]
    return out


def _summary(token):
    response = call("kantang", "get", "/api/v1/health/summary/", token)
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.fixture(scope="module")
def export():
    return build_export(SampleOptions(persons=600, seed=11))


def test_every_figure_of_the_health_summary_matches_the_rows(in_kantang, export, make_token):
    token = make_token("kantang", "nurse")
    before = _summary(token)

    job = import_bytes(zip_bytes(export))

    assert job.status == "done" and job.rejected == 0, job.failure_reason
    assert _delta(_summary(token), before) == expected_summary(export, timezone.localdate())


def test_every_way_of_writing_it_loads_the_same(in_kantang, export):
    first = import_bytes(zip_bytes(export))
    with schema_context("kantang"):
        state = sorted(
            Person.objects.filter(hospcode=export.options.hospcode).values_list(
                "pid", "status", "birth_date", "household__hid", "chronic_conditions"
            )
        )
    for name, conventions in VARIANTS.items():
        job = import_bytes(zip_bytes(export, conventions))
        assert job.status == "done", (name, job.failure_reason)
        assert (job.created, job.updated, job.rejected) == (0, 0, 0), (name, job.summary())
        assert job.rows == first.rows, name
    with schema_context("kantang"):
        assert (
            sorted(
                Person.objects.filter(hospcode=export.options.hospcode).values_list(
                    "pid", "status", "birth_date", "household__hid", "chronic_conditions"
                )
            )
            == state
        )


def test_next_month_applies_deaths_moves_and_births(in_kantang, export, make_token):
    token = make_token("kantang", "nurse")
    before = _summary(token)
    import_bytes(zip_bytes(export))
    february = next_month(export)
    job = import_bytes(zip_bytes(february))

    changes = february.changes
    assert job.status == "done" and job.rejected == 0
    assert by_file(job)["PERSON"]["created"] == len(changes.born) + (1 if changes.newcomer else 0)
    with schema_context("kantang"):
        status = dict(Person.objects.filter(hospcode=export.options.hospcode).values_list("pid", "status"))
    assert all(status[pid] == "deceased" for _h, pid in changes.died)
    assert all(status[pid] == "moved" for _h, pid in changes.moved_out)
    assert all(status[pid] == "living" for _h, pid in changes.born)
    assert _delta(_summary(token), before) == expected_summary(february, timezone.localdate())
    assert import_bytes(zip_bytes(february)).unchanged == job.rows


def test_foreigners_without_an_id_are_in_the_figures(in_kantang, export):
    import_bytes(zip_bytes(export))
    rows = _rows(export, "PERSON")
    without = [r for r in rows if not national_id_is_valid(r["CID"])]
    assert without, "the generator writes foreigners without a national ID"
    with schema_context("kantang"):
        registered = Person.objects.filter(
            hospcode=export.options.hospcode, pid__in=[r["PID"] for r in without]
        )
        assert registered.count() == len(without)
        assert not registered.exclude(cid_hash=None).exists()
