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


class MunicipalitySuspended(Exception):
    """The host belongs to a municipality the platform team has deactivated: its visitors get a
    clear "suspended" page rather than the "no such site" 404 of an unknown host."""

    def __init__(self, municipality: Municipality):
        self.municipality = municipality
        super().__init__(municipality.schema_name)


def tenant_for_host(hostname: str) -> Municipality:
    """The active municipality serving `hostname`; raises Domain.DoesNotExist when there is none,
    MunicipalitySuspended when its municipality is deactivated.

    Returns a copy, because the middleware writes per-request attributes onto the object.
    """
    now = time.monotonic()
    hit = _cache.get(hostname)
    if hit is not None and hit[0] > now:
        tenant = hit[1]
    else:
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        tenant = domain.tenant if domain else None
        ttl = settings.TENANT_CACHE_SECONDS if tenant else _NEGATIVE_SECONDS
        with _lock:
            _cache[hostname] = (now + ttl, tenant)
    if tenant is None:
        raise Domain.DoesNotExist(hostname)
    if not tenant.is_active:
        raise MunicipalitySuspended(copy.copy(tenant))
    return copy.copy(tenant)


def tenant_cache_clear() -> None:
    with _lock:
        _cache.clear()
