"""Writing the personal-data access log (models.AccessLog)."""

from kernel.http import client_ip

from .models import AccessLog


def audit_log(*, request=None, user, action: str, object_type: str, object_ref: str = "",
              detail: dict | None = None) -> AccessLog:
    """Append one access-log row. `object_ref` must be opaque (a public_id, a list name) and
    `detail` free of personal data (filters, row counts).

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
        object_type=object_type,
        object_ref=str(object_ref)[:120],
        detail=detail or {},
        ip=ip,
        path=path or "",
    )
