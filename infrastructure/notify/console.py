"""Backends that send nothing: the console one for `make run`, the memory one for tests."""

from __future__ import annotations

import logging
import sys
import threading
from typing import ClassVar

from .base import Notice

logger = logging.getLogger(__name__)


def masked(address: str) -> str:
    """Enough of an address to tell two apart in a log, not enough to contact anyone."""
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"***{address[-3:]}" if len(address) > 3 else "***"


class ConsoleBackend:
    """Prints each notice (address masked) to stdout, for development and the demo."""

    channel = "console"

    def send(self, *, notice: Notice, address: str) -> None:
        sys.stdout.write(
            f"--- notice to {masked(address)} about {notice.tracking_code}\n"
            f"{notice.subject}\n{notice.body}\n{notice.status_url}\nstop: {notice.opt_out_url}\n---\n"
        )
        sys.stdout.flush()


class LocmemBackend:
    """Keeps every notice in `outbox` as (address, notice), as Django's locmem mail backend."""

    channel = "locmem"
    outbox: ClassVar[list[tuple[str, Notice]]] = []
    _lock = threading.Lock()

    def send(self, *, notice: Notice, address: str) -> None:
        with self._lock:
            LocmemBackend.outbox.append((address, notice))
