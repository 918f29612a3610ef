"""The stored national snapshot of the seeded pilots contains no personal data: asserted on every
row, against the real aggregates of both municipalities."""

import re

import pytest
from django_tenants.utils import schema_context

from national.figures import ALL, EXCLUDED, PUBLISHED_FIGURES, allowed_keys, dashboard_figures
from national.models import IndicatorValue
from national.services import national_snapshot_publish
from national.suppression import recoverable

NATIONAL_ID = re.compile(r"\d{13}|\d-\d{4}-\d{5}-\d{2}-\d")
HOUSE_ID = re.compile(r"\d{11}")
PHONE = re.compile(r"0\d{8,9}|0\d-?\d{3,4}-?\d{4}")
THAI = re.compile(r"[\u0E00-\u0E7F]")


def _personal_values(schema: str) -> dict[str, set[str]]:
    """Names, IDs, phones and community names that exist in the municipality's schema."""
    from infrastructure.models import Asset
    from smarthealth.models import Household, Person

    with schema_context(schema):
        persons = list(Person.objects.values_list("first_name", "last_name", "phone")[:500])
        return {
            "names": {v for first, last, _p in persons for v in (first, last) if v},
            "phones": {p for _f, _l, p in persons if p},
            "house_ids": set(Household.objects.values_list("house_id", flat=True)[:500]),
            "communities": (set(Household.objects.exclude(community="").values_list("community", flat=True))
                            | set(Asset.objects.exclude(community="").values_list("community", flat=True))),
        }


@pytest.fixture
def published(kantang, nueaklong):
    for municipality in (kantang, nueaklong):
        national_snapshot_publish(municipality=municipality)
    return list(IndicatorValue.objects.filter(municipality__in=[kantang, nueaklong]))


def test_every_row_holds_only_known_figures_keys_and_numbers(published):
    assert len(published) > 50
    for row in published:
        figure = PUBLISHED_FIGURES[row.figure]  # KeyError: a figure nobody decided to publish
        for key, domain in ((row.key1, figure.key1), (row.key2, figure.key2)):
            allowed = allowed_keys(domain)
            if allowed is None:
                assert key.isdigit() or key in (ALL, "other"), row
            else:
                assert key in allowed, row
        assert (row.month is not None) == figure.monthly, row
        assert (row.value is None) == row.suppressed, row
        assert row.amount is None or figure.amount, row


def test_no_key_looks_like_a_name_an_id_a_house_or_a_phone(published, kantang, nueaklong):
    personal = {schema: _personal_values(schema) for schema in ("kantang", "nueaklong")}
    assert personal["kantang"]["names"] and personal["kantang"]["communities"]  # the seed has them
    forbidden = set().union(*(values for p in personal.values() for values in p.values()))
    for row in published:
        for key in (row.key1, row.key2):
            assert not NATIONAL_ID.search(key) and not HOUSE_ID.search(key) and not PHONE.search(key), row
            assert not THAI.search(key), row  # every key is a code; names are Thai text
            assert key not in forbidden or key in ("", ALL), row


def test_no_count_of_1_to_4_people_is_published(published):
    for row in published:
        if PUBLISHED_FIGURES[row.figure].persons and row.value is not None:
            assert row.value == 0 or row.value >= 5, row


def test_no_hidden_count_comes_back_by_one_subtraction(kantang):
    from national.services import tenant_cells, with_totals
    from national.suppression import suppress

    with schema_context("kantang"):
        cells, equations = with_totals(tenant_cells())
    suppress(cells, people={k for k in cells if PUBLISHED_FIGURES[k[0]].persons}, equations=equations)
    assert recoverable(cells, equations) == []


def test_the_row_has_no_field_for_anything_but_numbers_and_codes():
    names = {f.name for f in IndicatorValue._meta.get_fields()}
    assert names == {"id", "municipality", "snapshot_date", "figure", "key1", "key2", "month", "value",
                     "amount", "suppressed", "suppression", "published_at"}


def test_every_dashboard_figure_is_either_published_or_deliberately_excluded():
    figures = dashboard_figures()
    assert figures, "no figure found in dashboards.refresh_sql"
    assert figures <= set(PUBLISHED_FIGURES) | set(EXCLUDED), figures - set(PUBLISHED_FIGURES) - set(EXCLUDED)
