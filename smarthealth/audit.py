"""Writing the personal-data access log (models.AccessLog)."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.core.exceptions import PermissionDenied

from kernel.http import client_ip

from .models import AccessLog

# How many persons' public ids one list, print or export row names (see persons_shown).
PERSONS_SHOWN_LIMIT = 10_000


def audit_log(*, request=None, user, action: str, object_type: str, object_ref: str = "",
              detail: dict | None = None, outcome: str = AccessLog.Outcome.ALLOWED) -> AccessLog:
    """Append one access-log row. `object_ref` must be opaque (a public_id, a list name) and
    `detail` free of names and national IDs (filters, counts, the public ids of who was shown).
    `outcome`: DENIED for a read or change the user was refused.

    The address comes from `kernel.http.client_ip`: REMOTE_ADDR, or behind the configured
    number of trusted proxies the entry they appended, never a value the client can forge.
    """
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    role = getattr(user, "role", None) if authenticated else None
    ip = path = None
    if request is not None:
        ip = client_ip(request)
        path = request.path[:300]
    return AccessLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        role=role.value if role else ("superuser" if authenticated and user.is_superuser else ""),
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_ref=str(object_ref)[:120],
        detail=detail or {},
        ip=ip,
        path=path or "",
    )


def persons_shown(persons: Iterable, *, limit: int = PERSONS_SHOWN_LIMIT) -> dict:
    """The `detail` part of a list, print or export row that says WHOSE data was shown: the
    public ids of the persons (objects with `public_id`, or the ids themselves), at most `limit`,
    with `persons_truncated` when there were more. A data subject's access report finds these
    rows by `detail__persons__contains=[public_id]`."""
    ids: list[str] = []
    truncated = False
    for person in persons:
        if len(ids) >= limit:
            truncated = True
            break
        ids.append(str(getattr(person, "public_id", person)))
    return {"persons": ids, **({"persons_truncated": True} if truncated else {})}


def denials_audited(*, object_type: str, ref_kwarg: str, action: str = AccessLog.Action.VIEW) -> Callable:
    """For a view of one person or household (put it above permission_or_403): a signed-in user
    refused for want of the permission (403) leaves a DENIED row naming the record asked for.
    Refusals by scope (404) are written where the scope is checked, in the selectors."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                user = getattr(request, "user", None)
                if user is not None and user.is_authenticated:
                    audit_log(request=request, user=user, action=action, object_type=object_type,
                              object_ref=str(kwargs.get(ref_kwarg, "")), outcome=AccessLog.Outcome.DENIED,
                              detail={"reason": "no_permission"})
                raise

        return wrapped

    return decorator
