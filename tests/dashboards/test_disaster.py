"""The disaster view: counts for everyone allowed, names and households only for health roles."""

from django_tenants.utils import schema_context

from dashboards.disaster import disaster_summary, households_at_risk
from smarthealth.models import AccessLog

from ..helpers import login
from .conftest import COMMUNITY

URL = "/dashboard/disaster/"


def _community(summary):
    return next((c for c in summary["by_community"] if c["community"] == COMMUNITY), None)


def test_it_finds_households_with_bedridden_or_disabled_members_near_hazards(town, executive):
    rows = {r.household_id: r for r in households_at_risk(metres=200)}
    near = rows[town.near.pk]
    assert (near.bedbound, near.disabled, near.living) == (1, 1, 2)
    assert near.kind == "flood" and round(near.distance) == 30  # the open flood request
    assert near.kinds == {"flood", "drain", "drain_poor"}  # the poor drain and the drain request
    assert town.far.pk not in rows  # a bedridden person, but 7 km from any hazard
    row = _community(disaster_summary(executive, metres=200, rows=list(rows.values())))
    assert {k: row[k] for k in ("community", "households", "bedbound", "disabled", "hidden")} == {
        "community": COMMUNITY, "households": None, "bedbound": None, "disabled": None, "hidden": True}
    assert all(cell["households"] is None for cell in row["cells"])


def test_a_count_only_reader_never_sees_a_small_community_count_nor_works_it_out(town, executive):
    rows = households_at_risk(metres=50)
    summary = disaster_summary(executive, metres=50, rows=rows)

    shown = [c for c in summary["by_community"] if not c["hidden"]]
    assert all(c["households"] >= 5 for c in shown)
    hidden = [c for c in summary["by_community"] if c["hidden"]]
    assert len(hidden) != 1 or not shown  # one hidden row would be the total minus the others
    assert all(k["hidden"] or not 1 <= k["households"] <= 4 for k in summary["by_kind"])


def test_a_nurse_sees_the_exact_counts(town, nurse):
    rows = households_at_risk(metres=200)
    assert _community(disaster_summary(nurse, metres=200, rows=rows))["households"] == 1


def test_the_distance_decides(town):
    at_50 = {r.household_id: r for r in households_at_risk(metres=50)}
    assert at_50[town.near.pk].kinds == {"flood"}  # the drain is 80 m away, its request 89 m


def test_closed_requests_and_good_drains_are_no_hazard(town):
    town.requests.r4.status = "resolved"
    town.requests.r4.save()
    town.requests.r5.status = "rejected"
    town.requests.r5.save()
    town.drain.condition = "good"
    town.drain.save()
    assert town.near.pk not in {r.household_id for r in households_at_risk(metres=200)}


def test_an_executive_sees_counts_but_no_names_or_house_numbers(town, kantang_client):
    login(kantang_client, "kantang", "executive")
    response = kantang_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert COMMUNITY in html
    for secret in (town.p1.first_name, town.p2.first_name, town.near.house_no, town.near.house_id,
                   f"/health/households/{town.near.pk}/", "777/77"):
        assert secret not in html
    # The count map only: no household points, no hazards.
    assert '"households": []' in html and '"hazards": []' in html
    assert "no-store" in response["Cache-Control"]


def test_an_engineer_sees_counts_only(town, kantang_client):
    login(kantang_client, "kantang", "engineer")
    html = kantang_client.get(URL).content.decode()
    assert COMMUNITY in html and town.p1.first_name not in html and town.near.house_no not in html


def test_a_nurse_sees_the_list_and_the_map_and_it_is_audited(town, kantang_client):
    login(kantang_client, "kantang", "nurse")
    with schema_context("kantang"):
        before = AccessLog.objects.filter(object_type="disaster_view").count()
    response = kantang_client.get(URL + "?metres=200")
    assert response.status_code == 200
    html = response.content.decode()
    assert town.near.house_no in html and town.p1.first_name in html and town.p2.first_name in html
    assert town.p4.first_name not in html  # neither bedridden nor disabled, and far away
    assert 'id="disaster-data"' in html
    assert "no-store" in response["Cache-Control"]
    with schema_context("kantang"):
        rows = AccessLog.objects.filter(object_type="disaster_view")
        assert rows.count() == before + 1
        row = rows.order_by("-id").first()
        assert row.action == AccessLog.Action.LIST and row.detail["metres"] == 200
        assert town.p1.first_name not in str(row.detail)


def test_a_distance_out_of_range_is_refused_with_a_message(town, kantang_client):
    login(kantang_client, "kantang", "nurse")
    with schema_context("kantang"):
        before = AccessLog.objects.filter(object_type="disaster_view").count()
    response = kantang_client.get(URL + "?metres=5000")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="form-errors"' in html and town.p1.first_name not in html
    with schema_context("kantang"):
        assert AccessLog.objects.filter(object_type="disaster_view").count() == before
