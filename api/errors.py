"""One error body for every failure of the API:

    {"error": {"status": 404, "code": "not_found", "message": "<Thai>", "message_en": "<English>",
               "fields": [{"field": "cid", "message": "<Thai>", "message_en": "<English>"}]}}

`message` is Thai (the platform is Thai-first) and `message_en` English, whatever the client's
language, so a script can log either. `fields` lists what was wrong with which input, when known.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)

TITLES = {
    400: ("bad_request", _("The request is not valid.")),
    401: ("unauthorized", _("Send a valid API token: Authorization: Bearer <token>.")),
    403: ("forbidden", _("Your role may not do this.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    409: ("conflict", _("The request conflicts with the current state.")),
    413: ("too_large", _("The upload is too large.")),
    422: ("invalid", _("Some values are not valid.")),
    429: ("rate_limited", _("Too many requests for this token; wait and try again.")),
    500: ("server_error", _("Something went wrong on our side; the platform team has been told.")),
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
        text = error.get("msg", "")
        return {"field": field, "message": text, "message_en": text}
    params = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    thai, english = both(template)
    try:
        thai, english = thai % params, english % params
    except (KeyError, ValueError, TypeError):
        pass
    return {"field": field, "message": thai, "message_en": english}


def django_validation_fields(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [field_error(name, " ".join(str(m) for m in DjangoValidationError(messages).messages))
                for name, messages in error.error_dict.items()]
    return [field_error("", " ".join(str(m) for m in error.messages))]


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
        return respond(request, exc.status_code)

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


def with_errors(ok: dict, codes=(400, 401, 403, 404, 422, 429)) -> dict:
    """An operation's `response=` mapping: its own answers plus the error body on each error code."""
    return {**ok, **{code: ErrorOut for code in codes}}
