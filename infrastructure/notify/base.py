"""The contract every notification channel implements.

A backend gets one ``Notice`` and one address and either delivers it or raises
``NotifyError`` (the task retries those with backoff). Anything else is a bug
and is recorded as a failure without retrying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Notice:
    request_id: int
    tracking_code: str
    subject: str
    body: str
    status_url: str
    opt_out_url: str


class NotifyError(Exception):
    """A delivery failure worth retrying (network down, provider 5xx, rate limit)."""


@runtime_checkable
class Backend(Protocol):
    channel: str

    def send(self, *, notice: Notice, address: str) -> None: ...
