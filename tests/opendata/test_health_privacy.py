"""The health dataset publishes only suppressed aggregates: every cell of the CSV is checked for
counts of 1 to 4 and for anything that names a person, a house or a community."""

import re

import pytest
from django_tenants.utils import schema_context

from opendata.tables import HEALTH_FIGURES

from ..national.conftest import load_tiny_aggregates
from .conftest import csv_rows, publish

NATIONAL_ID = re.compile(r"\d{13}|\d-\d{4}-\d{5}-\d{2}-\d")
HOUSE_ID = re.compile(r"\d{11}")
PHONE = re.compile(r"0\d{8,9}|0\d-?\d{3,4}-?\d{4}")


def _personal_values(schema: str) -> set[str]:
    from infrastructure.models import Asset
    from smarthealth.models import Household, Person

    with schema_context(schema):
        persons = list(Person.objects.values_list("first_name", "last_name", "phone"))
        values = {v for row in persons for v in row if v}
        values |= set(Household.objects.values_list("house_id", flat=True))
        values |= set(Household.objects.exclude(community="").values_list("community", flat=True))
        values |= set(Household.objects.exclude(road="").values_list("road", flat=True))
        values |= set(Asset.objects.exclude(community="").values_list("community", flat=True))
    return values


@pytest.fixture
def health_rows(admin_client, visitor):
    publish(admin_client, "health")
    response = visitor.get("/opendata/health.csv")
    assert response.status_code == 200
    return csv_rows(response)


def test_no_cell_holds_a_count_of_1_to_4(health_rows):
    header, rows = health_rows[0], health_rows[1:]
    assert header[-2:] == ["count", "suppressed"]
    assert len(rows) > 20
    for row in rows:
        for cell in row:
            if re.fullmatch(r"\s*\d+(\.\d+)?\s*", cell):
                assert not 1 <= float(cell) <= 4, row


def test_no_cell_names_a_person_a_house_or_a_community(health_rows):
    personal = _personal_values("kantang")
    assert len(personal) > 100  # the seed has names, houses and communities to look for
    for row in health_rows:
        for cell in row:
            assert cell not in personal, row
            assert not NATIONAL_ID.search(cell) and not HOUSE_ID.search(cell) and not PHONE.search(cell), row
            assert not any(len(value) > 3 and value in cell for value in personal if not value.isdigit()), row


def test_only_the_whitelisted_figures_are_published(health_rows):
    assert {row[0] for row in health_rows[1:]} == set(HEALTH_FIGURES)


def test_small_counts_are_hidden_with_the_reason(admin_client, visitor):
    # bedridden, elderly ADL, population and disability from a hand-made set (tests/national):
    # elderly bedbound = 2 (small), homebound = 6 (complementary), socially active 20.
    load_tiny_aggregates()
    publish(admin_client, "health")

    rows = csv_rows(visitor.get("/opendata/health.csv"))[1:]

    adl = {row[3]: (row[9], row[10]) for row in rows if row[0] == "elderly_adl"}
    assert adl["bedbound"] == ("", "small")
    assert adl["homebound"] == ("", "complementary")
    assert adl["social"] == ("20", "")
    women_30 = next(row for row in rows if row[0] == "population" and row[3] == "F" and row[6] == "30")
    assert women_30[9] == "" and women_30[10] == "small"
    assert not any(row[0] == "bedridden" for row in rows)  # not in the published whitelist
