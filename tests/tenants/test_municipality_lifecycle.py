"""After creation (issue 17): edit, archive (410 Gone, data kept, hidden, restorable), and delete
only while a municipality holds no data; every step audited on the console."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from accounts.models import User
from tenants.models import ConsoleAuditEntry, Domain, Municipality
from tenants.services.console_audit import Actor
from tenants.services.lifecycle import SEEDED_TABLES, municipality_data_found, municipality_delete
from tenants.services.municipalities import MunicipalityError, municipality_create

from ..helpers import host_client, login

PLATFORM = Actor(username="platform")


@pytest.fixture
def fresh(db, django_capture_on_commit_callbacks):
    """A municipality just created, that nobody has used."""
    with django_capture_on_commit_callbacks(execute=True):
        return municipality_create(schema_name="fresh", domain="fresh.localhost", name_th="เทศบาลตำบลสดใหม่",
                                   name_en="Fresh", subdistrict_code="920501")


def test_the_platform_team_edits_names_codes_centre_and_domains(platform_client, fresh,
                                                                django_capture_on_commit_callbacks):
    form = platform_client.get("/municipalities/fresh/edit/")
    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post("/municipalities/fresh/edit/", {
            "name_th": "เทศบาลเมืองสดใหม่", "name_en": "Fresh Town", "kind": "town",
            "subdistrict_code": "920502", "lat": "7.64", "lon": "99.33",
            "domains": "fresh-town.localhost\nfresh.localhost", "is_test": "on",
        })

    assert form.status_code == 200 and "fresh.localhost" in form.text
    assert response.status_code == 302, response.context["form"].errors
    fresh.refresh_from_db()
    assert (fresh.name_th, fresh.kind, fresh.district_code, fresh.subdistrict_code) == (
        "เทศบาลเมืองสดใหม่", "town", "9205", "920502")
    assert fresh.is_test and (round(fresh.centre.y, 2), round(fresh.centre.x, 2)) == (7.64, 99.33)
    assert fresh.primary_domain.domain == "fresh-town.localhost"
    assert host_client("fresh-town.localhost").get("/accounts/login/").status_code == 200
    entry = ConsoleAuditEntry.objects.get(municipality=fresh, action="edit")
    assert entry.actor_username == "platform"
    assert set(entry.details) >= {"name_th", "kind", "subdistrict_code", "centre", "domains", "is_test"}


def test_an_edit_refuses_a_domain_of_another_municipality(platform_client, fresh):
    response = platform_client.post("/municipalities/fresh/edit/", {
        "name_th": fresh.name_th, "kind": fresh.kind, "domains": "kantang.localhost"})

    assert response.status_code == 400
    assert "kantang.localhost" in str(response.context["form"].errors["domains"])
    assert Domain.objects.get(domain="kantang.localhost").tenant.schema_name == "kantang"


def test_an_archived_municipality_answers_410_in_thai_and_keeps_its_data(platform_client, kantang,
                                                                         django_capture_on_commit_callbacks):
    with schema_context("kantang"):
        users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        archived = platform_client.post("/municipalities/kantang/archive/")

    gone = host_client("kantang.localhost").get("/accounts/login/")
    listed = platform_client.get("/")
    listed_with_archived = platform_client.get("/?archived=1")

    assert archived.status_code == 302
    assert gone.status_code == 410 and "ยุติการให้บริการแล้ว" in gone.text and 'lang="th"' in gone.text
    assert host_client("kantang.localhost").get("/healthz").status_code == 200  # monitors still see it
    assert [row["m"].schema_name for row in listed.context["rows"]] == ["nueaklong"]
    with_archived = sorted(r["m"].schema_name for r in listed_with_archived.context["rows"])
    assert with_archived == ["kantang", "nueaklong"]
    assert "เก็บถาวรแล้ว" in listed_with_archived.text  # its badge
    with schema_context("kantang"):
        assert User.objects.count() == users_before
    assert platform_client.get("/municipalities/kantang/").status_code == 200  # still reachable to restore


def test_an_archived_municipality_comes_back_as_it_was(platform_client, kantang,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        platform_client.post("/municipalities/kantang/archive/")
        platform_client.post("/municipalities/kantang/archive/")  # the same button brings it back

    assert Municipality.objects.get(schema_name="kantang").archived_at is None
    assert host_client("kantang.localhost").get("/accounts/login/").status_code == 200
    actions = list(ConsoleAuditEntry.objects.filter(municipality=kantang).order_by("at", "id")
                   .values_list("action", flat=True))
    assert actions == ["archive", "unarchive"]


def test_a_new_municipality_holds_nothing_but_what_its_migrations_made(fresh):
    # If a migration starts filling another table, SEEDED_TABLES must name it (or deleting an
    # unused municipality is refused for good).
    assert municipality_data_found(fresh) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'fresh'")
        assert cursor.fetchone()[0] > len(SEEDED_TABLES)


def test_deleting_a_municipality_with_data_is_refused(platform_client, kantang):
    page = platform_client.get("/municipalities/kantang/delete/")
    response = platform_client.post("/municipalities/kantang/delete/", {"typed_name": kantang.name_th})

    assert page.status_code == 200 and 'name="typed_name"' not in page.text
    assert response.status_code == 400
    assert schema_exists("kantang") and Municipality.objects.filter(schema_name="kantang").exists()


def test_an_account_that_has_signed_in_counts_as_data(fresh):
    from django.utils import timezone

    with schema_context("fresh"):
        User.objects.create(username="used", last_login=timezone.now())

    assert "accounts_user" in municipality_data_found(fresh)
    with pytest.raises(MunicipalityError):
        municipality_delete(municipality=fresh, actor=PLATFORM, typed_name=fresh.name_th)


def test_a_municipality_without_data_is_deleted_once_its_name_is_typed(platform_client, fresh,
                                                                      django_capture_on_commit_callbacks):
    wrong = platform_client.post("/municipalities/fresh/delete/", {"typed_name": "เทศบาลอื่น"})
    assert wrong.status_code == 400 and schema_exists("fresh")

    with django_capture_on_commit_callbacks(execute=True):
        right = platform_client.post("/municipalities/fresh/delete/", {"typed_name": "เทศบาลตำบลสดใหม่"})

    assert right.status_code == 302
    assert not schema_exists("fresh") and not Municipality.objects.filter(schema_name="fresh").exists()
    assert not Domain.objects.filter(domain="fresh.localhost").exists()
    entry = ConsoleAuditEntry.objects.get(schema_name="fresh", action="delete")
    assert entry.municipality is None and entry.details["name_th"] == "เทศบาลตำบลสดใหม่"


def test_the_detail_page_lists_what_was_done_and_by_whom(platform_client, fresh,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        platform_client.post("/municipalities/fresh/status/", {"action": "deactivate", "confirm": "on"})

    page = platform_client.get("/municipalities/fresh/")

    assert ConsoleAuditEntry.objects.filter(municipality=fresh, action="suspend").exists()
    assert "platform" in page.text and "ระงับการใช้งาน" in page.text


def test_municipal_users_cannot_reach_any_of_it(kantang_client):
    login(kantang_client, "kantang", "admin")

    for path in ("/municipalities/kantang/edit/", "/municipalities/kantang/archive/",
                 "/municipalities/kantang/delete/", "/municipalities/kantang/admins/", "/onboarding/"):
        assert kantang_client.get(path).status_code == 404, path
