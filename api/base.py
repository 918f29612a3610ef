"""The NinjaAPI both hosts use: our error body, rate-limit headers and no caching of personal data."""

import json

from ninja import NinjaAPI
from ninja.parser import Parser

from . import errors
from .docs import CitySwagger

# English: the OpenAPI document is read by developers and tools, and is built once at start-up.
DESCRIPTION = (
    "The city data platform's HTTP API. Every request carries `Authorization: Bearer <token>`; "
    "a token is made on your profile page or with `manage.py create_api_token`, acts with its "
    "user's role, and works only on the host (municipality) that issued it. Errors have one body: "
    "`{\"error\": {\"status\", \"code\", \"message\" (Thai), \"message_en\", \"fields\"}}`: 400 for "
    "a request that cannot be read, 413 for one larger than its address takes (checked by "
    "Content-Length before the body is read), 429 with Retry-After over the rate limit or while "
    "the same user has too many uploads in flight, 503 with Retry-After while the database is "
    "briefly unavailable."
)


class StrictParser(Parser):
    """ninja's parser, refusing the NUL character in any text (PostgreSQL cannot store it, and no
    field of ours means it): 422 naming the field, not a database error."""

    def parse_body(self, request):
        data = json.loads(request.body)
        errors.reject_nul(data, "body")
        return data

    def parse_querydict(self, data, list_fields, request):
        location = "query" if data is request.GET else "form"
        texts = {key: " ".join(v for v in values if isinstance(v, str)) for key, values in data.lists()}
        errors.reject_nul(texts, location)
        return super().parse_querydict(data, list_fields, request)


class CityApi(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        return finish(request, response)


def finish(request, response):
    """Headers every API response carries (also the ones built by hand, like a 304)."""
    for name, value in getattr(request, "rate_limit_headers", {}).items():
        response[name] = value
    if etag := getattr(request, "response_etag", None):
        response["ETag"] = etag
    # Answers depend on the token and personal data must sit in no cache at all; only the
    # lists with an ETag may be kept, privately, and revalidated.
    response.setdefault("Cache-Control", "private, no-cache" if getattr(request, "response_etag", None)
                        else "no-store")
    response.setdefault("Vary", "Authorization, Accept-Language")
    return response


def build(*, title: str, namespace: str, auth) -> CityApi:
    api = CityApi(
        title=title, version="1", description=DESCRIPTION, urls_namespace=namespace, auth=auth,
        docs=CitySwagger(settings={"persistAuthorization": False}), docs_url="/docs",
        openapi_url="/openapi.json",
        parser=StrictParser(),
    )
    errors.install(api)
    return api
