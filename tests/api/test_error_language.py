"""Every error body of the API has `message` in Thai and `message_en` in English, also for the
messages of the services' own validation (which used to arrive in Thai in both)."""

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from api.errors import django_validation_fields, form_fields

from .conftest import assert_error_body, call

pytestmark = pytest.mark.django_db

THAI = range(0x0E00, 0x0E80)


def has_thai(text: str) -> bool:
    return any(ord(char) in THAI for char in text)


def english_everywhere(error: dict) -> None:
    assert not has_thai(error["message_en"]), error["message_en"]
    for field in error["fields"]:
        assert not has_thai(field["message_en"]), field
        assert has_thai(field["message"]), field


@pytest.fixture
def engineer(kantang, make_token):
    return make_token("kantang", "engineer")


def test_a_location_outside_thailand_is_explained_in_both_languages(engineer):
    payload = {"category": "road", "description": "หลุมบนถนน", "lat": 48.85, "lon": 2.35}

    response = call("kantang", "POST", "/api/v1/service-requests/", engineer, json_body=payload)

    error = assert_error_body(response, 422)
    english_everywhere(error)
    [field] = error["fields"]
    assert field["field"] == "location" and "outside Thailand" in field["message_en"]


@pytest.mark.parametrize("method, path, body, status", [
    ("GET", "/api/v1/assets/?page=0", None, 422),
    ("GET", "/api/v1/assets/?bbox=9,9,1,1", None, 422),
    ("GET", "/api/v1/assets/NOPE-0000", None, 404),
    ("GET", "/api/v1/persons/00000000-0000-0000-0000-000000000000", None, 403),
    ("POST", "/api/v1/service-requests/", {"category": "spaceship"}, 422),
    ("POST", "/api/v1/service-requests/", "not json", 400),
])
def test_no_error_body_has_thai_in_message_en(engineer, method, path, body, status):
    kwargs = {}
    if body is not None:
        kwargs = {"data": body if isinstance(body, str) else json.dumps(body),
                  "content_type": "application/json"}

    english_everywhere(assert_error_body(call("kantang", method, path, engineer, **kwargs), status))


def test_a_bad_token_is_explained_in_english_too(kantang):
    english_everywhere(assert_error_body(call("kantang", "GET", "/api/v1/assets/", "cdp_wrong"), 401))


def test_validation_errors_are_rendered_in_each_language_not_the_active_one():
    error = ValidationError({"location": [ValidationError(_("The location is empty: pick it on the map."))]})

    [field] = django_validation_fields(error)

    assert field["field"] == "location"
    assert has_thai(field["message"]) and field["message_en"] == "The location is empty: pick it on the map."


def test_form_fields_renders_a_forms_errors_in_both_languages():
    class Upload(forms.Form):
        dataset = forms.ChoiceField(choices=[("assets", "assets")])

    form = Upload({"dataset": "castles"})
    assert not form.is_valid()

    [field] = form_fields(form)

    assert field["field"] == "dataset" and has_thai(field["message"])
    assert not has_thai(field["message_en"]) and "castles" in field["message_en"]


def test_an_upload_refused_by_its_form_is_explained_in_english_too(engineer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("assets.csv", b"code,asset_type\nA-1,road\n", content_type="text/csv")
    response = call("kantang", "POST", "/api/v1/imports/", engineer,
                    data={"dataset": "no-such-dataset", "file": upload})

    error = assert_error_body(response, 422)
    english_everywhere(error)
    assert error["fields"]
