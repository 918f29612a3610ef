"""Open311 GeoReport v2 endpoints (namespace `open311`, mounted at /open311/v2/ on every
municipality host). The mapping onto service requests lives in the infrastructure.open311 package.

Every endpoint answers in XML (`.xml`, the spec's required format) and JSON (`.json`): a view
returns the data and the name of its XML root, `open311_endpoint` writes it in the format the
URL asks for, errors included. Reads are public (what the citizens' status page shows), limited
per address and open to web apps on other sites (CORS, with the preflight a browser sends before
a POST). Filing needs an API token of this municipality whose user may add service requests,
sent as `api_key` in the body (the spec) or `Authorization: Bearer`; it is limited per token.
Every error is the spec's `[{"code": …, "description": …}]` (`<errors><error>…` in XML). The JSON
endpoints are described for tools by an OpenAPI 3.1 document at /open311/v2/openapi.json.
"""

import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from accounts.tokens import api_token_authenticate
from kernel.http import client_ip
from kernel.ratelimit import Verdict, rate_hit, rate_peek
from kernel.request_errors import request_failure

from ..models import tracking_code_normalise
from ..open311 import (
    XML_CONTENT_TYPE,
    Open311Error,
    Open311RequestForm,
    RequestQuery,
    agency_name,
    attribute_answers,
    created_serialise,
    discovery,
    form_errors,
    jurisdiction_check,
    open311_document,
    open311_request_create,
    open311_xml,
    param_error,
    public_requests,
    request_query_parse,
    request_serialise,
    service_definition,
    service_errors,
    services_list,
)

CONTENT_TYPE = "application/json; charset=utf-8"


def _json(data, *, status: int = 200, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(data, safe=False, status=status, content_type=CONTENT_TYPE,
                            json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@dataclass
class Answer:
    """What a view answers, before it is written as JSON or XML: `root` is the XML root element."""

    data: object
    root: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def _render(answer: Answer, fmt: str) -> HttpResponse:
    if fmt == "xml":
        response = HttpResponse(open311_xml(answer.data, root=answer.root), status=answer.status,
                                content_type=XML_CONTENT_TYPE)
        for name, value in answer.headers.items():
            response[name] = value
        return response
    return _json(answer.data, status=answer.status, headers=answer.headers)


def _error_answer(error: Open311Error) -> Answer:
    return Answer(error.body(), "errors", status=error.status, headers=error.headers)


def _language(request) -> str:
    """`?locale=` first, then the client's own choice (cookie, Accept-Language: API clients
    set it on purpose), else Thai."""
    supported = {code for code, _name in settings.LANGUAGES}
    locale = (request.GET.get("locale") or "").strip().lower().replace("_", "-").split("-")[0]
    if locale in supported:
        return locale
    return translation.get_language_from_request(request)


def _too_many(verdict: Verdict) -> Open311Error:
    return param_error(429, "request", _("Too many requests; try again in %(seconds)s seconds."),
                       {"seconds": verdict.retry_after}, headers={"Retry-After": str(verdict.retry_after)})


# Per address: every read (and a browser's preflight); every POST, before its body (which may
# carry an 8 MB photo) is read.
SCOPES = {"GET": "open311-read", "OPTIONS": "open311-read", "POST": "open311-post"}
# What a web app on another site may send: the token as a Bearer header, a form's Content-Type.
CORS_ALLOW_HEADERS = "Authorization, Content-Type, Accept-Language"
CORS_MAX_AGE = str(24 * 3600)


def open311_endpoint(*methods: str):
    """XML or JSON (the URL's `fmt`) in the request's language, errors in the spec's shape,
    limited per address and readable from any origin, with the CORS preflight answered; POST
    without CSRF (API clients have no cookie, and the token is sent explicitly, never by the
    browser on its own, so any origin may file with a token it holds).

    A request counts against its address once answered, unless the answer is the platform's
    own failure (the database not answering: 503): an outage must not use up anyone's quota.
    The limit is checked before (rate_peek), so requests in flight at once may pass it by as
    many as the server has threads; the per-token limit of filing works the same way."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, fmt: str = "json", **kwargs):
            language = _language(request)
            scope = None
            allowed = ", ".join((*methods, "OPTIONS"))
            with translation.override(language):
                try:
                    components = getattr(request, "components", None)
                    if components is not None and not components.module_on("service_requests"):
                        # Switched off with service requests; said in the spec's error shape.
                        raise param_error(404, "jurisdiction_id", _(
                            "This municipality does not take service requests through this platform."))
                    if request.method not in (*methods, "OPTIONS"):
                        raise param_error(
                            405, "method", _("%(method)s is not allowed here; use %(allowed)s."),
                            {"method": request.method[:10], "allowed": ", ".join(methods)},
                            headers={"Allow": ", ".join(methods)},
                        )
                    verdict = rate_peek(request, SCOPES[request.method])
                    if not verdict.allowed:
                        raise _too_many(verdict)
                    scope = SCOPES[request.method]
                    if request.method == "OPTIONS":
                        answer: Answer | HttpResponse = HttpResponse(status=204)
                    else:
                        if request.method == "GET":
                            _jurisdiction(request, request.GET)
                        answer = view(request, *args, **kwargs)
                except Open311Error as error:
                    answer = _error_answer(error)
                except Exception as error:
                    # A body we cannot read (4xx) or the database not answering (503); else a bug.
                    failure = request_failure(error)
                    if failure is None:
                        raise
                    answer = _error_answer(param_error(failure.status, "request", failure.message,
                                                       headers=failure.headers))
                response = answer if isinstance(answer, HttpResponse) else _render(answer, fmt)
            if scope is not None and response.status_code < 500:
                rate_hit(request, scope)
            response["Content-Language"] = language
            # Public reads, and filing with a token the web app holds (no cookie is involved).
            response["Access-Control-Allow-Origin"] = "*"
            if request.method == "OPTIONS":
                response["Allow"] = allowed
                response["Access-Control-Allow-Methods"] = allowed
                response["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
                response["Access-Control-Max-Age"] = CORS_MAX_AGE
            return response

        return csrf_exempt(never_cache(wrapper))

    return decorate


@open311_endpoint("GET")
def openapi(request):
    """This API as an OpenAPI 3.1 document, for integrators' tools."""
    return _json(open311_document(server_url=request.path.rsplit("/", 1)[0]))


@open311_endpoint("GET")
def discovery_view(request):
    """Service Discovery: where this endpoint is, in which formats, and how to get a key."""
    endpoint_url = request.build_absolute_uri(request.path.rsplit("/", 1)[0])
    home = request.build_absolute_uri("/")
    contact = f"{agency_name(request.tenant)}, {home}"
    key_service = _("An API token to file requests is issued to staff accounts of %(agency)s: "
                    "signed in, at %(url)s.") % {
        "agency": agency_name(request.tenant),
        "url": request.build_absolute_uri(reverse("accounts:token-create")),
    }
    return Answer(discovery(endpoint_url=endpoint_url, contact=contact, key_service=str(key_service)),
                  "discovery")


@open311_endpoint("GET")
def services(request):
    return Answer(services_list(), "services")


@open311_endpoint("GET")
def service(request, code: str):
    return Answer(service_definition(code), "service_definition")


@open311_endpoint("GET", "POST")
def requests_collection(request):
    if request.method == "POST":
        return _create(request)
    rows = public_requests(request_query_parse(request.GET))
    after_photo_url = _after_photo_url(request)
    return Answer([request_serialise(row, municipality=request.tenant, after_photo_url=after_photo_url)
                   for row in rows], "service_requests")


@open311_endpoint("GET")
def request_detail(request, code: str):
    normalised = tracking_code_normalise(code)
    rows = list(public_requests(RequestQuery(codes=[normalised]))) if normalised else []
    if not rows:
        raise param_error(404, "service_request_id", _("There is no request “%(value)s” here."),
                          {"value": code[:50]})
    return Answer([request_serialise(rows[0], municipality=request.tenant,
                                     after_photo_url=_after_photo_url(request))], "service_requests")


def _after_photo_url(request):
    """The public address of a request's after photo (on the citizens' status pages), or None
    when this municipality has those pages off: then no photo is public."""
    if not _public_report_on(request):
        return None
    return lambda code: request.build_absolute_uri(
        reverse("report:photo", kwargs={"code": code, "which": "after"}))


def _jurisdiction(request, params) -> None:
    jurisdiction_check(params.get("jurisdiction_id"), municipality=request.tenant, host=request.get_host())


def _unauthorised(message) -> Open311Error:
    return param_error(401, "api_key", message, headers={"WWW-Authenticate": 'Bearer realm="open311"'})


def _authenticate(request):
    """The token of the request (body `api_key` or a Bearer header), or 401."""
    if "api_key" in request.GET:
        raise _unauthorised(_("Send the api_key in the request body or as “Authorization: Bearer”, "
                              "never in the URL: URLs are written to logs."))
    # A Bearer header, else the body's api_key (a proxy may add other Authorization schemes).
    scheme, _sep, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    raw = raw.strip() if scheme.lower() == "bearer" else request.POST.get("api_key", "")
    if not raw.strip():
        raise _unauthorised(_("Required: an API token of this municipality."))
    token = api_token_authenticate(raw, ip=client_ip(request))
    if token is None:
        raise _unauthorised(_("This API token is not valid here (unknown, revoked, expired, or of "
                              "another municipality)."))
    return token


def _public_report_on(request) -> bool:
    components = getattr(request, "components", None)
    return components is None or components.module_on("public_report")


def _status_url(request, code: str) -> str | None:
    """The citizens' status page of the request, when this municipality has that page on."""
    if not _public_report_on(request):
        return None
    return request.build_absolute_uri(reverse("report:status", kwargs={"code": code}))


def _create(request):
    # (The per-address limit of POSTs is checked by open311_endpoint before this reads anything.)
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise param_error(415, "request", _("Send the parameters form-encoded "
                                            "(application/x-www-form-urlencoded or multipart/form-data), "
                                            "as GeoReport v2 says."))
    token = _authenticate(request)
    if not token.user.has_perm("infrastructure.add_servicerequest"):
        raise param_error(403, "api_key", _("The account of this API token may not file service requests."))
    who = f"token:{token.pk}"
    verdict = rate_peek(request, "open311-submit", who=who)
    if not verdict.allowed:
        raise _too_many(verdict)
    _jurisdiction(request, request.POST)
    form = Open311RequestForm(request.POST, request.FILES, municipality=request.tenant)
    if not form.is_valid():
        raise form_errors(form)
    answers = attribute_answers(request.POST, form.cleaned_data["service_code"])
    try:
        service_request = open311_request_create(form=form, user=token.user, token_name=token.name,
                                                 answers=answers)
    except ValidationError as error:
        raise service_errors(error) from None
    rate_hit(request, "open311-submit", who=who)
    status_url = _status_url(request, service_request.tracking_code)
    return Answer([created_serialise(service_request, status_url=status_url)], "service_requests", status=201)
