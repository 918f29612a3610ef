"""Request helpers shared by the modules."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind RATE_LIMIT_TRUSTED_PROXIES reverse proxies it is the entry
    those proxies appended to X-Forwarded-For (counted from the right, so a client cannot forge
    it); otherwise REMOTE_ADDR."""
    trusted = settings.RATE_LIMIT_TRUSTED_PROXIES
    if trusted > 0:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return str(request.META.get("REMOTE_ADDR") or "") or None


@dataclass
class Refusal:
    refused: bool = False


@contextmanager
def refusals_shown(request: HttpRequest) -> Iterator[Refusal]:
    """A service's ValidationError in the block becomes one error message per reason on the next
    page (the rest of the block, its success message, is skipped); `refused` says it happened."""
    outcome = Refusal()
    try:
        yield outcome
    except ValidationError as error:
        outcome.refused = True
        for message in error.messages:
            messages.error(request, message)
