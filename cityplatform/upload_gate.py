"""At most IMPORT_UPLOADS_PER_USER import uploads in flight per user (web page and API together).

An upload streams up to IMPORT_MAX_UPLOAD_BYTES to disk and holds a worker thread while it does;
a few parallel ones from one account (a script in a loop, a tab sent again and again) would take
every thread of a process. The count lives in Redis, shared by every process: one key per user
(the cache prefixes it with the schema, where user ids live), with a short TTL so that a process
killed mid-upload cannot lock its user out for long.

Placed before CsrfViewMiddleware: the CSRF check reads the web form's body, and the slot must be
taken before that. The API's user is found from its token here (ninja authenticates inside the
view, after this runs); an unknown token takes no slot and gets its 401 from the API.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken
from accounts.tokens import token_hash
from kernel.request_errors import RequestFailure

from .request_guard import error_response

UPLOAD_VIEWS = frozenset({"imports:upload", "api-v1:import_start"})
# Longer than an upload of the largest file over a slow line takes; refreshed by each new upload.
SLOT_TTL_SECONDS = 300
RETRY_AFTER_SECONDS = 15

TOO_MANY = _("You already have %(count)s uploads in progress. Wait until one of them has finished, "
             "then send this file again.")


class _Message:
    """TOO_MANY with its number, rendered in whichever language is active."""

    def __init__(self, count: int):
        self.count = count

    def __str__(self):
        return str(TOO_MANY) % {"count": self.count}


def _uploader(request) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    scheme, _sep, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw or len(raw) > 100:
        return None
    user_id = ApiToken.objects.filter(key_hash=token_hash(raw)).values_list("user_id", flat=True).first()
    return f"user:{user_id}" if user_id is not None else None


def _slot_key(who: str) -> str:
    return f"uploads-in-flight:{who}"


def _acquire(key: str) -> int:
    cache.add(key, 0, timeout=SLOT_TTL_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=SLOT_TTL_SECONDS)
        count = 1
    cache.touch(key, SLOT_TTL_SECONDS)
    return count


def _in_memory() -> bool:
    """Whether this process serves the cache from its memory now (Redis unreachable)."""
    return bool(getattr(cache, "redis_unavailable", False))


def _release(key: str, *, taken_in_memory: bool = False) -> None:
    if taken_in_memory and not _in_memory():
        # Taken while Redis was away and given back after it returned: the count in Redis belongs
        # to other uploads (and the memory copy was dropped when Redis came back).
        return
    try:
        cache.decr(key)
    except ValueError:  # expired meanwhile: nothing left to give back
        pass


def uploads_in_flight(who: str) -> int:
    return cache.get(_slot_key(who)) or 0


class ImportUploadGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            slot = getattr(request, "upload_slot", None)
            if slot is not None:
                _release(slot[0], taken_in_memory=slot[1])

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        match = request.resolver_match
        if match is None or match.view_name not in UPLOAD_VIEWS:
            return None
        who = _uploader(request)
        if who is None:
            return None  # the view answers: the login page, or the API's 401
        key = _slot_key(who)
        limit = settings.IMPORT_UPLOADS_PER_USER
        if _acquire(key) > limit:
            _release(key)
            return error_response(request, RequestFailure(
                429, "too_many_uploads", _Message(limit), {"Retry-After": str(RETRY_AFTER_SECONDS)}))
        request.upload_slot = (key, _in_memory())
        return None
