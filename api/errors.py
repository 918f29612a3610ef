"""One error body for every failure of the API:

    {"error": {"status": 404, "code": "not_found", "message": "<Thai>", "message_en": "<English>",
               "fields": [{"field": "cid", "message": "<Thai>", "message_en": "<English>"}]}}

`message` is Thai (the platform is Thai-first) and `message_en` English, whatever the client's
language, so a script can log either. `fields` lists what was wrong with which input, when known.
"""

import json
import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kernel.request_errors import DATABASE_ERRORS, request_failure

logger = logging.getLogger(__name__)

TITLES = {
    400: ("bad_request", _("The request is not valid.")),
    401: ("unauthorized", _("Send a valid API token: Authorization: Bearer <token>.")),
    403: ("forbidden", _("Your role may not do this.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    409: ("conflict", _("The request conflicts with the current state.")),
    413: ("too_large", _("The upload is too large.")),
    415: ("unsupported_media_type", _("This content type is not accepted here.")),
    422: ("invalid", _("Some values are not valid.")),
    429: ("rate_limited", _("Too many requests for this token; wait and try again.")),
    500: ("server_error", _("Something went wrong on our side; the platform team has been told.")),
    503: ("unavailable", _("The platform is briefly unavailable; try again in a minute.")),
}


def both(message) -> tuple[str, str]:
    """A lazy translation (or plain text) in Thai and in English."""
    texts = []
    for language in ("th", "en"):
        with translation.override(language):
            texts.append(str(message))
    return texts[0], texts[1]


class ApiError(Exception):
    """An error the API answers with its body. `message` is a lazy translation."""

    def __init__(self, status: int, message=None, *, code: str | None = None, fields: list | None = None,
                 headers: dict | None = None):
        default_code, default_message = TITLES.get(status, ("error", _("The request failed.")))
        self.status = status
        self.code = code or default_code
        self.message = message if message is not None else default_message
        self.fields = fields or []
        self.headers = headers or {}
        super().__init__(self.code)


def field_error(field: str, message) -> dict:
    thai, english = both(message)
    return {"field": field, "message": thai, "message_en": english}


def _joined(errors: list[DjangoValidationError]) -> tuple[str, str]:
    """The messages of ValidationErrors, rendered in Thai and in English. Each is rendered inside
    its language: text made before (form.errors, str(error)) is already in the active one."""
    texts = []
    for language in ("th", "en"):
        with translation.override(language):
            texts.append(" ".join(str(m) for error in errors for m in error.messages))
    return texts[0], texts[1]


def _fields_of(errors_by_name: dict) -> list[dict]:
    fields = []
    for name, errors in errors_by_name.items():
        thai, english = _joined(errors)
        fields.append({"field": "" if name == "__all__" else name, "message": thai, "message_en": english})
    return fields


def form_fields(form) -> list[dict]:
    """A bound, invalid Django form's errors as the body's `fields`, Thai and English (use this,
    not form.errors, whose texts are already Thai)."""
    return _fields_of(form.errors.as_data())


def error_body(status: int, message, *, code: str, fields: list | None = None) -> dict:
    thai, english = both(message)
    return {"error": {"status": status, "code": code, "message": thai, "message_en": english,
                      "fields": fields or []}}


# pydantic's messages are English only; the usual ones get a Thai (and plainer English) text.
PYDANTIC_MESSAGES = {
    "missing": _("This value is required."),
    "string_too_short": _("This value is too short."),
    "string_too_long": _("This value is too long (at most %(max_length)s characters)."),
    "string_pattern_mismatch": _("This value is not in the expected format."),
    "enum": _("Choose one of: %(expected)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "int_parsing": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "bool_parsing": _("Enter true or false."),
    "greater_than_equal": _("The value must be at least %(ge)s."),
    "less_than_equal": _("The value must be at most %(le)s."),
    "greater_than": _("The value must be more than %(gt)s."),
    "less_than": _("The value must be less than %(lt)s."),
    "date_parsing": _("Enter a date as yyyy-mm-dd (Common Era), e.g. 2026-11-24."),
    "date_from_datetime_parsing": _("Enter a date as yyyy-mm-dd (Common Era), e.g. 2026-11-24."),
    "value_error": _("Enter a date as yyyy-mm-dd (Common Era), e.g. 2026-11-24."),
    "uuid_parsing": _("This is not a valid id."),
    "json_invalid": _("The body is not valid JSON."),
    "model_attributes_type": _("The body must be a JSON object."),
    "dict_type": _("The body must be a JSON object."),
    "string_type": _("Enter text."),
    "list_type": _("Enter a list."),
}


def _pydantic_field(error: dict) -> dict:
    # loc is ("query" | "body" | "path" | "form" | "file", "payload"?, name, …)
    location = [str(part) for part in error.get("loc", ()) if part not in ("payload",)]
    field = ".".join(location[1:]) or (location[0] if location else "")
    template = PYDANTIC_MESSAGES.get(error.get("type", ""))
    if template is None:
        # pydantic's own text is English: Thai gets the plain "not valid", English the detail.
        thai, _english = both(_("This value is not valid."))
        return {"field": field, "message": thai, "message_en": error.get("msg", "") or _english}
    params = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    thai, english = both(template)
    try:
        thai, english = thai % params, english % params
    except (KeyError, ValueError, TypeError):
        pass
    return {"field": field, "message": thai, "message_en": english}


def django_validation_fields(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return _fields_of(error.error_dict)
    return _fields_of({"": [error]})


def _nul_path(value, path: str = "") -> str | None:
    """Where a NUL character sits in parsed JSON (PostgreSQL text cannot hold one), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return f"{path}.{key}".strip(".").replace("\x00", "\\0")
        found = _nul_path(item, f"{path}.{key}".strip("."))
        if found is not None:
            return found
    return None


NUL_MESSAGE = _("Text may not contain the NUL character (code 0).")


def reject_nul(data, location: str) -> None:
    """422 naming the field when a NUL character is in the parsed input."""
    found = _nul_path(data)
    if found is not None:
        raise ApiError(422, fields=[field_error(".".join(p for p in (location, found) if p), NUL_MESSAGE)])


def install(api) -> None:
    """Replace django-ninja's handlers so that every error has the body above."""

    def respond(request, status, message=None, *, code=None, fields=None, headers=None):
        default_code, default_message = TITLES.get(status, ("error", _("The request failed.")))
        response = api.create_response(
            request, error_body(status, message if message is not None else default_message,
                                code=code or default_code, fields=fields),
            status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.message, code=exc.code, fields=exc.fields,
                       headers=exc.headers)

    def on_validation(request, exc: ValidationError):
        return respond(request, 422, fields=[_pydantic_field(e) for e in exc.errors])

    def on_django_validation(request, exc: DjangoValidationError):
        return respond(request, 422, fields=django_validation_fields(exc))

    def on_authentication(request, exc: AuthenticationError):
        return respond(request, 401)

    def on_http_error(request, exc: HttpError):
        # ninja wraps what the body parser raised ("Cannot parse request body"): say what it was.
        cause = exc.__cause__
        if isinstance(cause, ApiError):
            return on_api_error(request, cause)
        if isinstance(cause, (json.JSONDecodeError, UnicodeDecodeError)):
            return respond(request, 400, PYDANTIC_MESSAGES["json_invalid"], code="invalid_json")
        if cause is not None and request_failure(cause) is not None:
            return on_request_failure(request, cause)
        return respond(request, exc.status_code)

    def on_request_failure(request, exc):
        # A body we cannot read (4xx) or the database not answering (503): not our bug.
        failure = request_failure(exc)
        if failure is None:
            return on_exception(request, exc)
        if failure.outage:
            logger.warning("API %s %s: database unavailable (%s)", request.method, request.path,
                           type(exc).__name__)
        return respond(request, failure.status, failure.message, code=failure.code,
                       headers=failure.headers)

    def on_404(request, exc):
        return respond(request, 404)

    def on_403(request, exc):
        return respond(request, 403)

    def on_exception(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500)

    api.add_exception_handler(Exception, on_exception)
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)
    for error in (*DATABASE_ERRORS, MultiPartParserError, UnreadablePostError, UnicodeDecodeError,
                  BadRequest, SuspiciousOperation):
        api.add_exception_handler(error, on_request_failure)


# --- the body in the OpenAPI document -----------------------------------------------------------


class FieldErrorOut(Schema):
    field: str
    message: str
    message_en: str


class ErrorDetail(Schema):
    status: int
    code: str
    message: str
    message_en: str
    fields: list[FieldErrorOut]


class ErrorOut(Schema):
    error: ErrorDetail


def with_errors(ok: dict, codes=(400, 401, 403, 404, 413, 422, 429, 503)) -> dict:
    """An operation's `response=` mapping: its own answers plus the error body on each error code."""
    return {**ok, **{code: ErrorOut for code in codes}}
