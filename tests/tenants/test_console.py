"""The platform console (host localhost, schema public) for the platform team."""

import pytest
from django.http import Http404

from tenants.models import Municipality
from tenants.selectors import console_municipality_get

from ..helpers import host_client, login


def test_the_console_lists_the_pilots_for_the_platform_team(db):
    response = login(host_client("localhost"), "public", "platform").get("/")

    assert response.status_code == 200
    assert "เทศบาลเมืองกันตัง" in response.text and "เทศบาลตำบลเหนือคลอง" in response.text


def test_the_console_asks_anonymous_visitors_to_sign_in(db):
    response = host_client("localhost").get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_platform_team_creates_a_municipality_from_the_console(db, django_capture_on_commit_callbacks):
    client = login(host_client("localhost"), "public", "platform")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/municipalities/new/", {
            "name_th": "องค์การบริหารส่วนตำบลบ่อหิน", "name_en": "Bo Hin SAO", "kind": "",
            "schema_name": "bohin", "domain": "bohin.localhost", "province_code": "92",
            "district_code": "9205", "subdistrict_code": "920501", "lat": "7.35", "lon": "99.45",
            "admin_first_name": "สมหญิง", "admin_email": "somying@example.invalid", "admin_username": "admin",
        })

    assert response.status_code == 201
    assert Municipality.objects.get(schema_name="bohin").kind == Municipality.Kind.SAO
    assert host_client("bohin.localhost").get("/accounts/login/").status_code == 200


def test_the_console_form_shows_a_clear_error_for_a_taken_domain(db):
    client = login(host_client("localhost"), "public", "platform")

    response = client.post("/municipalities/new/", {
        "name_th": "เทศบาลตำบลซ้ำ", "schema_name": "dup", "domain": "kantang.localhost",
        "admin_first_name": "สมชาย", "admin_email": "somchai@example.invalid", "admin_username": "admin",
    })

    assert response.status_code == 400
    assert "kantang.localhost" in response.text and 'class="error"' in response.text
    assert not Municipality.objects.filter(schema_name="dup").exists()


def test_the_logo_slot_shows_the_first_consonant_of_the_place_name(db):
    assert Municipality(name_th="เทศบาลเมืองกันตัง").monogram == "ก"
    assert Municipality(name_th="เทศบาลตำบลเหนือคลอง").monogram == "ห"
    assert Municipality(name_th="องค์การบริหารส่วนตำบลบ่อหิน").monogram == "บ"


def test_the_console_looks_up_any_municipality_but_never_the_platform_itself(kantang):
    Municipality.objects.filter(pk=kantang.pk).update(is_active=False)

    # A suspended municipality stays reachable: the console is where it is restored.
    assert console_municipality_get(schema_name="kantang") == kantang
    for schema_name in ("public", "nowhere"):
        with pytest.raises(Http404):
            console_municipality_get(schema_name=schema_name)
