"""The OpenAPI 3.1 document of the Open311 GeoReport v2 endpoints, served at
/open311/v2/openapi.json for integrators (and read by schemathesis in the tests).

It describes what this server does, which is GeoReport v2 (wiki.open311.org/GeoReport_v2) as
written, with the few choices the spec leaves to a server stated: lat/long or an
address_string to file (an address alone is filed without a point, which staff add later; no
address_id), the api_key also accepted as `Authorization: Bearer`. It describes the JSON
variants; every path is served in XML too (`.xml`, the spec's required format, same data under
the spec's element names), with discovery.json/.xml beside them.
Every schema says what the server accepts, no more and no less where JSON Schema can say it;
rules it cannot say (a point inside the municipality, a date range of at most 90 days) are in
the descriptions. English: it is read by developers and tools.
"""

import re

from ..models import RequestCategory
from .attributes import SERVICE_ATTRIBUTES
from .reading import W3C_DATETIME

ERROR_STATUSES = {
    "400": "A parameter is not valid (named in the description)",
    "401": "No API token, or one that is not valid on this host",
    "403": "The token's account may not file service requests",
    "404": "Not found here (or this municipality does not take requests through Open311)",
    "405": "Method not allowed (the Allow header lists the ones that are)",
    "413": "The request is too large",
    "415": "The body is not form-encoded",
    "429": "Too many requests; see Retry-After",
    "503": "The platform is briefly unavailable; see Retry-After",
}

COMMA_LIST = "Comma-separated; spaces around the items and empty items are ignored."
DATE = ("W3C-DTF: a year, a month, a day (2025-01-31, Thai time) or an instant, with its zone or in "
        "Thai time (2025-01-31T08:00:00+07:00); a calendar date of the years 1900 to 2999. "
        "start_date to end_date may span at most 90 days (GeoReport v2); without dates the last 90 "
        "days are listed.")


def comma_list_pattern(*alternatives: str) -> str:
    """A comma-separated list of the alternatives, as reading._comma_list reads it."""
    item = "(?: *(?:" + "|".join(alternatives) + ")? *)"
    return f"^{item}(?:,{item})*$"


def any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


DATE_PATTERN = "^(?:" + re.sub(r"\?P<\w+>", "", W3C_DATETIME) + ")?$"  # empty: not given


def _error_responses(*statuses: str) -> dict:
    return {status: {"description": ERROR_STATUSES[status],
                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}
            for status in statuses}


def _ok(description: str, schema: dict, status: str = "200") -> dict:
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}}}


# Any text but the NUL character, which no parameter accepts (400) and PostgreSQL cannot store.
TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}


def _query(name: str, description: str, **schema) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {**TEXT, **schema}}


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": TEXT}


READ_PARAMETERS = [
    _query("jurisdiction_id", "This municipality's schema name or one of its host names; optional, "
           "as each host serves one municipality.", maxLength=253),
    _query("locale", "th or en (default: the Accept-Language header, else Thai); anything else is "
           "ignored."),
]

NULLABLE_TEXT = {"type": ["string", "null"]}


def open311_document(*, server_url: str = "/open311/v2") -> dict:
    """The document; `server_url` is where this host serves Open311."""
    service_codes = list(RequestCategory.values)
    request_fields = {
        "service_code": {"type": "string", "enum": service_codes},
        "lat": {"type": "number", "minimum": -90, "maximum": 90,
                "description": "WGS 84, with long: must lie in (or near) this municipality. Required "
                               "unless an address_string says where."},
        "long": {"type": "number", "minimum": -180, "maximum": 180,
                 "description": "WGS 84. Required with lat."},
        "description": {"type": "string", "minLength": 1, "maxLength": 2000,
                        "description": "Required: the problem in a few words (not only spaces)."},
        "address_string": {"type": "string", "maxLength": 300,
                           "description": "Where, in words. Enough without lat/long: the request is "
                                          "then filed without a point (lat/long null) until staff "
                                          "place it."},
        "address_id": {"type": "string", "maxLength": 100},
        "email": {"type": "string", "maxLength": 254, "description": "The reporter's e-mail (kept private)."},
        "device_id": {"type": "string", "maxLength": 100},
        "account_id": {"type": "string", "maxLength": 100},
        "first_name": {"type": "string", "maxLength": 75},
        "last_name": {"type": "string", "maxLength": 74},
        "phone": {"type": "string", "pattern": "^(\\+?[0-9 ()-]{6,20})?$", "maxLength": 20,
                  "description": "Digits, spaces, ( ) - and a leading +."},
        "media_url": {"type": "string", "maxLength": 500, "description": "http(s); recorded, never fetched."},
        "jurisdiction_id": {"type": "string", "maxLength": 253},
        "api_key": {"type": "string", "maxLength": 100,
                    "description": "An API token of this municipality (or send Authorization: Bearer)."},
    }
    for code, attributes in SERVICE_ATTRIBUTES.items():
        for attribute in attributes:
            schema: dict = {"type": "string", "maxLength": attribute.max_length,
                            "description": f"Only with service_code={code}: {attribute.description}"}
            if attribute.values:
                schema["enum"] = [key for key, _name in attribute.values]
            request_fields[f"attribute[{attribute.code}]"] = schema
    form = {"type": "object", "required": ["service_code", "description"],
            "properties": request_fields}
    multipart = {**form, "properties": {**request_fields, "media": {
        "type": "string", "contentMediaType": "image/jpeg",
        "description": "A JPEG, PNG or WebP photo of at most 8 MB."}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Open311 GeoReport v2",
            "version": "2",
            "description": (
                "Service requests of this municipality in the GeoReport v2 format "
                "(https://wiki.open311.org/GeoReport_v2). Reads are public; filing needs an API token "
                "of this municipality. Every error is a list of {code, description}; descriptions "
                "name the parameter and are in Thai and English. This document describes the JSON "
                "endpoints; each is also served as .xml (the spec's required format: the same data "
                "under the spec's element names), and Service Discovery is at discovery.json and "
                "discovery.xml. Browsers' CORS preflight (OPTIONS) is answered on every path."),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/services.json": {"get": {
                "operationId": "services", "summary": "The services (request categories)",
                "parameters": READ_PARAMETERS,
                "responses": {**_ok("Every service", {"type": "array",
                                                      "items": {"$ref": "#/components/schemas/Service"}}),
                              **_error_responses("400", "404", "405", "413", "429", "503")},
            }},
            "/services/{service_code}.json": {"get": {
                "operationId": "service",
                "summary": "A service's definition: the attributes (extra questions) it asks, if any",
                "parameters": [_path("service_code"), *READ_PARAMETERS],
                "responses": {**_ok("The definition", {"$ref": "#/components/schemas/ServiceDefinition"}),
                              **_error_responses("400", "404", "405", "413", "429", "503")},
            }},
            "/requests.json": {
                "get": {
                    "operationId": "requests", "summary": "Service requests, newest first (at most 1000)",
                    "parameters": [
                        _query("service_request_id", "Tracking codes; when given, every other filter is "
                               "ignored. " + COMMA_LIST),
                        _query("service_code", "Service codes. " + COMMA_LIST,
                               pattern=comma_list_pattern(*service_codes)),
                        _query("start_date", DATE, pattern=DATE_PATTERN),
                        _query("end_date", DATE, pattern=DATE_PATTERN),
                        _query("status", "open, closed or both (any case). " + COMMA_LIST,
                               pattern=comma_list_pattern(any_case("open"), any_case("closed"))),
                        *READ_PARAMETERS,
                    ],
                    "responses": {**_ok("The requests", {"type": "array",
                                                         "items": {"$ref": "#/components/schemas/Request"}}),
                                  **_error_responses("400", "404", "405", "413", "429", "503")},
                },
                "post": {
                    "operationId": "request_create", "summary": "File a service request",
                    "security": [{"TokenAuth": []}, {}],
                    "requestBody": {"required": True, "content": {
                        "application/x-www-form-urlencoded": {"schema": form},
                        "multipart/form-data": {"schema": multipart},
                    }},
                    "responses": {
                        **_ok("Filed", {"type": "array", "minItems": 1, "maxItems": 1,
                                        "items": {"$ref": "#/components/schemas/Created"}}, "201"),
                        **_error_responses("400", "401", "403", "404", "405", "413", "415", "429", "503"),
                    },
                },
            },
            "/requests/{service_request_id}.json": {"get": {
                "operationId": "request", "summary": "One service request",
                "parameters": [_path("service_request_id"), *READ_PARAMETERS],
                "responses": {**_ok("A list with the one request",
                                    {"type": "array", "minItems": 1, "maxItems": 1,
                                     "items": {"$ref": "#/components/schemas/Request"}}),
                              **_error_responses("400", "404", "405", "413", "429", "503")},
            }},
        },
        "components": {
            "securitySchemes": {"TokenAuth": {
                "type": "http", "scheme": "bearer",
                "description": "An API token of this municipality; GeoReport's api_key (a form field) "
                               "works as well."}},
            "schemas": {
                "Errors": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["code", "description"], "additionalProperties": False,
                    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}},
                "Service": {"type": "object", "additionalProperties": False,
                            "required": ["service_code", "service_name", "description", "metadata", "type",
                                         "keywords", "group"],
                            "properties": {
                                "service_code": {"type": "string", "enum": service_codes},
                                "service_name": {"type": "string"},
                                "description": {"type": "string"},
                                "metadata": {"type": "boolean"},
                                "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                                "keywords": {"type": "string"},
                                "group": {"type": "string"}}},
                "ServiceDefinition": {"type": "object", "additionalProperties": False,
                                      "required": ["service_code", "attributes"],
                                      "properties": {"service_code": {"type": "string"},
                                                     "attributes": {"type": "array", "items": {
                                                         "$ref": "#/components/schemas/Attribute"}}}},
                "Attribute": {"type": "object", "additionalProperties": False,
                              "required": ["variable", "code", "datatype", "required", "datatype_description",
                                           "order", "description", "values"],
                              "properties": {
                                  "variable": {"type": "boolean"},
                                  "code": {"type": "string"},
                                  "datatype": {"type": "string", "enum": [
                                      "string", "number", "datetime", "text", "singlevaluelist",
                                      "multivaluelist"]},
                                  "required": {"type": "boolean"},
                                  "datatype_description": NULLABLE_TEXT,
                                  "order": {"type": "integer", "minimum": 1},
                                  "description": {"type": "string"},
                                  "values": {"type": "array", "items": {
                                      "type": "object", "additionalProperties": False,
                                      "required": ["key", "name"],
                                      "properties": {"key": {"type": "string"},
                                                     "name": {"type": "string"}}}}}},
                "Request": {"type": "object", "additionalProperties": False,
                            "required": ["service_request_id", "status", "status_notes", "service_name",
                                         "service_code", "description", "agency_responsible",
                                         "service_notice", "requested_datetime", "updated_datetime",
                                         "expected_datetime", "address", "address_id", "zipcode", "lat",
                                         "long", "media_url"],
                            "properties": {
                                "service_request_id": {"type": "string"},
                                "status": {"type": "string", "enum": ["open", "closed"]},
                                "status_notes": NULLABLE_TEXT,
                                "service_name": {"type": "string"},
                                "service_code": {"type": "string"},
                                "description": {"type": "null", "description": "never public here"},
                                "agency_responsible": {"type": "string"},
                                "service_notice": NULLABLE_TEXT,
                                "requested_datetime": {"type": "string", "format": "date-time"},
                                "updated_datetime": {"type": "string", "format": "date-time"},
                                "expected_datetime": {"type": ["string", "null"], "format": "date-time"},
                                "address": {"type": "null", "description": "never public here"},
                                "address_id": {"type": "null"},
                                "zipcode": {"type": "null"},
                                "lat": {"type": ["number", "null"],
                                        "description": "null until staff place a request filed "
                                                       "with an address only"},
                                "long": {"type": ["number", "null"]},
                                "media_url": {"type": ["string", "null"], "format": "uri",
                                              "description": "the photo staff took after the repair, "
                                                             "if any; never the reporter's photo"}}},
                "Created": {"type": "object", "additionalProperties": False,
                            "required": ["service_request_id", "service_notice", "account_id"],
                            "properties": {"service_request_id": {"type": "string"},
                                           "service_notice": {"type": "string"},
                                           "account_id": {"type": "null"}}},
            },
        },
    }
