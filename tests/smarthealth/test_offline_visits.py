"""Visits recorded on the volunteer's phone without a network (issue 16): the endpoint her phone
sends them to, the copy of her households it keeps, the pages and the worker it works offline with,
and sign-out emptying what the phone holds."""

import io
import json
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from smarthealth.models import AccessLog, HomeVisit

from ..helpers import login
from .conftest import person_build

URLCONF = "cityplatform.urls_tenant"
THAI = range(0x0E00, 0x0E80)


def url(name, *args):
    return reverse(name, args=args, urlconf=URLCONF)


def be(date) -> str:
    return f"{date.day:02d}/{date.month:02d}/{date.year + 543}"


def is_thai(text: str) -> bool:
    return any(ord(ch) in THAI for ch in text)


def jpeg_with_gps() -> SimpleUploadedFile:
    """A small JPEG carrying EXIF (a GPS position), as a phone camera writes it."""
    image = Image.new("RGB", (8, 6), (30, 120, 60))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (7.0, 24.0, 27.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


def visit_fields(person, key=None, **overrides):
    data = {"person": str(person.public_id), "idempotency_key": str(key or uuid.uuid4()),
            "visited_on": be(timezone.localdate()), "sbp": "128", "dbp": "82", "fbs": "",
            "weight_kg": "", "notes": "บันทึกตอนไม่มีสัญญาณ", "next_visit_due": ""}
    data.update(overrides)
    return data


def visits_of(person):
    with schema_context("kantang"):
        return list(HomeVisit.objects.filter(person=person))


def rows(**filters):
    with schema_context("kantang"):
        return list(AccessLog.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def volunteer_client(kantang_client):
    return login(kantang_client, "kantang", "volunteer")


# --- the sync endpoint ------------------------------------------------------------------------
def test_the_same_key_sent_twice_records_one_visit_and_answers_the_same(volunteer_client, own_person):
    data = visit_fields(own_person)

    first = volunteer_client.post(url("smarthealth:visit-sync"), data)
    second = volunteer_client.post(url("smarthealth:visit-sync"), data)

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["ok"] is True and first.json()["key"] == data["idempotency_key"]
    assert "128/82" in first.json()["message"]
    assert second["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    [visit] = visits_of(own_person)
    assert str(visit.idempotency_key) == data["idempotency_key"]
    assert (visit.sbp, visit.dbp, visit.notes) == (128, 82, "บันทึกตอนไม่มีสัญญาณ")
    assert visit.visitor.username == "volunteer"
    # The next visit, left empty on the phone, is set like the page sets it: 30 days on.
    assert (visit.next_visit_due - visit.visited_on).days == 30


def test_a_synced_visit_writes_the_same_create_row_as_the_form(volunteer_client, own_person):
    data = visit_fields(own_person)
    volunteer_client.post(url("smarthealth:visit-sync"), data)
    volunteer_client.post(url("smarthealth:visit-sync"), data)  # a retry: no second row

    [row] = rows()
    assert (row.action, row.outcome, row.username, row.object_ref) == (
        "create", "allowed", "volunteer", str(own_person.public_id))
    assert row.detail == {"record": "home_visit", "via": "offline"}


def test_a_household_assigned_to_another_volunteer_is_refused_in_thai(volunteer_client, other_person):
    response = volunteer_client.post(url("smarthealth:visit-sync"), visit_fields(other_person))

    assert response.status_code == 403
    answer = response.json()
    assert answer["ok"] is False and answer["code"] == "out_of_scope"
    assert is_thai(answer["message"])
    assert visits_of(other_person) == []
    [row] = rows()
    assert (row.action, row.outcome, row.object_ref) == ("create", "denied", str(other_person.public_id))


def test_a_signed_out_phone_is_refused_and_nothing_is_recorded(kantang_client, own_person):
    response = kantang_client.post(url("smarthealth:visit-sync"), visit_fields(own_person))

    assert response.status_code == 401
    assert response.json()["code"] == "signed_out" and is_thai(response.json()["message"])
    assert visits_of(own_person) == []


@pytest.mark.parametrize("username", ["executive", "engineer"])
def test_staff_who_do_not_record_visits_are_refused(kantang_client, own_person, username):
    response = login(kantang_client, "kantang", username).post(
        url("smarthealth:visit-sync"), visit_fields(own_person))

    assert response.status_code == 403 and response.json()["code"] == "no_permission"
    assert visits_of(own_person) == []
    assert [(r.action, r.outcome) for r in rows()] == [("create", "denied")]


def test_the_phone_must_send_the_csrf_token(own_person):
    client = login(Client(HTTP_HOST="kantang.localhost", enforce_csrf_checks=True), "kantang", "volunteer")
    client.get(url("smarthealth:visit-list"))  # sets the CSRF cookie, as the list page does

    refused = client.post(url("smarthealth:visit-sync"), visit_fields(own_person))
    accepted = client.post(url("smarthealth:visit-sync"), visit_fields(own_person),
                           HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert len(visits_of(own_person)) == 1


def test_a_visit_the_rules_refuse_comes_back_with_each_problem_in_thai(volunteer_client, own_person):
    response = volunteer_client.post(url("smarthealth:visit-sync"),
                                     visit_fields(own_person, sbp="80", dbp="90", fbs="900"))

    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == "invalid" and is_thai(answer["message"])
    assert len(answer["details"]) == 2 and all(is_thai(line) for line in answer["details"])
    assert visits_of(own_person) == []
    assert rows() == []  # nothing was shown, nothing recorded


def test_a_key_of_someone_elses_visit_is_refused(volunteer_client, nurse, own_person):
    from smarthealth.services import home_visit_sync

    key = uuid.uuid4()
    other = person_build(cid_seed=77, household=own_person.household)
    home_visit_sync(person=other, user=nurse, idempotency_key=key, visited_on=timezone.localdate())

    response = volunteer_client.post(url("smarthealth:visit-sync"), visit_fields(own_person, key=key))

    assert response.status_code == 400
    assert visits_of(own_person) == []


def test_a_photo_sent_from_the_phone_is_kept_without_its_gps_position(volunteer_client, own_person,
                                                                     media_root):
    data = visit_fields(own_person)
    data["photo"] = jpeg_with_gps()

    response = volunteer_client.post(url("smarthealth:visit-sync"), data)

    assert response.status_code == 200
    [visit] = visits_of(own_person)
    assert visit.photo.name.startswith("visits/") and visit.photo.name.endswith(".jpg")
    with schema_context("kantang"), visit.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (8, 6)
        assert not image.getexif()


def test_a_file_that_is_not_a_photo_is_refused(volunteer_client, own_person, media_root):
    data = visit_fields(own_person)
    data["photo"] = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>", content_type="image/jpeg")

    response = volunteer_client.post(url("smarthealth:visit-sync"), data)

    assert response.status_code == 400
    assert visits_of(own_person) == []


def test_the_visit_photo_is_shown_only_within_scope_and_audited(kantang_client, own_person, media_root):
    data = visit_fields(own_person)
    data["photo"] = jpeg_with_gps()
    login(kantang_client, "kantang", "volunteer").post(url("smarthealth:visit-sync"), data)
    [visit] = visits_of(own_person)
    photo_url = url("smarthealth:visit-photo", own_person.public_id, visit.pk)

    nurse_sees = login(Client(HTTP_HOST="kantang.localhost"), "kantang", "nurse").get(photo_url)
    executive = login(Client(HTTP_HOST="kantang.localhost"), "kantang", "executive").get(photo_url)

    assert nurse_sees.status_code == 200 and nurse_sees["Content-Type"] == "image/jpeg"
    assert nurse_sees["X-Content-Type-Options"] == "nosniff"
    assert executive.status_code == 403
    assert [(r.username, r.action, r.outcome) for r in rows(action="view")] == [
        ("nurse", "view", "allowed"), ("executive", "view", "denied")]


def test_the_visit_form_records_a_double_tap_once(volunteer_client, own_person):
    data = visit_fields(own_person)
    form_url = url("smarthealth:visit-create", own_person.public_id)

    first = volunteer_client.post(form_url, data)
    second = volunteer_client.post(form_url, data)

    assert first.status_code == second.status_code == 302
    assert len(visits_of(own_person)) == 1
    assert [r.action for r in rows()] == ["create"]


# --- the copy of her households ---------------------------------------------------------------
def test_the_copy_holds_only_her_own_households(volunteer_client, own_person, other_person):
    response = volunteer_client.get(url("smarthealth:offline-copy"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    copy = response.json()
    with schema_context("kantang"):
        from accounts.models import User

        assert copy["user"] == User.objects.get(username="volunteer").pk
    assert str(own_person.public_id) in copy["persons"]
    assert str(other_person.public_id) not in copy["persons"]
    text = json.dumps(copy, ensure_ascii=False)
    assert own_person.first_name in text and other_person.first_name not in text
    mine = copy["persons"][str(own_person.public_id)]
    assert mine["name"] == own_person.full_name and is_thai(mine["visit_dates"])
    # No national ID on the phone, not even masked.
    assert own_person.identity_masked not in text
    [row] = rows()
    assert (row.action, row.object_ref) == ("list", "offline_copy")
    assert str(own_person.public_id) in row.detail["persons"]
    assert str(other_person.public_id) not in row.detail["persons"]


def test_a_nurse_gets_no_one_elses_households_in_her_copy(kantang_client, own_person, other_person):
    copy = login(kantang_client, "kantang", "nurse").get(url("smarthealth:offline-copy")).json()

    assert str(own_person.public_id) not in copy["persons"]
    assert str(other_person.public_id) not in copy["persons"]


def test_the_copy_carries_the_last_visit(volunteer_client, volunteer, own_person):
    from smarthealth.services import home_visit_record

    home_visit_record(person=own_person, user=volunteer, visited_on=timezone.localdate(), sbp=141, dbp=91)

    copy = volunteer_client.get(url("smarthealth:offline-copy")).json()

    assert "141/91" in copy["persons"][str(own_person.public_id)]["last_visit"]
    assert any(own_person.full_name in card for card in copy["households"])


def test_the_copy_needs_a_signed_in_visitor(kantang_client, own_person):
    response = kantang_client.get(url("smarthealth:offline-copy"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["smarthealth:offline-households", "smarthealth:offline-visit"])
def test_the_offline_pages_hold_no_one_s_data(volunteer_client, own_person, name):
    response = volunteer_client.get(url(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert own_person.first_name not in html
    assert "data-offline-shell" in html


# --- the installable app ----------------------------------------------------------------------
def test_the_worker_is_served_from_the_root_as_javascript(kantang_client):
    response = kantang_client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    config = json.loads(body.split("var CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["pages"] == {"list": "/health/visits/offline/", "visit": "/health/visits/offline/visit/"}
    assert config["list_path"] == "/health/visits/"
    assert config["cache"].startswith("hv-offline-")
    assert all(finders.find(asset.removeprefix("/static/")) for asset in config["assets"])


def test_the_pages_allow_this_site_s_worker_and_manifest(volunteer_client):
    policy = volunteer_client.get(url("smarthealth:visit-list"))["Content-Security-Policy"]

    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


def test_the_manifest_names_the_app_in_thai_and_starts_at_her_list(kantang_client):
    response = kantang_client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = response.json()
    assert is_thai(manifest["name"]) and is_thai(manifest["short_name"])
    assert manifest["start_url"] == "/health/visits/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"] and image.format == "PNG"


def test_base_pages_link_the_manifest_and_the_worker_script_for_a_volunteer(volunteer_client):
    html = volunteer_client.get(url("smarthealth:visit-list")).content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'data-sw="/sw.js"' in html


def test_the_sign_in_page_tells_the_script_to_forget_the_copy(kantang_client):
    html = kantang_client.get(url("accounts:login")).content.decode()

    assert "offline-register.js" in html and "data-signed-out" in html
    assert 'rel="manifest"' not in html


def test_signing_out_clears_what_the_site_kept_in_the_browser(volunteer_client):
    response = volunteer_client.post(url("accounts:logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_erasing_a_person_deletes_the_photos_of_their_visits(volunteer_client, admin, own_person, media_root):
    from smarthealth.services.pdpa import person_erase

    data = visit_fields(own_person)
    data["photo"] = jpeg_with_gps()
    volunteer_client.post(url("smarthealth:visit-sync"), data)
    with schema_context("kantang"):
        [visit] = HomeVisit.objects.filter(person=own_person)
        stored = visit.photo.path

        summary = person_erase(user=admin, person=own_person, reason="คำขอลบข้อมูลของเจ้าของข้อมูล")

        visit.refresh_from_db()
    assert summary["visit_photos_deleted"] == 1
    assert not visit.photo
    assert not Path(stored).exists()


def test_staff_who_do_not_record_visits_get_no_app_and_no_worker(kantang_client):
    html = login(kantang_client, "kantang", "engineer").get("/").content.decode()

    assert "offline-register.js" in html
    assert 'rel="manifest"' not in html and "data-sw=" not in html and "data-signed-out" not in html
