import datetime as dt

import pytest
from django_tenants.utils import schema_context

from smarthealth import crypto
from smarthealth.models import AdlAssessment, NcdScreening
from smarthealth.rules import ncd_colour

from .conftest import error_rows, make_cid, problems, run, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_persons(kantang, tmp_path):
    path = write_csv(tmp_path / "persons.csv", [
        ["cid", "first_name", "last_name", "sex", "birth_date", "chronic"],
        [make_cid(100), "ก", "ข", "M", "01/01/2490", "DM"],
        [make_cid(101), "ค", "ง", "F", "01/01/2500", ""],
    ])
    assert run("kantang", "persons", path).created == 2
    return make_cid(100), make_cid(101)


def test_adl_groups_come_from_the_rules(two_persons, tmp_path):
    diabetic, other = two_persons
    path = write_csv(tmp_path / "adl.csv", [
        ["เลขประจำตัวประชาชน", "วันที่ประเมิน", "คะแนน ADL"],
        [diabetic, "15/03/2567", "4"],
        [other, "15/03/2567", "12"],
        [other, "16/03/2567", "21"],
        [make_cid(999), "15/03/2567", "10"],
    ])
    job = run("kantang", "adl", path)
    assert (job.created, job.rejected) == (2, 2)
    # An unknown person is found in SQL (by the ID's keyed hash): the report names the ID column.
    assert [(row, problem.split(":")[0]) for row, problem in problems("kantang", job)] == [
        ("4", "score"), ("5", "cid")]
    assert error_rows("kantang", job)[1]["ปัญหา"].startswith("เลขประจำตัวประชาชน: ")
    with schema_context("kantang"):
        rows = {a.person.cid_last3: a for a in AdlAssessment.objects.filter(
            person__cid_hash__in=[crypto.cid_hash(diabetic), crypto.cid_hash(other)])}
        assert rows[diabetic[-3:]].group == "bedbound"
        assert rows[other[-3:]].group == "social"
        assert rows[other[-3:]].assessed_on == dt.date(2024, 3, 15)
        assert rows[other[-3:]].source == "import"


def test_ncd_colours_match_the_rules_for_diagnosed_and_undiagnosed(two_persons, tmp_path):
    diabetic, other = two_persons
    path = write_csv(tmp_path / "ncd.csv", [
        ["cid", "screened_on", "sbp", "dbp", "fbs"],
        [diabetic, "2024-03-15", "118", "76", "95"],
        [other, "2024-03-15", "118", "76", "95"],
        [other, "2024-03-16", "165", "95", ""],
        [other, "2024-03-17", "80", "90", ""],
    ])
    job = run("kantang", "ncd_screening", path)
    assert (job.created, job.rejected) == (3, 1)
    with schema_context("kantang"):
        got = {(s.person.cid_last3, s.screened_on.day): s.colour for s in NcdScreening.objects.filter(
            person__cid_hash__in=[crypto.cid_hash(diabetic), crypto.cid_hash(other)])}
    assert got[(diabetic[-3:], 15)] == ncd_colour(sbp=118, dbp=76, fbs=95, diagnosed=True, complication=False)
    assert got[(other[-3:], 15)] == ncd_colour(sbp=118, dbp=76, fbs=95, diagnosed=False, complication=False)
    assert got[(other[-3:], 16)] == ncd_colour(sbp=165, dbp=95, fbs=None, diagnosed=False, complication=False)
    assert got[(diabetic[-3:], 15)] == "dark_green" and got[(other[-3:], 15)] == "white"
    again = run("kantang", "ncd_screening", path)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 1)
