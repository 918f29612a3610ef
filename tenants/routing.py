"""Host → municipality lookup with a small per-process cache.

django-tenants looks the host up in `public` on every request (one query, ≈0.5 ms). Hosts and
their municipalities change rarely, so each process keeps the answer for TENANT_CACHE_SECONDS;
services that change a municipality or a domain clear this process's copy at once, and other
processes pick the change up when their entry expires.
"""

import copy
import threading
import time

from django.conf import settings

from .models import Domain, Municipality

_lock = threading.Lock()
_cache: dict[str, tuple[float, Municipality | None]] = {}
# Unknown hosts are remembered briefly too, so a scan of random host names cannot hammer the
# database, while a newly created municipality becomes reachable within seconds.
_NEGATIVE_SECONDS = 5.0


def tenant_for_host(hostname: str) -> Municipality:
    """The active municipality serving `hostname`; raises Domain.DoesNotExist when there is none.

    Returns a copy, because the middleware writes per-request attributes onto the object.
    """
    now = time.monotonic()
    hit = _cache.get(hostname)
    if hit is not None and hit[0] > now:
        tenant = hit[1]
    else:
        domain = (
            Domain.objects.select_related("tenant")
            .filter(domain=hostname, tenant__is_active=True)
            .first()
        )
        tenant = domain.tenant if domain else None
        ttl = settings.TENANT_CACHE_SECONDS if tenant else _NEGATIVE_SECONDS
        with _lock:
            _cache[hostname] = (now + ttl, tenant)
    if tenant is None:
        raise Domain.DoesNotExist(hostname)
    return copy.copy(tenant)


def tenant_cache_clear() -> None:
    with _lock:
        _cache.clear()
