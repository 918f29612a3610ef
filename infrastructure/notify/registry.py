"""Which backend sends for which channel (settings.NOTIFY_BACKENDS), loaded when first used.

A channel whose backend is not configured or cannot be imported (the LINE backend before it is
installed, a typo in a setting) raises BackendMissing: the delivery is marked failed with that
reason for staff to see, and nothing else breaks."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Backend


class BackendMissing(Exception):
    """No usable backend for a channel: a configuration problem, not worth retrying."""


def backend_for(channel: str) -> Backend:
    path = (getattr(settings, "NOTIFY_BACKENDS", {}) or {}).get(channel)
    if not path:
        raise BackendMissing(f"no backend configured for channel {channel!r} (NOTIFY_BACKENDS)")
    try:
        backend_class = import_string(path)
    except ImportError as error:
        raise BackendMissing(f"backend {path} for channel {channel!r} cannot be loaded: {error}") from None
    backend = backend_class()
    if not callable(getattr(backend, "send", None)):
        raise BackendMissing(f"backend {path} has no send()")
    return backend
