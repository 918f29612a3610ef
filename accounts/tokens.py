"""API tokens: making, checking and revoking them (the model is accounts.models.ApiToken).

A token is `cdp_` + 43 URL-safe characters (256 random bits). With that much entropy a plain
SHA-256 is the right hash: a slow password hash would only cost time on every API call, and
nothing can be guessed from the digest.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User

TOKEN_PREFIX = "cdp_"
# Writing last_used_at on every call would turn each read into a write; a minute is precise
# enough to tell a live integration from a forgotten one.
LAST_USED_PRECISION = timedelta(seconds=60)


class TokenError(Exception):
    """A token request the service refuses; the message is translated."""


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Give the token a name, e.g. the program that will use it."))
    if not user.is_active:
        raise TokenError(_("This account is inactive."))
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("The expiry date must be in the future."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:12], key_hash=token_hash(raw), expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str, *, ip: str | None = None) -> ApiToken | None:
    """The active token with this secret in the current schema, with its active user; else None.
    Records when (to the minute) and from where it was last used."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=token_hash(raw))
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if not token.is_active(now) or not token.user.is_active:
        return None
    stale = token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION
    if stale or token.last_used_ip != ip:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip
    return token
