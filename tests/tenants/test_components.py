"""Components: the registries (tenants.registry), validation and the versioned saves
(tenants.services.components)."""

import pytest
from django.utils import translation
from django_tenants.utils import schema_context

from accounts.models import User
from tenants.models import ComponentSettings
from tenants.registry import Widget, module_for_path, registered_modules, registered_widgets
from tenants.services.components import (
    ComponentsError,
    components_for,
    components_restore,
    components_update,
    components_validate,
    components_versions,
    module_enabled,
)


@pytest.fixture
def kantang_admin(kantang):
    with schema_context("kantang"):
        return User.objects.get(username="admin")


def defaults(municipality) -> dict:
    return components_for(municipality).as_data()


def problems(data, language: str = "en") -> str:
    """The problems as a reader of `language` reads them (the messages are lazy texts)."""
    with pytest.raises(ComponentsError) as error:
        components_validate(data)
    with translation.override(language):
        return " | ".join(str(message) for message in error.value.messages)


def test_it_registers_the_modules_and_widgets_of_every_app():
    assert {m.key for m in registered_modules()} >= {
        "infrastructure", "service_requests", "smarthealth", "public_report"
    }
    assert {w.key for w in registered_widgets()} >= {
        "municipality.facts", "municipality.map", "requests.open", "assets.condition", "health.care"
    }


def test_it_knows_which_module_owns_a_url():
    assert module_for_path("/infrastructure/assets/", ["infrastructure"]) == "infrastructure"
    # The longest prefix wins over the namespace: requests are their own module.
    assert module_for_path("/infrastructure/requests/12/", ["infrastructure"]) == "service_requests"
    assert module_for_path("/infrastructure/requests/map/", ["infrastructure"]) == "service_requests"
    assert module_for_path("/health/persons/", ["smarthealth"]) == "smarthealth"
    assert module_for_path("/report/", ["report"]) == "public_report"
    assert module_for_path("/accounts/profile/", ["accounts"]) is None


def test_a_widget_refuses_a_default_width_it_does_not_allow():
    with pytest.raises(ValueError):
        Widget("x.y", "X", None, "widgets/x.html", default_width="third", widths=("half", "full"))


def test_the_defaults_turn_every_module_on_and_show_every_widget(kantang):
    components = components_for(kantang)

    assert all(components.modules.values())
    # Accounts without a role: set-up first; the codes card is off everyone's page (issue 16).
    enabled = [e["widget"] for e in components.dashboard if e["enabled"]]
    assert enabled[:2] == ["municipality.setup", "municipality.map"] and "municipality.facts" not in enabled
    assert module_enabled(kantang, "smarthealth")


def test_it_accepts_the_defaults(kantang):
    assert components_validate(defaults(kantang))["modules"]["smarthealth"] is True


def test_it_refuses_an_unknown_module(kantang):
    data = defaults(kantang)
    data["modules"]["teleport"] = True

    assert "Unknown module “teleport”" in problems(data)


def test_it_refuses_an_unknown_widget(kantang):
    data = defaults(kantang)
    data["dashboard"].append({"widget": "weather.radar", "width": "half", "enabled": True})

    assert "Unknown widget “weather.radar”" in problems(data)


def test_it_refuses_a_width_the_widget_does_not_allow(kantang):
    data = defaults(kantang)
    data["dashboard"] = [{"widget": "municipality.map", "width": "third", "enabled": True}]

    message = problems(data)
    assert "Map of the municipality" in message and "cannot be" in message and "Full width" in message


def test_it_refuses_a_widget_whose_module_is_off(kantang):
    data = defaults(kantang)
    data["modules"]["smarthealth"] = False
    health_entries = ("persons", "care-lists", "health-map", "visits", "audit")
    data["navigation"] = [
        dict(e, hidden=True) if e["key"] in health_entries else e for e in data["navigation"]
    ]

    message, thai = problems(data), problems(data, "th")
    # One language at a time, never "ไทย / English".
    assert "The widget “Care at a glance” needs the module “Smart health”, which is off." in message
    assert "The widget" not in thai and "Smart health" not in thai and " / " not in thai


def test_it_refuses_a_menu_entry_whose_module_is_off_unless_hidden(kantang):
    data = defaults(kantang)
    data["modules"]["infrastructure"] = False
    asset_widgets = ("assets.condition", "dashboards.infrastructure")
    data["dashboard"] = [dict(e, enabled=False) if e["widget"] in asset_widgets else e
                         for e in data["dashboard"]]

    message = problems(data)
    assert "The menu entry “Assets” needs the module" in message

    data["navigation"] = [dict(e, hidden=True) if e["key"] in ("assets", "asset-map") else e
                          for e in data["navigation"]]
    assert components_validate(data)["modules"]["infrastructure"] is False


def test_it_refuses_duplicate_widgets_and_menu_entries(kantang):
    data = defaults(kantang)
    data["dashboard"].append(dict(data["dashboard"][0]))
    data["navigation"].append(dict(data["navigation"][0]))

    message = problems(data)
    assert "appears twice in the layout" in message
    assert "The menu entry “Home” appears twice" in message


def test_it_refuses_an_unknown_menu_entry_and_a_long_label(kantang):
    data = defaults(kantang)
    data["navigation"][0]["label_th"] = "ก" * 41
    data["navigation"].append({"key": "casino", "label_th": "", "label_en": "", "hidden": False})

    message = problems(data)
    assert "Unknown menu entry “casino”" in message
    assert "longer than 40 characters" in message


def test_the_report_page_needs_the_service_requests_module(kantang):
    data = defaults(kantang)
    data["modules"]["service_requests"] = False
    data["navigation"] = [dict(e, hidden=True) if e["key"] == "requests" else e for e in data["navigation"]]
    data["dashboard"] = [dict(e, enabled=False) if e["widget"] == "requests.open" else e
                         for e in data["dashboard"]]

    assert "needs the module “Service requests”, which is off" in problems(data)


def test_a_refused_save_keeps_the_previous_settings(kantang, kantang_admin):
    good = defaults(kantang)
    good["navigation"][0]["label_en"] = "Start"
    components_update(municipality=kantang, data=good, editor=kantang_admin)
    bad = defaults(kantang)
    bad["navigation"][0]["label_en"] = "Changed"
    bad["dashboard"].append({"widget": "nope", "width": "half", "enabled": True})

    with pytest.raises(ComponentsError):
        components_update(municipality=kantang, data=bad, editor=kantang_admin)

    assert components_for(kantang).navigation[0]["label_en"] == "Start"
    assert components_versions(kantang).count() == 2


def test_a_save_writes_a_version_and_an_earlier_one_restores(kantang, kantang_admin):
    first = defaults(kantang)
    first["navigation"][0]["label_th"] = "หน้าแรก ก"
    v2 = components_update(municipality=kantang, data=first, editor=kantang_admin)
    second = defaults(kantang)
    second["navigation"][0]["label_th"] = "หน้าแรก ข"
    v3 = components_update(municipality=kantang, data=second, editor=kantang_admin)

    # Version 1 keeps the defaults from before the first change.
    assert [v.number for v in components_versions(kantang)] == [3, 2, 1]
    assert (v2.number, v3.number) == (2, 3)
    assert "admin" in v3.created_by

    restored = components_restore(municipality=kantang, number=2, editor=kantang_admin)
    assert restored.number == 4 and "2" in restored.note
    assert components_for(kantang).navigation[0]["label_th"] == "หน้าแรก ก"

    components_restore(municipality=kantang, number=1, editor=kantang_admin)
    assert components_for(kantang).navigation[0]["label_th"] == ""


def test_saving_the_same_settings_again_writes_no_version(kantang, kantang_admin):
    data = defaults(kantang)
    data["dashboard"][0]["width"] = "full"
    components_update(municipality=kantang, data=data, editor=kantang_admin)

    assert components_update(municipality=kantang, data=data, editor=kantang_admin) is None
    assert components_versions(kantang).count() == 2


def test_a_new_widget_joins_a_saved_layout_switched_off(kantang, kantang_admin):
    data = defaults(kantang)
    data["dashboard"] = [e for e in data["dashboard"] if e["widget"] != "health.care"]
    components_update(municipality=kantang, data=data, editor=kantang_admin)

    entry = next(e for e in components_for(kantang).dashboard if e["widget"] == "health.care")
    assert entry["enabled"] is False


def test_one_municipality_s_settings_leave_the_other_s_alone(kantang, nueaklong, kantang_admin):
    data = defaults(kantang)
    data["modules"]["public_report"] = False
    components_update(municipality=kantang, data=data, editor=kantang_admin)

    assert module_enabled(kantang, "public_report") is False
    assert module_enabled(nueaklong, "public_report") is True
    assert not ComponentSettings.objects.filter(municipality=nueaklong).exists()
