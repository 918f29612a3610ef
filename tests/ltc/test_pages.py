"""The fund officer's export for re-keying into the NHSO programme and 3C, and the settings page
that edits the group table (what the reference could not confirm)."""

from decimal import Decimal

from django.utils import timezone

from ltc.models import GroupRule
from ltc.services import care_plan_decide, care_plan_write, case_enrol
from smarthealth.models import AccessLog

from ..helpers import login
from .conftest import plan_data

YEAR = 2598


def test_the_export_lists_approved_plans_for_re_keying(
    make_person, nurse, admin, care_manager, kantang_client
):
    from kernel.national_id import check_digit

    person = make_person(5)
    first12 = "110170099912"
    person.set_cid(first12 + str(check_digit(first12)))
    person.save()
    case = case_enrol(person=person, user=nurse)
    plan = care_plan_write(case=case, user=nurse, data=plan_data(budget_year=YEAR), items=[], schedule=[])
    care_plan_decide(
        plan=plan,
        user=admin,
        approve=True,
        decided_on=timezone.localdate(),
        meeting="4/2598",
        approved_amount=Decimal("9000"),
    )
    login(kantang_client, "kantang", "admin")

    response = kantang_client.get(f"/ltc/fund/export.csv?year={YEAR}")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 2
    assert "ปีงบประมาณ" in lines[0]
    assert person.cid in lines[1] and "4/2598" in lines[1] and "9,000.00" in lines[1]
    row = AccessLog.objects.filter(action="export", object_type="ltc_fund").latest("pk")
    assert row.detail["persons"] == [str(person.public_id)]


def test_the_administrator_edits_the_group_table(in_kantang, kantang_client):
    login(kantang_client, "kantang", "admin")
    rules = list(GroupRule.objects.all())
    data = {
        "fund_year_start_month": 10,
        "reassessment_days": 90,
        "renewal_warning_days": 30,
        "default_annual_rate": "10442",
        "note": "ตามประกาศกองทุน",
        "rules-TOTAL_FORMS": len(rules),
        "rules-INITIAL_FORMS": len(rules),
        "rules-MIN_NUM_FORMS": 0,
        "rules-MAX_NUM_FORMS": 1000,
    }
    for n, rule in enumerate(rules):
        data.update(
            {
                f"rules-{n}-id": rule.pk,
                f"rules-{n}-order": rule.order,
                f"rules-{n}-group": rule.group,
                f"rules-{n}-adl_min": rule.adl_min,
                f"rules-{n}-adl_max": rule.adl_max,
                f"rules-{n}-tai_codes": rule.tai_codes,
                f"rules-{n}-visits_per_month": rule.visits_per_month,
                f"rules-{n}-annual_rate": rule.annual_rate,
                f"rules-{n}-confirmed": "on",
            }
        )
    data[f"rules-{len(rules) - 1}-DELETE"] = "on"
    data[f"rules-{0}-visits_per_month"] = 12

    response = kantang_client.post("/ltc/settings/", data)

    assert response.status_code == 302, response.context["formset"].errors
    assert GroupRule.objects.count() == len(rules) - 1
    assert GroupRule.objects.get(pk=rules[0].pk).visits_per_month == 12
    assert all(GroupRule.objects.values_list("confirmed", flat=True))
    from ltc.models import LtcSettings

    assert LtcSettings.current().reassessment_days == 90
