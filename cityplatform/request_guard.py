"""No server error for a request we cannot serve: a clear 4xx (or 503) in the shape its client reads.

Runs first (after /healthz), before tenant routing touches the database:
- it refuses, before anything reads the body, a request that announces more bytes than its
  address takes (413; IMPORT_MAX_UPLOAD_BYTES for the import uploads, REQUEST_MAX_BODY_BYTES
  elsewhere), and one whose address holds the NUL character, which no page or field accepts and
  PostgreSQL cannot store (400);
- a body a view cannot read (no multipart boundary, cut off, not UTF-8, too many fields) and the
  database not answering become 400/413 and 503 (kernel.request_errors says which is which), also
  when they happen in a middleware rather than a view;
- under /api/ and /open311/ no answer is an HTML page: Django's own error pages (unknown address,
  a host it refuses, a 500) are turned into the API's error body or Open311's error list.

The API's own views answer these in api/errors.py; everything else is answered here.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from api.errors import TITLES, error_body
from infrastructure.open311 import param_error
from kernel.error_pages import standalone_page
from kernel.ratelimit import refund_all
from kernel.request_errors import OUTAGE_RETRY_AFTER_SECONDS, RequestFailure, request_failure

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"
# The import uploads (web page and API) may be as large as an import file; POST only.
IMPORT_UPLOAD_PATHS = ("/imports/", "/api/v1/imports/")
# A multipart body is its file plus the boundaries and the other fields.
MULTIPART_ENVELOPE_BYTES = 64 * 1024
# Headers an error answer keeps when it is rewritten into another shape.
KEPT_HEADERS = ("Retry-After", "Allow", "WWW-Authenticate")

NUL_IN_ADDRESS = _("The address contains the NUL character (code 0), which no page or field accepts.")
TOO_LARGE = _("The request is too large: at most %(mb)s MB may be sent to this address.")

# What HTML pages show for each status when the failure has no message of its own.
PAGE_TITLES = {
    400: _("The request could not be read"),
    404: _("Page not found"),
    413: _("The upload is too large"),
    429: _("Too many uploads at once"),
    503: _("Temporarily unavailable"),
}


def body_limit(request: HttpRequest) -> int:
    """The largest body this request's address takes, in bytes."""
    if request.method == "POST" and request.path_info in IMPORT_UPLOAD_PATHS:
        return settings.IMPORT_MAX_UPLOAD_BYTES + MULTIPART_ENVELOPE_BYTES
    return settings.REQUEST_MAX_BODY_BYTES


def area(request: HttpRequest) -> str:
    path = request.path_info
    if path.startswith(API_PREFIX):
        return "api"
    if path.startswith(OPEN311_PREFIX):
        return "open311"
    return "html"


def error_response(request: HttpRequest, failure: RequestFailure) -> HttpResponse:
    """`failure` in the shape of the request's area: the API's body, Open311's list or a page."""
    kind = area(request)
    response: HttpResponse
    if kind == "api":
        response = JsonResponse(error_body(failure.status, failure.message, code=failure.code),
                                status=failure.status)
        response["Vary"] = "Authorization, Accept-Language"
    elif kind == "open311":
        response = JsonResponse(param_error(failure.status, "request", failure.message).body(), safe=False,
                                status=failure.status, content_type="application/json; charset=utf-8",
                                json_dumps_params={"ensure_ascii": False})
        if request.method == "GET":
            response["Access-Control-Allow-Origin"] = "*"
    else:
        response = _page(request, failure)
    for name, value in failure.headers.items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def _page(request: HttpRequest, failure: RequestFailure) -> HttpResponse:
    """A page for a person: a body the browser sent broken is Django's own 400 page (the
    technical reason is for programs, which get it from the API and Open311); a size, a queue
    or an outage is said as it is."""
    if failure.status == 400:
        return standalone_page(request, "400.html", {}, status=400)
    title = PAGE_TITLES.get(failure.status, PAGE_TITLES[400])
    return standalone_page(request, "http_error.html", {"title": title, "message": failure.message},
                           status=failure.status)


def _remember_exception(sender, request=None, **kwargs):
    """Django is about to answer an exception raised outside a view with its 500 page: keep it
    on the request, so the guard can tell a database outage (503) from a bug."""
    if request is not None:
        request.unhandled_exception = sys.exc_info()[1]


got_request_exception.connect(_remember_exception, dispatch_uid="cityplatform.request_guard")


class _LazyFormat:
    """A lazy translation with its parameters, rendered in whichever language is active."""

    def __init__(self, message, params):
        self.message, self.params = message, params

    def __str__(self):
        return str(self.message) % self.params


def _refusal(request: HttpRequest) -> RequestFailure | None:
    """What is wrong with the request before anything reads its body, if anything."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django reads no body then either
    limit = body_limit(request)
    if length > limit:
        mb = round(limit / (1024 * 1024))
        return RequestFailure(413, "too_large", _LazyFormat(TOO_LARGE, {"mb": mb}))
    if "\x00" in request.path_info or any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    ):
        return RequestFailure(400, "nul_character", NUL_IN_ADDRESS)
    return None


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = _refusal(request)
        if refusal is not None:
            return error_response(request, refusal)
        response = self._respond(request)
        if response.status_code >= 500:
            refund_all(request)  # our outage must not use up the client's rate limit
        return response

    def _respond(self, request):
        response = self.get_response(request)
        unhandled = getattr(request, "unhandled_exception", None)
        if unhandled is not None and response.status_code >= 500:
            failure = request_failure(unhandled)
            if failure is not None:
                return self._failed(request, failure, unhandled)
        if response.status_code >= 400 and area(request) != "html" and _is_page(response):
            return _reshaped(request, response)
        return response

    def process_exception(self, request, exception):
        failure = request_failure(exception)
        if failure is None:
            return None  # a bug: Django's 500, logged with its traceback
        return self._failed(request, failure, exception)

    def _failed(self, request, failure: RequestFailure, exception) -> HttpResponse:
        if failure.outage:
            logger.warning("%s %s: database unavailable (%s: %s)", request.method, request.path,
                           type(exception).__name__, str(exception)[:200])
        return error_response(request, failure)


def _is_page(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html") or not response.get("Content-Type")


def _reshaped(request, response) -> HttpResponse:
    """Django's HTML error page under /api/ or /open311/, as that area's error body."""
    code, message = TITLES.get(response.status_code, ("error", _("The request failed.")))
    if response.status_code == 503 and "Retry-After" not in response:
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER_SECONDS)
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    return error_response(request, RequestFailure(response.status_code, code, message, headers))
