"""The pure rules: budget years, the suggested group from a table, fund arithmetic by hand."""

import datetime as dt
from decimal import Decimal

from ltc.rules import (
    FundLine,
    GroupRow,
    adl_eligible,
    budget_year,
    budget_year_bounds,
    coverage_percent,
    fund_total,
    month_visits_planned,
    suggested_group,
)


def test_it_counts_the_budget_year_from_october_in_the_buddhist_era():
    assert budget_year(dt.date(2026, 9, 30)) == 2569
    assert budget_year(dt.date(2026, 10, 1)) == 2570
    assert budget_year(dt.date(2026, 10, 1), start_month=1) == 2569
    assert budget_year_bounds(2570) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))


def test_it_makes_eligible_at_11_or_below_only():
    assert adl_eligible(11) and adl_eligible(0)
    assert not adl_eligible(12) and not adl_eligible(None)


ROWS = [
    GroupRow(4, 0, 4, ("I2", "I1")),
    GroupRow(3, 0, 4, ("I3",)),
    GroupRow(2, 5, 11, ("C2", "C3", "C4")),
    GroupRow(1, 5, 11, ("B3",)),
    GroupRow(3, 0, 4, ()),
    GroupRow(1, 5, 11, ()),
]


def test_it_suggests_the_first_row_that_fits_adl_and_tai():
    assert suggested_group(ROWS, adl=3, tai="I1") == 4
    assert suggested_group(ROWS, adl=3, tai="I3") == 3
    assert suggested_group(ROWS, adl=8, tai="C3") == 2
    assert suggested_group(ROWS, adl=8, tai="") == 2  # without a TAI: the first ADL row
    assert suggested_group(ROWS, adl=8, tai="I1") == 1  # the TAI-free fallback row
    assert suggested_group(ROWS, adl=15) is None
    assert suggested_group([], adl=3) is None


def test_it_adds_up_the_fund_by_hand():
    # Group 1: two plans approved 10,442 + 8,000 = 18,442, paid 5,221 → 13,221 left, 28.3 %.
    g1 = FundLine(group=1, plans=2, approved=Decimal("18442"), paid=Decimal("5221"))
    g3 = FundLine(group=3, plans=1, approved=Decimal("10442"), paid=Decimal("10442"))
    assert g1.remaining == Decimal("13221")
    assert g1.paid_share == Decimal("28.3")
    assert g3.remaining == 0 and g3.paid_share == Decimal("100.0")
    total = fund_total([g1, g3, FundLine(group=2)])
    assert (total.plans, total.approved, total.paid, total.remaining) == (
        3,
        Decimal("28884"),
        Decimal("15663"),
        Decimal("13221"),
    )
    assert FundLine(group=4).paid_share is None


def test_it_computes_coverage_and_planned_visits():
    assert coverage_percent(with_plan=2, eligible=3) == Decimal("66.7")
    assert coverage_percent(with_plan=0, eligible=0) is None
    # December 2026: Mondays 7, 14, 21, 28 and Thursdays 3, 10, 17, 24, 31.
    assert month_visits_planned([0, 3], year=2026, month=12) == 9
