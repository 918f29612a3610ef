"""The NinjaAPI both hosts use: our error body, rate-limit headers and no caching of personal data."""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from . import errors

# English: the OpenAPI document is read by developers and tools, and is built once at start-up.
DESCRIPTION = (
    "The city data platform's HTTP API. Every request carries `Authorization: Bearer <token>`; "
    "a token is made on your profile page or with `manage.py create_api_token`, acts with its "
    "user's role, and works only on the host (municipality) that issued it. Errors have one body: "
    "`{\"error\": {\"status\", \"code\", \"message\" (Thai), \"message_en\", \"fields\"}}`."
)


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
        docs=Swagger(settings={"persistAuthorization": False}), docs_url="/docs", openapi_url="/openapi.json",
    )
    errors.install(api)
    return api
