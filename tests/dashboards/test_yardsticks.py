"""Figures with yardsticks (issue 19): SLA compliance and overdue rates, the change against the
previous month, targets against actuals, months with their year, overdue bars sorted. Every value
is hand-computed in yardstick_fixture.py."""

import datetime as dt
import re
from decimal import Decimal

from django.utils import translation

from dashboards.aggregates import Filters, request_aggregates, request_month_changes
from dashboards.models import Target
from dashboards.sections import month_label, month_tick, requests_section
from dashboards.targets import MET, NO_DATA, NOT_MET, TARGET_FIGURES, status, yardsticks

from .conftest import COMMUNITY
from .yardstick_fixture import sla_town_fixture  # noqa: F401  (the sla_town fixture)


def all_year() -> Filters:
    return Filters(community=COMMUNITY, months=12)


# --- the dashboard's figures ------------------------------------------------------------------
def test_it_computes_the_sla_compliance_and_overdue_rates(sla_town):
    figures = request_aggregates(all_year(), today=sla_town.today)
    assert (figures["resolved_on_time"], figures["resolved_late"]) == (4, 2)
    assert figures["sla_rate"] == 66.7
    assert (figures["open"], figures["overdue"]) == (4, 3)
    assert figures["overdue_rate"] == 75.0


def test_the_sla_rate_follows_the_period_filter(sla_town):
    figures = request_aggregates(Filters(community=COMMUNITY, months=3), today=sla_town.today)
    assert (figures["resolved_on_time"], figures["resolved_late"]) == (3, 2)
    assert figures["sla_rate"] == 60.0
    assert figures["overdue_rate"] == 75.0  # open now: no period


def test_last_month_is_compared_with_the_month_before(sla_town):
    changes = request_month_changes(all_year(), today=sla_town.today)
    rows = {row["key"]: row["change"] for row in changes["rows"]}
    assert (rows["opened"].previous, rows["opened"].current) == (4, 6)
    assert (rows["opened"].difference, rows["opened"].percent) == (2, 50.0)
    assert (rows["closed"].previous, rows["closed"].current, rows["closed"].percent) == (2, 3, 50.0)
    assert (rows["sla_rate"].previous, rows["sla_rate"].current) == (50.0, 66.7)
    assert rows["sla_rate"].difference == 16.7  # percentage points


def test_the_section_writes_the_changes_with_sign_and_percent(sla_town, executive):
    with translation.override("en"):
        section = requests_section(executive, all_year())
    rows = {row["key"]: row for row in section["changes"]["rows"]}
    assert rows["opened"]["change_text"] == "+2 (+50.0 %)"
    assert rows["closed"]["change_text"] == "+1 (+50.0 %)"
    assert rows["sla_rate"]["change_text"] == "+16.7 points"
    assert (rows["sla_rate"]["previous_text"], rows["sla_rate"]["current_text"]) == ("50.0 %", "66.7 %")
    assert section["sla_text"] == "66.7 %" and section["overdue_rate_text"] == "75.0 %"


def test_the_overdue_bars_are_sorted_most_overdue_first(sla_town, executive):
    with translation.override("en"):
        section = requests_section(executive, all_year())
        svg = str(section["overdue_chart"].svg("ch-overdue"))
        table = [(str(row[0]["text"]), str(row[3]["text"])) for row in section["overdue_chart"].table["rows"]]
    labels = re.findall(r'class="ch-label">([^<]+)<title>', svg)
    assert labels == ["Street lighting", "Flooding", "Drain"]  # 2, 1, 0 overdue (road: none open)
    values = re.findall(r'class="ch-value">([^<]+)</text>', svg)
    assert values == ["2", "1", "0"]
    # The table beside it in the same order (road and drain tie at 0: their usual order).
    assert table == [("Street lighting", "2"), ("Flooding", "1"), ("Road", "0"), ("Drain", "0")]


def test_the_months_carry_their_buddhist_era_year(sla_town, executive):
    with translation.override("th"):
        assert month_label(dt.date(2026, 1, 1)) == "ม.ค. 69"
        assert month_tick(dt.date(2026, 1, 1)) == "ม.ค.\n69"
        svg = str(requests_section(executive, all_year())["month_chart"].svg("ch-months"))
    last = sla_town.today.replace(day=1)
    be = str(last.year + 543)[-2:]
    # On the axis: the month over its year, one <text> (its name reads "ธ.ค. 69").
    assert re.search(rf'class="ch-tick">[^<]+ <tspan x="[\d.]+" dy="1.1em">{be}</tspan></text>', svg)
    with translation.override("en"):
        assert month_label(dt.date(2026, 1, 1)) == "Jan 26"
        assert month_tick(dt.date(2026, 1, 1)) == "Jan\n26"


# --- targets against actuals ------------------------------------------------------------------
def test_a_target_is_met_at_least_or_at_most_as_the_figure_wants():
    sla, overdue = TARGET_FIGURES["sla_compliance"], TARGET_FIGURES["overdue_rate"]
    assert status(sla, actual=90.0, target=Decimal("90")) == MET
    assert status(sla, actual=89.9, target=Decimal("90")) == NOT_MET
    assert status(overdue, actual=10.0, target=Decimal("10")) == MET
    assert status(overdue, actual=10.1, target=Decimal("10")) == NOT_MET
    assert status(sla, actual=None, target=Decimal("90")) == NO_DATA


def test_the_sections_judge_their_figures_against_the_targets(sla_town, executive):
    from dashboards.sections import assets_section, health_section

    targets = {"sla_compliance": Decimal("90"), "overdue_rate": Decimal("80"),
               "bedridden_visited": Decimal("100"), "screening": Decimal("25"), "assets_alert": Decimal("70")}
    requests = requests_section(executive, all_year(), targets=targets)["yardsticks"]
    assert {k: (y["actual"], y["status"]) for k, y in requests.items()} == {
        "sla_compliance": (66.7, NOT_MET), "overdue_rate": (75.0, MET)}  # reopen rate: no target
    health = health_section(executive, all_year(), targets=targets)["yardsticks"]
    # bedridden: p1 visited 10 days ago, p5 45 days ago → 50.0 %; screened 35+: p2 of p1 p2 p3 p5
    assert {k: (y["actual"], y["status"]) for k, y in health.items()} == {
        "bedridden_visited": (50.0, NOT_MET), "screening": (25.0, MET)}
    assets = assets_section(executive, all_year(), targets=targets)["yardsticks"]
    assert (assets["assets_alert"]["actual"], assets["assets_alert"]["status"]) == (75.0, NOT_MET)


def test_only_figures_with_a_target_are_judged():
    assert yardsticks(targets={}, actuals={"sla_compliance": 50.0}) == {}
    assert list(yardsticks(targets={"screening": Decimal(1)}, actuals={"sla_compliance": 50.0})) == []


def test_targets_save_sets_changes_and_removes(in_kantang, admin):
    from dashboards.services import dashboard_targets_save

    assert dashboard_targets_save(values={"sla_compliance": Decimal("90"), "overdue_rate": None},
                                  user=admin) == ["sla_compliance"]
    assert dashboard_targets_save(values={"sla_compliance": Decimal("90")}, user=admin) == []
    assert dashboard_targets_save(values={"sla_compliance": None}, user=admin) == ["sla_compliance"]
    assert not Target.objects.exists()


def test_the_bedridden_visit_rate_is_compared_with_the_30_days_before(sla_town, executive):
    from dashboards.aggregates import health_aggregates
    from dashboards.sections import health_section

    visited = health_aggregates(all_year())["bedridden_visited_change"]
    assert (visited.current, visited.previous, visited.difference) == (50.0, 100.0, -50.0)
    with translation.override("en"):
        section = health_section(executive, all_year())
        assert (section["visited_before_text"], section["visited_change_text"]) == ("100.0 %", "−50.0 points")
