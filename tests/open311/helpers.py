"""Builders shared by the Open311 tests."""

import json

from django_tenants.utils import schema_context

from infrastructure.models import ServiceRequest, ServiceRequestEvent

# A street in Kantang, a few hundred metres from the municipality's centre (lat, long).
NEAR_KANTANG = ("7.4092", "99.5185")
CONTACT = {"first_name": "สมหญิง", "last_name": "รักเมือง", "phone": "089 765 4321",
           "email": "somying.open311@example.com"}
DESCRIPTION = "ไฟถนนซอย 7 ดับทั้งซอย แจ้งผ่านแอป"


def post_data(api_key: str | None, **overrides) -> dict:
    data = {
        "api_key": api_key, "service_code": "lighting", "lat": NEAR_KANTANG[0], "long": NEAR_KANTANG[1],
        "description": DESCRIPTION, "address_string": "ซอย 7 ถนนตรังคภูมิ", **CONTACT,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def body(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode())


def error_of(response, status: int) -> str:
    """The response is a GeoReport v2 error with this status; returns its descriptions joined."""
    assert response.status_code == status, response.content.decode()
    errors = body(response)
    assert isinstance(errors, list) and errors
    for error in errors:
        assert set(error) == {"code", "description"}
        assert error["code"] == status and isinstance(error["description"], str) and error["description"]
    return "\n".join(error["description"] for error in errors)


def counts(schema: str = "kantang") -> tuple[int, int]:
    """(requests, timeline events) in the schema: both unchanged = nothing half-saved."""
    with schema_context(schema):
        return ServiceRequest.objects.count(), ServiceRequestEvent.objects.count()
