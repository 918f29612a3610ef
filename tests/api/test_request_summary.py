"""`GET /api/v1/service-requests/summary/`: the dashboard's request figures and yardsticks
(kernel.yardsticks), hand-computed on the dashboards' fixture town (yardstick_fixture.py)."""

from decimal import Decimal

from django_tenants.utils import schema_context

from dashboards.aggregates import Filters, request_aggregates

from ..dashboards.conftest import COMMUNITY, town  # noqa: F401  (fixtures)
from ..dashboards.yardstick_fixture import sla_town_fixture  # noqa: F401
from .conftest import assert_error_body, call

PATH = "/api/v1/service-requests/summary/"


def test_the_summary_gives_the_sla_and_overdue_rates_of_a_community(sla_town, make_token):
    token = make_token("kantang", "executive")
    response = call("kantang", "GET", PATH, token, data={"community": COMMUNITY, "months": 12})
    assert response.status_code == 200, response.content[:600]
    body = response.json()
    assert body["community"] == COMMUNITY and body["months"] == 12
    assert (body["resolved"], body["resolved_on_time"], body["sla_compliance_rate"]) == (6, 4, 66.7)
    assert (body["open"], body["overdue"], body["overdue_rate"]) == (4, 3, 75.0)
    assert body["opened"] == 11 and body["refreshed_at"]
    assert body["targets"] == []
    three = call("kantang", "GET", PATH, token, data={"community": COMMUNITY, "months": 3}).json()
    assert (three["resolved"], three["resolved_on_time"], three["sla_compliance_rate"]) == (5, 3, 60.0)


def test_the_summary_judges_the_targets_like_the_dashboard(sla_town, make_token):
    from dashboards.services import dashboard_targets_save

    with schema_context("kantang"):
        from accounts.models import User

        dashboard_targets_save(values={"sla_compliance": Decimal("90"), "overdue_rate": Decimal("80"),
                                       "bedridden_visited": Decimal("100")},
                               user=User.objects.get(username="admin"))
    body = call("kantang", "GET", PATH, make_token("kantang", "executive"),
                data={"community": COMMUNITY}).json()
    # request figures only: the bedridden target is a health figure
    assert body["targets"] == [
        {"figure": "sla_compliance", "target": 90.0, "actual": 66.7, "status": "not_met"},
        {"figure": "overdue_rate", "target": 80.0, "actual": 75.0, "status": "met"},
    ]


def test_the_whole_municipality_is_the_dashboards_figure(sla_town, make_token):
    body = call("kantang", "GET", PATH, make_token("kantang", "executive")).json()
    with schema_context("kantang"):
        figures = request_aggregates(Filters())
    assert body["community"] == "" and body["months"] == 12
    assert body["sla_compliance_rate"] == figures["sla_rate"]
    assert body["overdue_rate"] == figures["overdue_rate"]


def test_a_volunteer_and_a_bad_period_are_refused(sla_town, make_token):
    assert_error_body(call("kantang", "GET", PATH, make_token("kantang", "volunteer")), 403)
    error = assert_error_body(call("kantang", "GET", PATH, make_token("kantang", "executive"),
                                   data={"months": 5}), 422)
    assert error["fields"][0]["field"] == "months"
