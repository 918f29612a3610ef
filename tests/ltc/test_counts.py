"""The counts section of the dashboard (no name) and the national snapshot's ltc_cases figure
(counts by group only)."""

from django.utils import timezone
from django_tenants.utils import tenant_context

from ltc.selectors import ltc_counts
from ltc.services import care_plan_decide, care_plan_write, case_enrol

from ..helpers import login
from .conftest import plan_data


def test_counts_give_eligible_active_coverage_and_groups(make_person, nurse, admin, care_manager):
    before = ltc_counts()
    person = make_person(4)
    case = case_enrol(person=person, user=nurse)
    plan = care_plan_write(case=case, user=nurse, data=plan_data(group=3), items=[], schedule=[])
    care_plan_decide(plan=plan, user=admin, approve=True, decided_on=timezone.localdate(), meeting="",
                     approved_amount=plan.requested_amount)

    after = ltc_counts()

    assert after["eligible"] == before["eligible"] + 1
    assert after["active"] == before["active"] + 1
    assert after["with_plan"] == before["with_plan"] + 1
    assert after["by_group"][3] == before["by_group"][3] + 1
    assert after["approved"] == before["approved"] + plan.requested_amount


def test_the_executives_dashboard_shows_ltc_counts_without_names(kantang, kantang_client):
    from ltc.models import LtcCase

    login(kantang_client, "kantang", "executive")
    html = kantang_client.get("/dashboard/").content.decode()
    assert "data-ltc-dashboard" in html
    with tenant_context(kantang):
        names = list(LtcCase.objects.values_list("person__first_name", flat=True))
    assert names and not any(name in html for name in names)


def test_the_national_snapshot_carries_ltc_counts_by_group_only(kantang):
    from dashboards.services import dashboard_refresh
    from national.figures import ALL
    from national.services import snapshot_cells

    with tenant_context(kantang):
        dashboard_refresh()
        cells = snapshot_cells()
    ltc = {key: cell for key, cell in cells.items() if key[0] == "ltc_cases"}
    assert ltc
    assert {key[1] for key in ltc} <= {"1", "2", "3", "4", "none", ALL}
    assert ltc[("ltc_cases", ALL, "", None)].value >= 3 or ltc[("ltc_cases", ALL, "", None)].hidden
