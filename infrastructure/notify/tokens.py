"""The signed opt-out token in every message: who (the reporter or one follower) of which request."""

from __future__ import annotations

from django.core import signing

_SALT = "infrastructure.notify.opt-out"


def opt_out_token(*, request_id: int, follower_id: int | None) -> str:
    return signing.dumps({"r": request_id, "f": follower_id}, salt=_SALT, compress=True)


def opt_out_read(token: str) -> tuple[int, int | None] | None:
    """(request id, follower id or None for the reporter), or None for a forged or broken token."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        return None
    follower = data.get("f")
    return data["r"], follower if isinstance(follower, int) else None
