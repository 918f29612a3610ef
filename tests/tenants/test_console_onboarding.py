"""Creating a municipality from the console (issue 17): gazetteer pickers, codes derived from the
subdistrict, the centre defaulting to the subdistrict's, plain labels with the schema made from the
English name, a swapped latitude/longitude named as such, and the first administrator's link."""

import json

import pytest
from django.core import mail
from django.utils.translation import gettext, override
from django_tenants.utils import schema_context, schema_exists

from accounts.models import User
from accounts.roles import Role
from tenants.models import ConsoleAuditEntry, Municipality
from tenants.services.municipalities import municipality_create

from ..helpers import host_client, login

ADMIN = {"admin_first_name": "สมหญิง", "admin_last_name": "ใจดี", "admin_email": "somying@example.invalid",
         "admin_username": "somying"}


def thai(msgid: str) -> str:
    with override("th"):
        return gettext(msgid)


def _create(client, captured, **fields):
    data = {"name_th": "องค์การบริหารส่วนตำบลบ่อหิน", "name_en": "Bo Hin Subdistrict Administrative Organization",
            "kind": "", **ADMIN, **fields}
    with captured(execute=True):
        return client.post("/municipalities/new/", data)


def test_the_form_offers_the_gazetteer_as_pickers_in_plain_words(platform_client, tiny_gazetteer):
    response = platform_client.get("/municipalities/new/")

    assert response.status_code == 200
    html = response.text
    assert '<select name="province_code"' in html and '<option value="92">92 ตรัง</option>' in html
    assert 'data-gazetteer-url="/gazetteer/districts/"' in html
    assert "ชื่อสคีมา" not in html  # the schema is under "Advanced", in plain words
    assert '<details class="console-advanced">' in html
    assert 'id="centre-map"' in html and "<script>" not in html  # the map is static JS (CSP)


def test_the_pickers_list_the_next_level_with_subdistrict_centres(platform_client, tiny_gazetteer):
    districts = platform_client.get("/gazetteer/districts/?province=92").json()["results"]
    subdistricts = platform_client.get("/gazetteer/subdistricts/?district=9205").json()["results"]

    assert districts == [{"code": "9205", "name_th": "สิเกา", "name_en": "Sikao"}]
    assert [s["code"] for s in subdistricts] == ["920501", "920502", "920503"]
    assert (subdistricts[0]["lat"], subdistricts[0]["lon"]) == pytest.approx((7.5801, 99.3602))
    assert platform_client.get("/gazetteer/districts/?province=9'").json() == {"results": []}


def test_the_pickers_are_for_the_platform_team_only(kantang_client, tiny_gazetteer):
    assert host_client("localhost").get("/gazetteer/districts/?province=92").status_code == 302
    login(kantang_client, "kantang", "admin")
    assert kantang_client.get("/gazetteer/districts/?province=92").status_code == 404


def test_it_creates_from_the_subdistrict_alone_with_codes_centre_schema_and_first_admin(
        platform_client, tiny_gazetteer, django_capture_on_commit_callbacks):
    response = _create(platform_client, django_capture_on_commit_callbacks, subdistrict_code="920501")

    assert response.status_code == 201, response.text
    municipality = Municipality.objects.get(subdistrict_code="920501")
    assert (municipality.province_code, municipality.district_code) == ("92", "9205")
    assert municipality.kind == Municipality.Kind.SAO  # read from the Thai name
    assert municipality.schema_name == "bo_hin"  # from the English name, kind words dropped
    assert municipality.primary_domain.domain == "bo-hin.localhost"
    assert (round(municipality.centre.y, 4), round(municipality.centre.x, 4)) == (7.5801, 99.3602)
    with schema_context("bo_hin"):
        admin = User.objects.get(username="somying")
        assert admin.role == Role.ADMIN and not admin.has_usable_password()
    link = response.context["link"]
    assert link.url.startswith("http://bo-hin.localhost/accounts/welcome/")
    assert link.url in response.text  # shown on the screen, once
    actions = list(ConsoleAuditEntry.objects.filter(municipality=municipality)
                   .values_list("action", flat=True))
    assert sorted(actions) == ["admin_link", "create"]


def test_the_link_is_mailed_when_mail_is_set_up(platform_client, tiny_gazetteer,
                                                django_capture_on_commit_callbacks):
    response = _create(platform_client, django_capture_on_commit_callbacks, subdistrict_code="920502",
                       name_en="Khao Mai Kaeo SAO")

    assert response.status_code == 201
    [message] = mail.outbox
    assert message.to == ["somying@example.invalid"]
    assert response.context["link"].url in message.body
    assert "ตั้งรหัสผ่าน" in message.body and "Set your password" in message.body


def test_a_swapped_latitude_and_longitude_is_called_swapped(platform_client, tiny_gazetteer,
                                                            django_capture_on_commit_callbacks):
    response = _create(platform_client, django_capture_on_commit_callbacks, subdistrict_code="920501",
                       lat="99.36", lon="7.58")

    assert response.status_code == 400
    assert "สลับละติจูดกับลองจิจูดหรือไม่?" in response.text
    assert "90" not in response.context["form"].errors["lat"][0]  # not "must be ≤ 90"
    assert not Municipality.objects.filter(subdistrict_code="920501").exists()


def test_a_taken_schema_opens_the_advanced_part_with_the_error(platform_client, tiny_gazetteer,
                                                               django_capture_on_commit_callbacks):
    response = _create(platform_client, django_capture_on_commit_callbacks, subdistrict_code="920501",
                       schema_name="kantang", domain="bohin2.localhost")

    assert response.status_code == 400
    assert '<details class="console-advanced" open>' in response.text
    assert "kantang" in str(response.context["form"].errors["schema_name"])


def test_a_thai_only_name_needs_the_english_one_or_a_schema(platform_client,
                                                            django_capture_on_commit_callbacks):
    response = _create(platform_client, django_capture_on_commit_callbacks, name_en="")

    assert response.status_code == 400
    assert "name_en" in response.context["form"].errors


def test_the_names_endpoint_says_which_address_the_english_name_gives(platform_client, tiny_gazetteer):
    taken = platform_client.get("/gazetteer/names/?name_en=Kantang+Town+Municipality&subdistrict=920201")
    free = platform_client.get("/gazetteer/names/?name_en=Bo+Hin+SAO")

    assert taken.json() == {"schema_name": "kantang_920201", "domain": "kantang-920201.localhost"}
    assert free.json() == {"schema_name": "bo_hin", "domain": "bo-hin.localhost"}


def test_a_boundary_upload_is_kept_and_the_centre_defaults_inside_it(platform_client, tiny_gazetteer,
                                                                     django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    square = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
        [99.33, 7.55], [99.39, 7.55], [99.39, 7.61], [99.33, 7.61], [99.33, 7.55]]]}}
    upload = SimpleUploadedFile("bohin.geojson", json.dumps(square).encode(), "application/geo+json")
    response = _create(platform_client, django_capture_on_commit_callbacks, subdistrict_code="920501",
                       boundary_file=upload)

    assert response.status_code == 201, response.context["form"].errors if response.context else ""
    municipality = Municipality.objects.get(subdistrict_code="920501")
    assert municipality.boundary.geom_type == "MultiPolygon"
    assert municipality.boundary.contains(municipality.centre)


def test_a_bad_boundary_is_refused_with_a_thai_reason(platform_client, tiny_gazetteer,
                                                      django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    point = {"type": "Point", "coordinates": [99.36, 7.58]}
    upload = SimpleUploadedFile("point.geojson", json.dumps(point).encode(), "application/geo+json")
    response = _create(platform_client, django_capture_on_commit_callbacks, subdistrict_code="920501",
                       boundary_file=upload)

    assert response.status_code == 400
    expected = thai("The boundary file holds a %(type)s; a boundary is a Polygon or a MultiPolygon.") % {
        "type": "Point"}
    assert expected in response.context["form"].errors["boundary_file"]
    assert not schema_exists("bo_hin")


def test_the_service_takes_the_codes_from_the_subdistrict_as_the_command_does(
        db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        municipality = municipality_create(schema_name="codes", domain="codes.localhost",
                                           name_th="เทศบาลตำบลรหัส", subdistrict_code="920301")

    assert (municipality.province_code, municipality.district_code, municipality.subdistrict_code) == (
        "92", "9203", "920301")
