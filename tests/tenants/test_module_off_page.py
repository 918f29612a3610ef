"""A switched-off service answers 404 with a page in the reader's language that says so and how to
reach the municipality instead — never Django's technical 404 or an English message."""

from django_tenants.utils import schema_context

from accounts.models import User
from tenants.registry import get_widget, nav_module
from tenants.services.components import components_for, components_update

from ..helpers import host_client, login


def _switch_off(municipality, *modules: str) -> None:
    with schema_context(municipality.schema_name):
        editor = User.objects.get(username="admin")
    data = components_for(municipality).as_data()
    for module in modules:
        data["modules"][module] = False
    # As the editor requires: the module's menu entries hidden, its widgets off.
    data["navigation"] = [dict(e, hidden=True) if nav_module(e["key"]) in modules else e
                          for e in data["navigation"]]
    data["dashboard"] = [dict(e, enabled=False) if get_widget(e["widget"]).module in modules else e
                         for e in data["dashboard"]]
    components_update(municipality=municipality, data=data, editor=editor)


def test_a_citizen_at_a_closed_report_page_is_told_how_to_reach_the_municipality(kantang):
    _switch_off(kantang, "public_report")

    page = host_client("kantang.localhost").get("/report/")

    assert page.status_code == 404
    assert "บริการนี้ยังไม่เปิดให้ใช้" in page.text
    assert "โปรดติดต่อเทศบาลเมืองกันตังโดยตรง" in page.text
    assert "switched off" not in page.text and "ส่วนประกอบ" not in page.text  # no admin hint for them


def test_staff_read_it_in_english_when_they_chose_english_and_the_admin_is_shown_the_way_back(kantang):
    _switch_off(kantang, "smarthealth")
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    admin.cookies["django_language"] = "en"

    page = admin.get("/health/persons/")

    assert page.status_code == 404
    assert "This service is not open here" in page.text and "บริการนี้" not in page.text
    assert "/settings/components/" in page.text
