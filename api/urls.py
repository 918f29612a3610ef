"""The two APIs: one per municipality host (its own schema), one on the console host.

Both are served under /api/v1/ with their OpenAPI document at /api/v1/openapi.json and
interactive docs at /api/v1/docs (CONTRACT §6)."""

from .auth import TokenAuth
from .base import build
from .routers import assets, health, imports, national, service_requests

tenant_api = build(title="City data platform API (municipality)", namespace="api-v1", auth=TokenAuth())
tenant_api.add_router("/assets/", assets.router)
tenant_api.add_router("/service-requests/", service_requests.router)
tenant_api.add_router("/", health.router)
tenant_api.add_router("/imports/", imports.router)

platform_api = build(title="City data platform API (platform console)", namespace="api-v1-platform",
                     auth=TokenAuth(permission="accounts.use_console"))
platform_api.add_router("/national/", national.router)
