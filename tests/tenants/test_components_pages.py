"""Components on the pages: modules switched off, the menu, the home-page layout, the editor on
a municipality's host and on the console."""

import re

import pytest
from django_tenants.utils import schema_context

from accounts.models import User
from tenants.models import ComponentSettings
from tenants.services.components import components_for, components_update, components_versions

from ..helpers import host_client, login

EDITOR = "/settings/components/"


@pytest.fixture
def kantang_admin(kantang):
    with schema_context("kantang"):
        return User.objects.get(username="admin")


def save(municipality, editor, change) -> None:
    data = components_for(municipality).as_data()
    change(data)
    components_update(municipality=municipality, data=data, editor=editor)


def switch_off(data, module, nav_keys=(), widgets=()):
    data["modules"][module] = False
    data["navigation"] = [dict(e, hidden=True) if e["key"] in nav_keys else e for e in data["navigation"]]
    data["dashboard"] = [dict(e, enabled=False) if e["widget"] in widgets else e for e in data["dashboard"]]


def nav_labels(html: str) -> list[str]:
    nav = html.split('class="nav-items"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


def widget_keys(html: str) -> list[str]:
    return re.findall(r'data-widget="([^"]+)"', html)


def editor_form(municipality) -> dict:
    """The editor's POST for the saved settings, as the page's form would send it."""
    components = components_for(municipality)
    post = {"nav": [], "widget": []}
    for key, on in components.modules.items():
        if on:
            post[f"module_{key}"] = "on"
    for entry in components.navigation:
        post["nav"].append(entry["key"])
        post[f"nav_label_th_{entry['key']}"] = entry["label_th"]
        post[f"nav_label_en_{entry['key']}"] = entry["label_en"]
        if entry["hidden"]:
            post[f"nav_hidden_{entry['key']}"] = "on"
    for entry in components.dashboard:
        post["widget"].append(entry["widget"])
        post[f"widget_width_{entry['widget']}"] = entry["width"]
        if entry["enabled"]:
            post[f"widget_enabled_{entry['widget']}"] = "on"
    return post


# --- Modules switched off -----------------------------------------------------------------------


def test_a_module_switched_off_loses_its_pages_menu_and_widget(kantang, kantang_admin):
    nurse = login(host_client("kantang.localhost"), "kantang", "nurse")
    before = nurse.get("/")
    assert nurse.get("/health/persons/").status_code == 200
    assert "health.care" in widget_keys(before.text)

    save(kantang, kantang_admin, lambda d: switch_off(
        d, "smarthealth", ("persons", "care-lists", "health-map", "visits", "audit"),
        ("health.care", "dashboards.health")))

    assert nurse.get("/health/persons/").status_code == 404
    assert nurse.get("/health/care/").status_code == 404
    home = nurse.get("/")
    assert "health.care" not in widget_keys(home.text)
    assert "/health/" not in home.text.split('class="nav-items"', 1)[1].split("</ul>", 1)[0]


def test_service_requests_switch_off_without_the_asset_registry(kantang, kantang_admin):
    engineer = login(host_client("kantang.localhost"), "kantang", "engineer")
    save(kantang, kantang_admin, lambda d: (
        switch_off(d, "public_report"),
        switch_off(d, "service_requests", ("requests",), ("requests.open", "dashboards.requests")),
    ))

    assert engineer.get("/infrastructure/requests/").status_code == 404
    assert engineer.get("/infrastructure/requests/map/").status_code == 404
    assert engineer.get("/infrastructure/assets/").status_code == 200
    assert "requests.open" not in widget_keys(engineer.get("/").text)


def test_the_citizens_report_page_switched_off_answers_404(kantang, nueaklong, kantang_admin):
    assert host_client("kantang.localhost").get("/report/").status_code == 200
    save(kantang, kantang_admin, lambda d: switch_off(d, "public_report"))

    assert host_client("kantang.localhost").get("/report/").status_code == 404
    assert host_client("kantang.localhost").get("/report/status/").status_code == 404
    # Another municipality's page stays.
    assert host_client("nueaklong.localhost").get("/report/").status_code == 200


# --- The menu and the home page -------------------------------------------------------------------


def test_the_menu_follows_the_saved_order_labels_and_hidden_entries(kantang, kantang_admin):
    def change(data):
        nav = {e["key"]: e for e in data["navigation"]}
        nav["requests"].update(label_th="แจ้งซ่อม", label_en="Fix-it requests")
        nav["asset-map"]["hidden"] = True
        order = ["requests", "home", "assets"]
        data["navigation"] = [nav[k] for k in order] + [e for k, e in nav.items() if k not in order]

    save(kantang, kantang_admin, change)
    engineer = login(host_client("kantang.localhost"), "kantang", "engineer")

    labels = nav_labels(engineer.get("/").text)
    assert labels[:3] == ["แจ้งซ่อม", "หน้าหลัก", "ทะเบียนทรัพย์สิน"]
    assert "แผนที่ทรัพย์สิน" not in labels and "Asset map" not in labels
    # The page the hidden entry opened still works: hiding is about the menu.
    assert engineer.get("/infrastructure/map/").status_code == 200

    engineer.cookies["django_language"] = "en"
    assert nav_labels(engineer.get("/").text)[:3] == ["Fix-it requests", "Home", "Assets"]


def test_the_home_page_shows_the_layout_in_order_with_widths(kantang, kantang_admin):
    save(kantang, kantang_admin, lambda d: d["roles"].update(engineer=[
        {"widget": "requests.open", "width": "full", "enabled": True},
        {"widget": "municipality.facts", "width": "third", "enabled": True},
        {"widget": "assets.condition", "width": "third", "enabled": True},
        {"widget": "municipality.map", "width": "half", "enabled": False},
    ]))
    response = login(host_client("kantang.localhost"), "kantang", "engineer").get("/")

    assert widget_keys(response.text) == ["requests.open", "municipality.facts", "assets.condition"]
    assert 'class="card w-full" data-widget="requests.open"' in response.text
    assert 'class="card w-third" data-widget="municipality.facts"' in response.text
    assert "home-map" not in response.text


def test_the_default_home_page_shows_what_each_role_may_read(kantang):
    engineer = login(host_client("kantang.localhost"), "kantang", "engineer").get("/")
    volunteer = login(host_client("kantang.localhost"), "kantang", "volunteer").get("/")
    executive = login(host_client("kantang.localhost"), "kantang", "executive").get("/")

    # An engineer's home page carries no health figures (issue 7); each role its own work (16).
    assert "health.care" not in widget_keys(engineer.text)
    assert {"requests.mine", "requests.unassigned", "assets.poor_near_requests", "requests.open",
            "assets.condition"} <= set(widget_keys(engineer.text))
    assert widget_keys(volunteer.text) == ["health.visits_due"]
    assert "dashboards.health" in widget_keys(executive.text)
    # Aggregates only: an executive gets counts, and no link into the personal lists.
    care = executive.text.split('data-widget="dashboards.health"', 1)[1].split("</section>", 1)[0]
    assert "/health/care/" not in care and "/health/persons/" not in care


def test_the_care_widget_counts_match_the_care_lists(kantang):
    nurse = login(host_client("kantang.localhost"), "kantang", "nurse")
    care = nurse.get("/").text.split('data-widget="health.care"', 1)[1].split("</section>", 1)[0]

    assert 'href="/health/care/elderly/"' in care
    index = nurse.get("/health/care/").text
    elderly = re.search(r'href="/health/care/elderly/"><span class="figure">([\d,]+)</span>', care).group(1)
    assert elderly.replace(",", "") != "0" and elderly in index


def test_a_change_on_kantang_does_not_reach_nueaklong(kantang, nueaklong, kantang_admin):
    save(kantang, kantang_admin, lambda d: (
        d["navigation"][0].update(label_th="หน้าแรกกันตัง"),
        d["roles"].update(engineer=[{"widget": "municipality.facts", "width": "full", "enabled": True}]),
    ))

    kantang_home = login(host_client("kantang.localhost"), "kantang", "engineer").get("/").text
    nueaklong_home = login(host_client("nueaklong.localhost"), "nueaklong", "engineer").get("/").text
    assert "หน้าแรกกันตัง" in nav_labels(kantang_home)
    assert "หน้าแรกกันตัง" not in nueaklong_home
    assert widget_keys(kantang_home) == ["municipality.facts"]
    assert len(widget_keys(nueaklong_home)) > 1 and "requests.mine" in widget_keys(nueaklong_home)


# --- The editor on a municipality's host ----------------------------------------------------------


@pytest.mark.parametrize("username", ["executive", "engineer", "nurse", "volunteer"])
def test_only_the_admin_opens_the_editor(kantang, username):
    client = login(host_client("kantang.localhost"), "kantang", username)

    assert client.get(EDITOR).status_code == 403
    assert client.post(EDITOR, editor_form(kantang)).status_code == 403
    assert not ComponentSettings.objects.filter(municipality=kantang).exists()


def test_the_editor_asks_anonymous_visitors_to_sign_in(kantang):
    response = host_client("kantang.localhost").get(EDITOR)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_admin_saves_from_the_editor(kantang):
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    page = admin.get(EDITOR)
    assert page.status_code == 200 and 'name="module_smarthealth"' in page.text

    post = editor_form(kantang)
    post["nav_label_en_assets"] = "  Town  assets "
    post["widget"] = list(reversed(post["widget"]))
    post["widget_width_municipality.setup"] = "third"
    response = admin.post(EDITOR, post)

    assert response.status_code == 302
    saved = components_for(kantang)
    assert next(e for e in saved.navigation if e["key"] == "assets")["label_en"] == "Town assets"
    assert saved.dashboard[-1] == {**saved.dashboard[-1], "widget": "municipality.setup", "width": "third"}
    assert components_versions(kantang).count() == 2
    assert "รุ่นที่ 2" in admin.get(EDITOR).text


@pytest.mark.parametrize("change, message", [
    (lambda p: p.update({"module_teleport": "on"}), "Unknown module “teleport”"),
    (lambda p: p["widget"].append("weather.radar"), "Unknown widget “weather.radar”"),
    (lambda p: p.update({"widget_width_municipality.map": "third"}), "cannot be"),
    (lambda p: p["widget"].append("requests.open"), "appears twice in the layout"),
    (lambda p: p.pop("module_smarthealth"), "needs the module"),
])
def test_the_editor_refuses_bad_input_and_keeps_the_settings(kantang, change, message):
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    post = editor_form(kantang)
    change(post)

    thai = admin.post(EDITOR, post)
    admin.cookies["django_language"] = "en"
    response = admin.post(EDITOR, post)

    assert response.status_code == thai.status_code == 200
    assert message in response.text and 'role="alert"' in response.text
    assert message not in thai.text and 'role="alert"' in thai.text  # one language at a time
    assert not ComponentSettings.objects.filter(municipality=kantang).exists()
    assert components_versions(kantang).count() == 0


def test_the_preview_renders_the_posted_settings_without_saving(kantang):
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    post = editor_form(kantang)
    post["nav_label_th_assets"] = "ทะเบียนของเมือง"
    post["widget_width_requests.open"] = "full"

    response = admin.post(EDITOR + "preview/", post, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "ทะเบียนของเมือง" in response.text and 'class="cmp-mini w-full"' in response.text
    assert not ComponentSettings.objects.filter(municipality=kantang).exists()


def test_the_preview_names_the_problems_of_bad_input(kantang):
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    admin.cookies["django_language"] = "en"
    post = editor_form(kantang)
    post.pop("module_infrastructure")

    response = admin.post(EDITOR + "preview/", post, HTTP_HX_REQUEST="true")

    assert "The widget “Assets by condition” needs the module" in response.text


def test_the_arrows_work_without_javascript(kantang):
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    post = editor_form(kantang)
    first, second = post["widget"][:2]

    response = admin.post(EDITOR, {**post, "move": f"widget:{second}:up"})

    assert response.status_code == 200
    order = re.findall(r'name="widget" value="([^"]+)"', response.text)
    assert order[:2] == [second, first]
    assert not ComponentSettings.objects.filter(municipality=kantang).exists()


def test_the_admin_restores_an_earlier_version(kantang, kantang_admin):
    save(kantang, kantang_admin, lambda d: d["navigation"][0].update(label_th="แรก"))
    save(kantang, kantang_admin, lambda d: d["navigation"][0].update(label_th="สอง"))
    admin = login(host_client("kantang.localhost"), "kantang", "admin")

    response = admin.post(EDITOR + "versions/2/restore/")

    assert response.status_code == 302
    assert components_for(kantang).navigation[0]["label_th"] == "แรก"
    assert components_versions(kantang).first().number == 4
    assert admin.post(EDITOR + "versions/99/restore/").status_code == 302
    assert components_versions(kantang).count() == 4


# --- The console ----------------------------------------------------------------------------------


def test_the_platform_team_edits_any_municipality_from_the_console(kantang, nueaklong):
    platform = login(host_client("localhost"), "public", "platform")
    url = "/municipalities/nueaklong/components/"
    assert platform.get(url).status_code == 200

    post = editor_form(nueaklong)
    post.pop("module_public_report")
    response = platform.post(url, post)

    assert response.status_code == 302
    assert components_for(nueaklong).modules["public_report"] is False
    assert components_for(kantang).modules["public_report"] is True
    assert "platform" in components_versions(nueaklong).first().created_by
    assert host_client("nueaklong.localhost").get("/report/").status_code == 404


def test_console_and_tenant_hosts_keep_their_own_editor(kantang):
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    platform = login(host_client("localhost"), "public", "platform")

    assert admin.get("/municipalities/kantang/components/").status_code == 404
    assert platform.get(EDITOR).status_code == 404
    assert platform.get("/municipalities/public/components/").status_code == 404
    assert platform.get("/municipalities/nowhere/components/").status_code == 404
