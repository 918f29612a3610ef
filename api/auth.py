"""Bearer-token authentication and the per-token rate limit.

The token is looked up in the schema of the host it was sent to (accounts.tokens), so a kantang
token sent to nueaklong is simply unknown there: 401, and nothing of nueaklong is read. The token's
user becomes `request.user`, so selectors, permissions and the audit log see the same person as
in the web UI.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from accounts.tokens import api_token_authenticate
from kernel.http import client_ip
from kernel.ratelimit import rate_hit, refund_on_server_error

from .errors import ApiError


def rate_limit() -> tuple[int, int]:
    """Requests per window (seconds) per token: settings.API_RATE_LIMIT."""
    hits, window = settings.API_RATE_LIMIT
    return int(hits), max(1, int(window))


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; `permission` (optional) is checked on the user."""

    def __init__(self, permission: str | None = None):
        super().__init__()
        self.permission = permission

    def authenticate(self, request, token):
        found = api_token_authenticate(token, ip=client_ip(request))
        if found is None:
            raise ApiError(401, _("The API token is unknown, revoked or expired here. A token works only "
                                  "on the municipality (host) that issued it."), code="invalid_token")
        verdict = rate_hit(request, "api", who=found.key_hash[:24], limit=rate_limit())
        refund_on_server_error(request, "api", who=found.key_hash[:24], limit=rate_limit())
        request.rate_limit_headers = {
            "X-RateLimit-Limit": str(verdict.limit),
            "X-RateLimit-Remaining": str(max(0, verdict.limit - verdict.count)),
            "X-RateLimit-Reset": str(verdict.retry_after),
        }
        if not verdict.allowed:
            raise ApiError(429, headers={"Retry-After": str(verdict.retry_after)})
        request.user = found.user
        request.api_token = found
        if self.permission and not found.user.has_perm(self.permission):
            raise ApiError(403)
        return found
