"""Each role's "today" home page (issue 16): the defaults per role, the administrator's choice per
role on the components page, the set-up tasks, and what the saved settings accept."""

import re

import pytest
from django.utils import translation
from django_tenants.utils import schema_context

from accounts.models import User
from tenants.models import ComponentSettings, CustomizationVersion
from tenants.services.components import (
    ComponentsError,
    components_for,
    components_restore,
    components_update,
    components_validate,
)

from ..helpers import host_client, login

EDITOR = "/settings/components/"
HOME_WORK = {
    "volunteer": ["health.visits_due"],
    "nurse": ["health.bedbound_overdue", "health.uncontrolled", "health.screenings_today", "health.care"],
    "engineer": ["requests.mine", "requests.unassigned", "assets.poor_near_requests", "requests.open",
                 "assets.condition"],
    "executive": ["dashboards.infrastructure", "dashboards.requests", "dashboards.health"],
    "admin": ["municipality.setup", "requests.open", "health.care"],
}


@pytest.fixture
def kantang_admin(kantang):
    with schema_context("kantang"):
        return User.objects.get(username="admin")


def home(username: str, schema: str = "kantang"):
    return login(host_client(f"{schema}.localhost"), schema, username).get("/")


def widget_keys(html: str) -> list[str]:
    return re.findall(r'data-widget="([^"]+)"', html)


def save(municipality, editor, change) -> None:
    data = components_for(municipality).as_data()
    change(data)
    components_update(municipality=municipality, data=data, editor=editor)


def problems(data) -> str:
    """The problems as an English reader reads them (the messages are lazy texts)."""
    with pytest.raises(ComponentsError) as error:
        components_validate(data)
    with translation.override("en"):
        return " | ".join(str(message) for message in error.value.messages)


# --- The defaults -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(HOME_WORK))
def test_each_role_lands_on_its_own_work(kantang, role):
    response = home(role)

    assert response.status_code == 200
    assert widget_keys(response.text) == HOME_WORK[role]
    assert "could not be shown" not in response.text and "แสดงไม่ได้ในขณะนี้" not in response.text
    # The codes card is off everyone's first screen; it stays on offer (below).
    assert "municipality.facts" not in response.text


def test_the_codes_card_is_still_offered_to_every_role(kantang):
    components = components_for(kantang)

    for role, layout in components.roles.items():
        facts = next(e for e in layout if e["widget"] == "municipality.facts")
        assert facts["enabled"] is False, role


def test_a_role_is_offered_only_the_widgets_it_may_read(kantang):
    roles = components_for(kantang).roles

    offered = {role: {e["widget"] for e in layout} for role, layout in roles.items()}
    assert "health.visits_due" not in offered["engineer"]
    assert "health.care" not in offered["engineer"] and "health.care" not in offered["volunteer"]
    assert "requests.mine" not in offered["volunteer"] and "requests.mine" not in offered["executive"]
    assert "municipality.setup" in offered["admin"] and "municipality.setup" not in offered["nurse"]


def test_the_home_page_is_never_kept_by_the_browser(kantang):
    response = home("volunteer")

    assert "no-store" in response["Cache-Control"]


# --- The administrator's choice -----------------------------------------------------------------


def test_the_admin_chooses_a_roles_widgets_and_the_others_keep_theirs(kantang, kantang_admin):
    save(kantang, kantang_admin, lambda d: d["roles"].update(nurse=[
        {"widget": "municipality.facts", "width": "full", "enabled": True},
        {"widget": "health.screenings_today", "width": "third", "enabled": True},
        {"widget": "health.care", "width": "half", "enabled": False},
    ]))

    nurse = home("nurse").text
    assert widget_keys(nurse) == ["municipality.facts", "health.screenings_today"]
    assert 'class="card w-third" data-widget="health.screenings_today"' in nurse
    assert widget_keys(home("volunteer").text) == HOME_WORK["volunteer"]
    # A widget the saved page does not name yet joins it switched off.
    saved = components_for(kantang).roles["nurse"]
    assert next(e for e in saved if e["widget"] == "health.uncontrolled")["enabled"] is False


def test_a_widget_a_role_may_not_read_is_refused_on_its_page(kantang):
    data = components_for(kantang).as_data()
    data["roles"]["volunteer"].append({"widget": "requests.mine", "width": "half", "enabled": True})

    assert "cannot be on the home page of" in problems(data)


def test_a_switched_off_widget_a_role_may_not_read_is_dropped(kantang):
    data = components_for(kantang).as_data()
    data["roles"]["volunteer"].append({"widget": "requests.mine", "width": "half", "enabled": False})

    cleaned = components_validate(data)

    assert "requests.mine" not in {e["widget"] for e in cleaned["roles"]["volunteer"]}


@pytest.mark.parametrize("change, message", [
    (lambda d: d["roles"].update(plumber=[]), "Unknown role “plumber”"),
    (lambda d: d["roles"]["nurse"].append(dict(d["roles"]["nurse"][0])), "appears twice on the home page of"),
    (lambda d: d["roles"]["nurse"].append({"widget": "weather.radar", "enabled": True}),
     "Unknown widget “weather.radar”"),
])
def test_it_refuses_a_bad_role_page(kantang, change, message):
    data = components_for(kantang).as_data()
    change(data)

    assert message in problems(data)


def test_a_module_switched_off_leaves_the_roles_pages_as_chosen(kantang, kantang_admin):
    def off(data):
        data["modules"]["smarthealth"] = False
        data["navigation"] = [dict(e, hidden=True) if e["key"] in ("persons", "care-lists", "health-map",
                                                                     "visits", "audit") else e
                              for e in data["navigation"]]
        data["dashboard"] = [dict(e, enabled=False) if e["module"] == "smarthealth" else e
                             for e in components_for(kantang).dashboard]

    save(kantang, kantang_admin, off)

    assert widget_keys(home("volunteer").text) == []
    assert "health.care" not in widget_keys(home("nurse").text)
    save(kantang, kantang_admin, lambda d: d["modules"].update(smarthealth=True))
    assert widget_keys(home("volunteer").text) == HOME_WORK["volunteer"]


def test_saving_without_the_roles_keeps_the_roles_pages(kantang, kantang_admin):
    save(kantang, kantang_admin, lambda d: d["roles"].update(
        engineer=[{"widget": "assets.condition", "width": "full", "enabled": True}]))

    save(kantang, kantang_admin, lambda d: (d.pop("roles"), d["navigation"][0].update(label_th="หน้าหลัก")))

    assert widget_keys(home("engineer").text) == ["assets.condition"]


def test_restoring_a_version_from_before_the_roles_gives_them_their_defaults(kantang, kantang_admin):
    save(kantang, kantang_admin, lambda d: d["roles"].update(
        volunteer=[{"widget": "municipality.facts", "width": "full", "enabled": True}]))
    old = components_for(kantang).as_data()
    old.pop("roles")
    CustomizationVersion.objects.create(municipality=kantang, kind=CustomizationVersion.Kind.COMPONENTS,
                                        number=99, snapshot=old)

    components_restore(municipality=kantang, number=99, editor=kantang_admin)

    assert widget_keys(home("volunteer").text) == HOME_WORK["volunteer"]


# --- The components page ------------------------------------------------------------------------


def role_post(municipality) -> dict:
    """The editor's POST as the page sends it, with every role's rows."""
    components = components_for(municipality)
    post: dict = {"nav": [], "widget": []}
    post.update({f"module_{key}": "on" for key, on in components.modules.items() if on})
    for entry in components.navigation:
        post["nav"].append(entry["key"])
    for entry in components.dashboard:
        post["widget"].append(entry["widget"])
        post[f"widget_width_{entry['widget']}"] = entry["width"]
        if entry["enabled"]:
            post[f"widget_enabled_{entry['widget']}"] = "on"
    for role, layout in components.roles.items():
        post[f"rwidget_{role}"] = [entry["widget"] for entry in layout]
        for entry in layout:
            post[f"rwidget_width_{role}_{entry['widget']}"] = entry["width"]
            if entry["enabled"]:
                post[f"rwidget_enabled_{role}_{entry['widget']}"] = "on"
    return post


def test_the_page_shows_a_section_per_role(kantang):
    page = login(host_client("kantang.localhost"), "kantang", "admin").get(EDITOR).text

    for role in HOME_WORK:
        assert f'data-role-section="{role}"' in page
    assert 'name="rwidget_volunteer" value="health.visits_due"' in page
    assert 'name="rwidget_enabled_volunteer_health.visits_due" data-enable checked' in page
    assert 'name="rwidget_volunteer" value="requests.mine"' not in page


def test_the_admin_gives_the_volunteer_the_codes_card_from_the_page(kantang):
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    post = role_post(kantang)
    post["rwidget_enabled_volunteer_municipality.facts"] = "on"
    post["rwidget_width_volunteer_municipality.facts"] = "full"

    response = admin.post(EDITOR, post)

    assert response.status_code == 302
    assert widget_keys(home("volunteer").text) == ["health.visits_due", "municipality.facts"]
    assert widget_keys(home("nurse").text) == HOME_WORK["nurse"]
    assert ComponentSettings.objects.get(municipality=kantang).role_dashboards["volunteer"][0]["widget"] \
        == "health.visits_due"


def test_a_roles_row_moves_up_without_javascript(kantang):
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    post = role_post(kantang)
    first, second = post["rwidget_engineer"][:2]

    response = admin.post(EDITOR, {**post, "move": f"role-engineer:{second}:up"})

    assert response.status_code == 200
    order = re.findall(r'name="rwidget_engineer" value="([^"]+)"', response.text)
    assert order[:2] == [second, first]
    assert not ComponentSettings.objects.filter(municipality=kantang).exists()  # nothing saved yet


def test_the_preview_shows_each_roles_page(kantang):
    admin = login(host_client("kantang.localhost"), "kantang", "admin")

    preview = admin.post(f"{EDITOR}preview/", role_post(kantang), HTTP_HX_REQUEST="true").text

    assert "อสม." in preview or "Village health volunteer" in preview
    # seven roles (with the LTC caregiver and fund's officer, issue 23) and the accounts without one
    assert preview.count('class="cmp-mini-grid"') == 8


# --- The administrator's set-up tasks -----------------------------------------------------------


def test_the_admin_sees_what_is_left_to_set_up_with_links(kantang):
    page = home("admin").text
    setup = page.split('data-widget="municipality.setup"', 1)[1].split("</section>", 1)[0]

    tasks = re.findall(r'data-setup-task="([^"]+)"', setup)
    assert {"boundary", "users", "sla", "assets-import", "health-import", "volunteers", "theme",
            "home-pages"} == set(tasks)
    # The demo has staff, assets and households; it has no stored SLA targets.
    assert 'class="today-item is-done" data-setup-task="users"' in setup
    assert 'class="today-item is-done" data-setup-task="assets-import"' in setup
    assert 'class="today-item" data-setup-task="sla"' in setup
    assert 'href="/infrastructure/requests/sla/"' in setup
    # Undone first.
    assert tasks.index("sla") < tasks.index("users")


def test_a_role_without_anyone_is_named_on_the_users_task(kantang):
    with schema_context("kantang"):
        User.objects.filter(groups__name="engineer").update(is_active=False)

    setup = home("admin").text.split('data-widget="municipality.setup"', 1)[1].split("</section>", 1)[0]

    users = setup.split('data-setup-task="users"', 1)[1].split("</li>", 1)[0]
    assert "วิศวกร" in users or "Engineer" in users
    assert "is-done" not in setup.split('data-setup-task="users"', 1)[0].rsplit("<li", 1)[1]
