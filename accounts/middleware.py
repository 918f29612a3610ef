"""How long a signed-in session lasts: SESSION_IDLE_TIMEOUT without a request signs the user out
(a computer left signed in at the health office's counter), and SESSION_COOKIE_AGE after signing
in it ends whatever the activity (the absolute cap).

The last activity is written to the session at most once every TOUCH_EVERY seconds, not on every
request: sessions live in PostgreSQL, and a write per page (SESSION_SAVE_EVERY_REQUEST) would be
one more UPDATE per request for every user. The session's own expiry is set once, to the absolute
cap as a fixed time, so touching it never pushes the end further.
"""

import datetime as dt
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

SIGNED_IN_AT = "_signed_in_at"
LAST_SEEN = "_last_seen"
TOUCH_EVERY = 60


def session_limits_start(session) -> None:
    """Start the clocks of a session that has just signed in (accounts.apps connects it to
    user_logged_in, so signing in again starts them afresh)."""
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    session.set_expiry(timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            expired = self._check(request, session)
            if expired is not None:
                return expired
        return self.get_response(request)

    def _check(self, request: HttpRequest, session) -> HttpResponse | None:
        now = int(time.time())
        signed_in_at, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
        if not isinstance(signed_in_at, int) or not isinstance(last_seen, int):
            # Signed in before these limits existed (or by a path that sent no signal).
            session_limits_start(session)
            return None
        idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
        if idle or now - signed_in_at > settings.SESSION_COOKIE_AGE:
            logout(request)  # flushes the session: nothing of it is left to reuse
            if idle:
                minutes = max(1, settings.SESSION_IDLE_TIMEOUT // 60)
                messages.info(request, _("You were signed out after %(minutes)s minutes without "
                                         "activity. Please sign in again.") % {"minutes": minutes})
            else:
                messages.info(request, _("Your session has ended. Please sign in again."))
            if request.headers.get("HX-Request") == "true":
                # An htmx fragment would swap the sign-in page into part of a page: send the
                # whole browser there instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                return response
            return None  # the view sees an anonymous user: login_required sends them to sign in
        if now - last_seen >= TOUCH_EVERY:
            session[LAST_SEEN] = now
        return None
