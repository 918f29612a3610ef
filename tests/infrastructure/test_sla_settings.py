"""The SLA targets grid: the municipal administrator sets the due time per category × priority."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from infrastructure.forms.requests import sla_field_name
from infrastructure.models import DEFAULT_SLA_HOURS, Priority, RequestCategory, ServiceRequest, SlaRule
from infrastructure.selectors import sla_table

from ..helpers import host_client, login
from .helpers import offset

SLA_URL = reverse("infrastructure:sla-settings", urlconf="cityplatform.urls_tenant")
CREATE_URL = reverse("infrastructure:request-create", urlconf="cityplatform.urls_tenant")


def client_for(username=None, schema="kantang"):
    client = host_client(f"{schema}.localhost")
    return login(client, schema, username) if username else client


def grid(**changes) -> dict:
    """The whole grid as the page posts it, with the current values and `changes` applied."""
    with schema_context("kantang"):
        table = sla_table()
    data = {
        sla_field_name(c, p): str(table[c][p]) for c in RequestCategory.values for p in Priority.values
    }
    data.update({sla_field_name(*key.split("__")): value for key, value in changes.items()})
    return data


def stored_rules() -> dict:
    with schema_context("kantang"):
        return {(r.category, r.priority): r.hours for r in SlaRule.objects.all()}


@pytest.mark.parametrize("username, status", [
    ("admin", 200), ("engineer", 200), ("executive", 200), ("nurse", 403), ("volunteer", 403),
])
def test_each_role_reads_the_grid_or_gets_403(kantang, username, status):
    response = client_for(username).get(SLA_URL)

    assert response.status_code == status
    if status == 200:
        editable = f'name="{sla_field_name("flood", "urgent")}"' in response.text
        assert editable == (username == "admin")


@pytest.mark.parametrize("username", ["engineer", "executive", "nurse", "volunteer"])
def test_only_the_admin_may_save(kantang, username):
    before = stored_rules()

    response = client_for(username).post(SLA_URL, grid(tree__high="5"))

    assert response.status_code == 403 and stored_rules() == before


def test_the_grid_shows_defaults_where_no_rule_is_stored(kantang):
    response = client_for("admin").get(SLA_URL)

    field = response.context["form"][sla_field_name("power_line", "urgent")]
    assert str(field.value()) == str(DEFAULT_SLA_HOURS[("power_line", "urgent")])
    cell = response.context["rows"][0]["cells"][0]
    assert cell["default"] == DEFAULT_SLA_HOURS[("road", "low")]


def test_a_new_target_sets_the_due_time_of_new_requests(kantang):
    saved = client_for("admin").post(SLA_URL, grid(tree__high="6", road__urgent="๘"))  # Thai digit 8
    lon, lat = offset(40, 40)
    created = client_for("engineer").post(CREATE_URL, {
        "channel": "phone", "category": "tree", "priority": "high", "description": "ต้นไม้โค่น ทดสอบ SLA",
        "latitude": lat, "longitude": lon,
    })

    assert saved.status_code == 302 and created.status_code == 302
    assert stored_rules().get(("tree", "high")) == 6 and stored_rules().get(("road", "urgent")) == 8
    # Unchanged cells are not stored: they keep following the defaults.
    assert ("flood", "urgent") not in stored_rules()
    with schema_context("kantang"):
        obj = ServiceRequest.objects.get(description="ต้นไม้โค่น ทดสอบ SLA")
    assert obj.due_at == obj.received_at + timedelta(hours=6)
    page = client_for("admin").get(SLA_URL)
    assert page.context["form"][sla_field_name("tree", "high")].value() in (6, "6")


@pytest.mark.parametrize("bad", ["0", "8761", "1.5", "abc", "-3", ""])
def test_bad_hours_are_refused_and_nothing_is_saved(kantang, bad):
    before = stored_rules()

    response = client_for("admin").post(SLA_URL, grid(tree__high="9", drain__low=bad))

    assert response.status_code == 400
    assert stored_rules() == before  # the good cell was not saved either
    errors = response.context["form"].errors
    assert list(errors) == [sla_field_name("drain", "low")]
    assert 'class="error"' in response.text


def test_saving_without_changes_stores_nothing(kantang):
    before = stored_rules()

    response = client_for("admin").post(SLA_URL, grid())

    assert response.status_code == 302 and stored_rules() == before
