"""The theme editor on a municipality's host and on the console, the live preview, and how a
theme shows on that municipality's pages and on no other."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context
from PIL import Image

from accounts.models import User
from tenants.models import CustomizationVersion, Theme
from tenants.services.theme import theme_for, theme_update

from ..helpers import host_client, login
from .test_theme_validation import GOOD, SAFE_SVG, media  # noqa: F401  (the temporary media folder)

TENANT = "cityplatform.urls_tenant"
CONSOLE = "cityplatform.urls_public"


def form_data(**changes):
    return {**GOOD, **changes}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 0, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def kantang_admin(kantang):
    return login(host_client("kantang.localhost"), "kantang", "admin")


@pytest.fixture
def platform_client(db):
    return login(host_client("localhost"), "public", "platform")


def test_the_admin_saves_a_theme_and_it_shows_on_kantang_only(kantang, kantang_admin):
    response = kantang_admin.post("/settings/theme/", form_data(
        primary_color="#8B0000", display_name_th="เมืองท่ากันตัง", header_style="gradient",
        base_font_size="18"))

    assert response.status_code == 302
    theme = Theme.objects.get(municipality=kantang)
    assert theme.primary_color == "#8b0000" and theme.updated_by.endswith("(admin@kantang)")
    page = kantang_admin.get("/").text
    assert "--color-primary: #8b0000;" in page and "--font-size-base: 18px;" in page
    assert 'class="site-header header-gradient"' in page and "เมืองท่ากันตัง" in page
    other = login(host_client("nueaklong.localhost"), "nueaklong", "admin").get("/").text
    assert "#8b0000" not in other and "เมืองท่ากันตัง" not in other
    console = login(host_client("localhost"), "public", "platform").get("/").text
    assert "--color-primary: #8b0000" not in console  # the console keeps the platform's look


def test_a_bad_colour_in_the_form_shows_an_error_and_saves_nothing(kantang, kantang_admin):
    response = kantang_admin.post("/settings/theme/", form_data(primary_color="green"))

    assert response.status_code == 200
    assert 'class="error"' in response.text and "#0b6e4f" in response.text
    assert not Theme.objects.filter(municipality=kantang).exists()


def test_an_svg_logo_with_onload_is_refused_in_the_form(kantang, kantang_admin):
    theme_update(municipality=kantang, data=GOOD, editor="seed")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'

    response = kantang_admin.post("/settings/theme/", {
        **form_data(primary_color="#000000"), "logo": SimpleUploadedFile("l.svg", svg, "image/svg+xml")})

    assert response.status_code == 200 and "onload" in response.text
    theme = theme_for(kantang)
    assert theme.primary_color == "#0b6e4f" and not theme.logo and theme.version == 1


def test_a_low_contrast_colour_is_saved_with_a_warning(kantang_admin):
    response = kantang_admin.post("/settings/theme/", form_data(primary_color="#ffff00"), follow=True)

    assert "4.5:1" in response.text
    assert 'id="warning-primary_color"' in response.text


def test_the_preview_renders_the_proposed_look_without_saving(kantang, kantang_admin):
    response = kantang_admin.post("/settings/theme/preview/", form_data(
        primary_color="#ABC", header_style="light"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "--color-primary: #aabbcc;" in response.text and "header-light" in response.text
    assert 'id="warning-primary_color"' in response.text and "hx-swap-oob" in response.text
    assert not Theme.objects.filter(municipality=kantang).exists()


def test_the_preview_shows_why_a_value_cannot_be_saved(kantang_admin):
    response = kantang_admin.post("/settings/theme/preview/", form_data(primary_color="#zzzzzz"))

    assert response.status_code == 200 and "form-errors" in response.text
    assert "--color-primary: #0b6e4f;" in response.text  # the saved value stays in the preview


@pytest.mark.parametrize("username", ["executive", "engineer", "nurse", "volunteer"])
def test_only_the_admin_may_edit_the_theme(kantang, username):
    client = login(host_client("kantang.localhost"), "kantang", username)

    assert client.get("/settings/theme/").status_code == 403
    assert client.post("/settings/theme/", form_data(primary_color="#000000")).status_code == 403
    assert client.post("/settings/theme/preview/", form_data()).status_code == 403
    assert not Theme.objects.filter(municipality=kantang).exists()


def test_anonymous_visitors_are_sent_to_sign_in(kantang):
    response = host_client("kantang.localhost").get("/settings/theme/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_kantangs_admin_has_no_way_to_edit_nueaklongs_theme(kantang_admin, nueaklong):
    # The console's per-municipality editor does not exist on a municipality's host ...
    assert kantang_admin.get("/municipalities/nueaklong/theme/").status_code == 404
    assert kantang_admin.post("/municipalities/nueaklong/theme/", form_data()).status_code == 404
    # ... and a kantang session means nothing on the console host (users live per schema).
    console = host_client("localhost")
    console.cookies = kantang_admin.cookies
    assert console.get("/municipalities/nueaklong/theme/").status_code == 302
    assert not Theme.objects.filter(municipality=nueaklong).exists()


def test_a_console_user_without_use_console_gets_403(nueaklong):
    with schema_context("public"):
        User.objects.create_user("helpdesk", password="x-very-long-pass-1")
    client = login(host_client("localhost"), "public", "helpdesk")

    assert client.get("/municipalities/nueaklong/theme/").status_code == 403
    assert client.post("/municipalities/nueaklong/theme/", form_data()).status_code == 403


def test_the_platform_team_edits_any_municipalitys_theme_from_the_console(platform_client, nueaklong):
    url = reverse("tenants:municipality-theme", args=["nueaklong"], urlconf=CONSOLE)
    assert platform_client.get(url).status_code == 200

    response = platform_client.post(url, form_data(accent_color="#004488", login_text_en="Call 075"))

    assert response.status_code == 302
    version = CustomizationVersion.objects.get(municipality=nueaklong, kind="theme")
    assert "platform@platform" in version.created_by and version.snapshot["accent_color"] == "#004488"
    assert platform_client.get("/municipalities/public/theme/").status_code == 404
    assert platform_client.get("/municipalities/nowhere/theme/").status_code == 404


def test_restore_from_the_editor(kantang, kantang_admin):
    kantang_admin.post("/settings/theme/", form_data(primary_color="#111111"))
    kantang_admin.post("/settings/theme/", form_data(primary_color="#222222"))
    page = kantang_admin.get("/settings/theme/").text
    assert "/settings/theme/versions/1/restore/" in page

    response = kantang_admin.post("/settings/theme/versions/1/restore/")

    assert response.status_code == 302
    assert theme_for(kantang).primary_color == "#111111" and theme_for(kantang).version == 3
    assert kantang_admin.post("/settings/theme/versions/99/restore/").status_code == 302
    assert theme_for(kantang).version == 3


def test_the_logo_is_shown_in_the_header_and_served_with_cache_headers(kantang, kantang_admin):
    kantang_admin.post("/settings/theme/", {**form_data(), "logo": SimpleUploadedFile("x.png", png())})
    theme = theme_for(kantang)
    logo_url = reverse("theme:logo", args=[theme.version], urlconf=TENANT)

    page = host_client("kantang.localhost").get("/accounts/login/").text
    assert f'src="{logo_url}"' in page

    response = host_client("kantang.localhost").get(logo_url)  # no sign-in needed
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == png()
    # nueaklong's host does not serve kantang's files
    assert host_client("nueaklong.localhost").get(logo_url).status_code == 404


def test_an_svg_logo_is_served_under_a_policy_that_forbids_scripts(kantang, kantang_admin):
    kantang_admin.post("/settings/theme/", {
        **form_data(), "favicon": SimpleUploadedFile("f.svg", SAFE_SVG, "image/svg+xml")})
    theme = theme_for(kantang)

    response = host_client("kantang.localhost").get(f"/theme/favicon/{theme.version}/")

    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = host_client("kantang.localhost").get("/accounts/login/").text
    assert f'<link rel="icon" href="/theme/favicon/{theme.version}/" type="image/svg+xml">' in page


def test_removing_the_logo_keeps_old_versions_servable(kantang, kantang_admin):
    kantang_admin.post("/settings/theme/", {**form_data(), "logo": SimpleUploadedFile("x.png", png())})
    kantang_admin.post("/settings/theme/", form_data(remove_logo="on"))

    assert not theme_for(kantang).logo
    assert host_client("kantang.localhost").get("/theme/logo/2/").status_code == 404
    assert host_client("kantang.localhost").get("/theme/logo/1/").status_code == 200


def test_the_sign_in_page_shows_the_login_text_in_the_chosen_language(kantang):
    theme_update(municipality=kantang, data={**GOOD, "login_text_th": "ติดต่อกองช่าง 075-251-000",
                                              "login_text_en": "Call public works"}, editor="t")
    client = host_client("kantang.localhost")

    assert "ติดต่อกองช่าง 075-251-000" in client.get("/accounts/login/").text
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").text
    assert "Call public works" in page and "ติดต่อกองช่าง" not in page
    assert "ติดต่อกองช่าง" not in host_client("nueaklong.localhost").get("/accounts/login/").text


def test_the_console_shows_a_municipalitys_logo_to_the_platform_team(kantang, platform_client):
    theme_update(municipality=kantang, data=GOOD, editor="t",
                 files={"logo": SimpleUploadedFile("x.png", png())})
    url = reverse("tenants:municipality-theme-logo", args=["kantang", 1], urlconf=CONSOLE)

    assert url in platform_client.get("/municipalities/kantang/theme/").text
    assert platform_client.get(url).status_code == 200
    assert host_client("localhost").get(url).status_code == 302  # not for anonymous visitors
