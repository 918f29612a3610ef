"""Exceptions that are not a bug of ours, and the answer each deserves.

Two kinds reach a view or a middleware now and then:
- a request we cannot read: a multipart body without a boundary, a body cut off in transit, one
  too large or with too many fields, text that is not UTF-8. The client's fault: 4xx.
- the database not answering (restarting, fail-over, the pool empty). The platform's fault, and
  brief: 503 with Retry-After, never counted against the client's rate limit.

The API (api/errors.py), Open311 (infrastructure/views/open311.py) and the HTML pages
(cityplatform/request_guard.py) each put the answer in their own error shape; which exception
is which lives here only.
"""

from dataclasses import dataclass, field

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# How long a client should wait after a database outage: a PostgreSQL restart or a fail-over
# takes seconds; the pool reconnects on the next request.
OUTAGE_RETRY_AFTER_SECONDS = 30

OUTAGE_MESSAGE = _("The platform is briefly unavailable (its database is not answering). "
                   "Nothing was saved; try again in a minute.")
TOO_LARGE_MESSAGE = _("The request is too large for this address.")


@dataclass(frozen=True)
class RequestFailure:
    """What to answer: the status, a short code for scripts and the message (lazy: rendered in
    Thai and English by whoever builds the body)."""

    status: int
    code: str
    message: str | Promise | object  # whatever str() renders in the active language
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def outage(self) -> bool:
        """The platform's own failure: not to be counted against the client."""
        return self.status >= 500


DATABASE_ERRORS = (OperationalError, InterfaceError)


def outage() -> RequestFailure:
    return RequestFailure(503, "unavailable", OUTAGE_MESSAGE,
                          {"Retry-After": str(OUTAGE_RETRY_AFTER_SECONDS)})


def request_failure(error: BaseException) -> RequestFailure | None:
    """The answer to `error`, or None when it is a bug (the usual 500 and its log)."""
    if isinstance(error, DATABASE_ERRORS):
        return outage()
    if isinstance(error, RequestDataTooBig):
        return RequestFailure(413, "too_large", TOO_LARGE_MESSAGE)
    if isinstance(error, MultiPartParserError):
        return RequestFailure(400, "unreadable_body", _(
            "The body could not be read as multipart/form-data: send it with a boundary "
            "(Content-Type: multipart/form-data; boundary=…), as HTTP clients do by themselves."))
    if isinstance(error, UnreadablePostError):
        return RequestFailure(400, "unreadable_body", _(
            "The body of the request was cut off before its end; send it again."))
    if isinstance(error, TooManyFieldsSent):
        return RequestFailure(400, "too_many_fields", _("The request has too many fields."))
    if isinstance(error, UnicodeDecodeError):
        return RequestFailure(400, "bad_encoding", _("The request is not valid UTF-8 text."))
    if isinstance(error, (BadRequest, SuspiciousOperation)):
        # e.g. a form body declared in another charset than UTF-8, too many files, a bad host.
        return RequestFailure(400, "bad_request", _("The request is not valid."))
    return None
