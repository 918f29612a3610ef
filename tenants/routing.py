"""Host → municipality lookup with a small, bounded per-process cache.

django-tenants looks the host up in `public` on every request (one query, ≈0.5 ms). Hosts and
their municipalities change rarely, so each process keeps the answer for TENANT_CACHE_SECONDS;
services that change a municipality or a domain clear this process's copy at once, and other
processes pick the change up when their entry expires.

Host names are case-insensitive (RFC 9110 §4.2.3): KANTANG.localhost is kantang.localhost. The
Host header is whatever a client writes, so the cache is bounded: at most TENANT_CACHE_MAX_HOSTS
entries, the least recently used dropped first; an unknown host is remembered only briefly.
"""

import copy
import threading
import time
from collections import OrderedDict

from django.conf import settings

from .models import Domain, Municipality

_lock = threading.Lock()
_cache: "OrderedDict[str, tuple[float, Municipality | None]]" = OrderedDict()
# Unknown hosts are remembered briefly too, so a scan of random host names cannot hammer the
# database, while a newly created municipality becomes reachable within seconds.
_NEGATIVE_SECONDS = 5.0
# More than the hosts one platform serves: Thailand's ~7,850 local governments with a second host
# each (2,048 made every request a database look-up at national size: bench/national_scale). A
# flood of random Host headers only churns the unknown entries.
MAX_HOSTS = 20_000


class MunicipalitySuspended(Exception):
    """The host belongs to a municipality the platform team has deactivated: its visitors get a
    clear "suspended" page rather than the "no such site" 404 of an unknown host."""

    def __init__(self, municipality: Municipality):
        self.municipality = municipality
        super().__init__(municipality.schema_name)


class MunicipalityArchived(Exception):
    """The host belongs to an archived municipality: 410 Gone with a Thai page; its data is kept
    and the platform team can bring it back."""

    def __init__(self, municipality: Municipality):
        self.municipality = municipality
        super().__init__(municipality.schema_name)


def host_normalise(hostname: str) -> str:
    """The key of a host name: lower case, without the trailing dot of a fully qualified name."""
    return hostname.strip().rstrip(".").lower()


def _remember(hostname: str, expires: float, tenant: Municipality | None) -> None:
    limit = getattr(settings, "TENANT_CACHE_MAX_HOSTS", MAX_HOSTS)
    with _lock:
        _cache[hostname] = (expires, tenant)
        _cache.move_to_end(hostname)
        while len(_cache) > limit:
            _cache.popitem(last=False)


def _recall(hostname: str, now: float) -> tuple[bool, Municipality | None]:
    with _lock:
        hit = _cache.get(hostname)
        if hit is None:
            return False, None
        if hit[0] <= now:
            del _cache[hostname]
            return False, None
        _cache.move_to_end(hostname)
        return True, hit[1]


def tenant_for_host(hostname: str) -> Municipality:
    """The active municipality serving `hostname`; raises Domain.DoesNotExist when there is none,
    MunicipalityArchived when its municipality is archived, MunicipalitySuspended when it is
    deactivated.

    Returns a copy, because the middleware writes per-request attributes onto the object.
    """
    hostname = host_normalise(hostname)
    now = time.monotonic()
    found, tenant = _recall(hostname, now)
    if not found:
        # iexact: a domain typed with capitals in the console still routes (the table is tiny).
        # The boundary (a polygon that can weigh tens of kB) is left out of what thousands of
        # cached entries hold; the few pages that draw it load it on their own.
        domain = (Domain.objects.select_related("tenant").defer("tenant__boundary")
                  .filter(domain__iexact=hostname).first())
        tenant = domain.tenant if domain else None
        ttl = settings.TENANT_CACHE_SECONDS if tenant else _NEGATIVE_SECONDS
        _remember(hostname, now + ttl, tenant)
    if tenant is None:
        raise Domain.DoesNotExist(hostname)
    if tenant.archived_at is not None:
        raise MunicipalityArchived(copy.copy(tenant))
    if not tenant.is_active:
        raise MunicipalitySuspended(copy.copy(tenant))
    return copy.copy(tenant)


def tenant_cache_size() -> int:
    with _lock:
        return len(_cache)


def tenant_cache_clear() -> None:
    with _lock:
        _cache.clear()
