"""POST requests.json: an API token of this municipality whose user may add requests files one
through the normal service (SLA, nearest asset, channel open311); everything else is refused in
the spec's error shape and saves nothing."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import ApiToken, User
from accounts.tokens import api_token_revoke
from infrastructure.models import Channel, ServiceRequest, sla_hours
from infrastructure.services import asset_create
from tenants.services.components import components_for, components_update

from ..helpers import host_client
from ..infrastructure.helpers import png_upload
from .helpers import CONTACT, DESCRIPTION, body, counts, error_of, post_data

URL = "/open311/v2/requests.json"
# An odd spot 2 km north of Kantang's centre, for an asset of our own.
SPOT = (7.42873, 99.51931)  # lat, long


def created(response) -> ServiceRequest:
    assert response.status_code == 201, response.content.decode()
    rows = body(response)
    assert len(rows) == 1 and set(rows[0]) == {"service_request_id", "service_notice", "account_id"}
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", rows[0]["service_request_id"])
    with schema_context("kantang"):
        return ServiceRequest.objects.select_related("asset", "created_by").get(
            tracking_code=rows[0]["service_request_id"]
        )


def test_a_token_files_a_request_through_the_normal_service(client, engineer_token):
    with schema_context("kantang"):
        light = asset_create(user=User.objects.get(username="engineer"), data={
            "code": "SL-OPEN311", "asset_type": "streetlight", "name": "เสาไฟทดสอบ",
            "geometry": f"POINT({SPOT[1]} {SPOT[0]})",
        })

    response = client.post(URL, post_data(engineer_token, lat=str(SPOT[0]), long=str(SPOT[1]),
                                          device_id="android-42", account_id="traffy-981"))

    request = created(response)
    answer = body(response)[0]
    assert answer["account_id"] is None
    assert request.tracking_code in answer["service_notice"]
    assert f"http://kantang.localhost/report/status/{request.tracking_code}/" in answer["service_notice"]
    assert request.channel == Channel.OPEN311
    assert request.created_by.username == "engineer"
    assert request.category == "lighting" and request.description == DESCRIPTION
    assert request.asset_id == light.pk  # the nearest street light, linked by the service
    assert request.due_at == request.received_at + timedelta(hours=sla_hours("lighting", "normal"))
    assert timezone.now() - request.received_at < timedelta(minutes=5)
    assert (request.location.y, request.location.x) == pytest.approx(SPOT)
    assert request.address_text == "ซอย 7 ถนนตรังคภูมิ"
    assert request.reporter_name == "สมหญิง รักเมือง"
    assert (request.reporter_phone, request.reporter_email) == (CONTACT["phone"], CONTACT["email"])
    with schema_context("kantang"):
        note = request.events.get(kind="comment").comment
        kinds = sorted(request.events.values_list("kind", flat=True))
    assert "test engineer" in note and "device_id: android-42" in note and "account_id: traffy-981" in note
    assert kinds == ["asset_linked", "comment", "created"]


def test_the_new_request_can_be_followed_at_once(client, engineer_token):
    request = created(client.post(URL, post_data(engineer_token)))

    row = body(client.get(f"/open311/v2/requests/{request.tracking_code}.json"))[0]

    assert row["status"] == "open" and row["service_code"] == "lighting"
    assert DESCRIPTION not in str(row) and CONTACT["phone"] not in str(row)


def test_an_address_string_alone_files_a_request_without_a_point(client, engineer_token):
    # GeoReport v2: "lat & long both required, or address_string, or address_id".
    request = created(client.post(URL, post_data(engineer_token, lat=None, long=None,
                                                 address_string="หน้าตลาดสดกันตัง ซอย 2")))

    assert request.location is None and request.address_text == "หน้าตลาดสดกันตัง ซอย 2"
    assert request.asset is None
    row = body(client.get(f"/open311/v2/requests/{request.tracking_code}.json"))[0]
    assert (row["lat"], row["long"], row["address"]) == (None, None, None)


def test_a_bearer_header_works_instead_of_api_key(client, engineer_token):
    response = client.post(URL, post_data(None), HTTP_AUTHORIZATION=f"Bearer {engineer_token}")

    assert created(response).channel == Channel.OPEN311


def test_the_municipal_admin_may_file_too(client, token_of):
    assert created(client.post(URL, post_data(token_of("admin")))).created_by.username == "admin"


def test_csrf_does_not_apply_to_api_clients(kantang, engineer_token):
    strict = host_client("kantang.localhost")
    strict.handler.enforce_csrf_checks = True

    assert strict.post(URL, post_data(engineer_token)).status_code == 201


def test_a_photo_is_checked_and_kept_and_a_media_url_only_recorded(client, engineer_token):
    response = client.post(URL, {
        **post_data(engineer_token, media_url="https://photos.example.org/p/1.jpg"), "media": png_upload(),
    })

    request = created(response)
    assert request.photo.name.startswith("requests/")
    with schema_context("kantang"):
        assert "media_url: https://photos.example.org/p/1.jpg" in request.events.get(kind="comment").comment
    # Even with a photo, the public list does not show it.
    assert body(client.get(f"/open311/v2/requests/{request.tracking_code}.json"))[0]["media_url"] is None


def test_without_the_citizens_page_the_notice_has_no_status_link(kantang, client, engineer_token):
    with schema_context("kantang"):
        admin = User.objects.get(username="admin")
    data = components_for(kantang).as_data()
    data["modules"]["public_report"] = False
    components_update(municipality=kantang, data=data, editor=admin)

    notice = body(client.post(URL, post_data(engineer_token)))[0]["service_notice"]

    assert "/report/" not in notice


# --- Who may file -------------------------------------------------------------------------------


def test_another_municipalitys_token_is_unauthorised_and_files_nothing(nueaklong, engineer_token):
    before = counts("nueaklong")

    nueaklong_client = host_client("nueaklong.localhost")

    response = nueaklong_client.post(URL, post_data(engineer_token, lat="8.086", long="98.99"))

    assert "api_key" in error_of(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert counts("nueaklong") == before


@pytest.mark.parametrize("api_key", [None, "", "cdp_not-a-real-token", "secret"])
def test_a_missing_or_unknown_token_is_unauthorised(client, api_key):
    before = counts()

    assert "api_key" in error_of(client.post(URL, post_data(api_key)), 401)
    assert counts() == before


def test_a_revoked_token_is_unauthorised(client, engineer_token):
    with schema_context("kantang"):
        api_token_revoke(token=ApiToken.objects.get(name="test engineer"))

    error_of(client.post(URL, post_data(engineer_token)), 401)


def test_a_token_in_the_url_is_refused(client, engineer_token):
    before = counts()

    response = client.post(f"{URL}?api_key={engineer_token}", post_data(None))

    assert "api_key" in error_of(response, 401)
    assert counts() == before


@pytest.mark.parametrize("username", ["nurse", "volunteer", "executive"])
def test_accounts_that_may_not_add_requests_are_forbidden(client, token_of, username):
    before = counts()

    assert "api_key" in error_of(client.post(URL, post_data(token_of(username))), 403)
    assert counts() == before


# --- Bad input ------------------------------------------------------------------------------------


def not_a_photo():
    return SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")


@pytest.mark.parametrize("overrides, field, words", [
    ({"service_code": None}, "service_code", "Required"),
    ({"service_code": "spaceship"}, "service_code", "spaceship"),
    ({"description": None}, "description", "Describe the problem"),
    ({"description": "   "}, "description", "Describe the problem"),
    ({"lat": None, "long": None, "address_string": None}, "lat", "Required: lat and long"),
    ({"lat": None, "long": None, "address_string": "   "}, "lat", "address_string"),
    ({"lat": None, "long": None, "address_string": None, "address_id": "A-17"}, "lat", "address_id"),
    ({"long": None}, "long", "Required"),
    ({"lat": "abc"}, "lat", "must be numbers"),
    ({"lat": "nan"}, "lat", "must be numbers"),
    ({"lat": "35.6812", "long": "139.7671"}, "lat", "outside Thailand"),  # Tokyo
    ({"lat": "99.5185", "long": "7.4092"}, "lat", "look swapped"),
    ({"lat": "18.7883", "long": "98.9853"}, "lat", "km from"),  # Chiang Mai: not Kantang's
    ({"email": "not-an-address"}, "email", "valid e-mail"),
    ({"phone": "call me"}, "phone", "digits only"),
    ({"first_name": "ก" * 76}, "first_name", "at most"),
    ({"media_url": "ftp://example.org/x.jpg"}, "media_url", "http"),
    ({"media": "not-a-photo"}, "media", "not a photo"),
    ({"jurisdiction_id": "nueaklong"}, "jurisdiction_id", "nueaklong"),
])
def test_bad_input_is_named_and_saves_nothing(client, engineer_token, overrides, field, words):
    media = overrides.pop("media", None)
    data = post_data(engineer_token, **overrides)
    if media:
        data["media"] = not_a_photo()
    before = counts()

    response = client.post(URL, data)

    status = 404 if field == "jurisdiction_id" else 400
    description = error_of(response, status)
    assert f"{field}: " in description and words in description
    assert counts() == before


def test_every_bad_parameter_is_listed(client, engineer_token):
    response = client.post(URL, post_data(engineer_token, service_code="x", email="y", lat="z"))

    descriptions = error_of(response, 400).splitlines()
    assert {line.split(":")[0] for line in descriptions} == {"service_code", "email", "lat"}


def test_json_is_refused_with_a_hint(client, engineer_token):
    before = counts()

    response = client.post(URL, {"api_key": engineer_token, "service_code": "road"},
                           content_type="application/json")

    assert "form-encoded" in error_of(response, 415)
    assert counts() == before


def test_url_encoded_forms_work(client, engineer_token):
    from urllib.parse import urlencode

    response = client.post(URL, urlencode(post_data(engineer_token)),
                           content_type="application/x-www-form-urlencoded")

    assert created(response).category == "lighting"


def test_other_methods_are_refused(client):
    response = client.put(URL, "")

    error_of(response, 405)
    assert response["Allow"] == "GET, POST"
