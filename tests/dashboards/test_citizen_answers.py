"""The reopen rate and the citizens' satisfaction in the dashboard's request section, against
the fixture town's hand-computed values (conftest.py: r1, r2, r3 resolved at some point)."""

from dashboards.aggregates import Filters, request_aggregates
from dashboards.services import dashboard_refresh
from infrastructure.models import ServiceRequest

from .conftest import COMMUNITY


def test_reopen_rate_and_satisfaction(town):
    requests = town.requests
    ServiceRequest.objects.filter(pk=requests.r1.pk).update(reopen_count=1)
    ServiceRequest.objects.filter(pk=requests.r2.pk).update(satisfaction=4)
    ServiceRequest.objects.filter(pk=requests.r3.pk).update(satisfaction=5)
    dashboard_refresh()
    figures = request_aggregates(Filters(community=COMMUNITY, months=12), today=town.today)
    assert figures["reopened"] == 1
    assert figures["reopen_rate"] == 33.3  # 1 of the 3 requests marked fixed
    assert (figures["rated"], figures["satisfaction"]) == (2, 4.5)


def test_no_answers_yet_is_no_figure(town):
    dashboard_refresh()
    figures = request_aggregates(Filters(community=COMMUNITY, months=12), today=town.today)
    assert (figures["reopened"], figures["reopen_rate"]) == (0, 0.0)
    assert (figures["rated"], figures["satisfaction"]) == (0, None)
