"""Small typed readers for settings from the environment.

They fail loudly on a value they cannot read, so a typo in a deployment shows up at start-up
instead of as a silently wrong default.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


# Names `make run` may write to var/dev.env; nothing else is taken from that file, so it can never
# carry a production secret by accident.
DEV_ENV_NAMES = frozenset({"DEBUG", "DEMO_MODE", "DATABASE_URL", "REDIS_URL", "PLATFORM_DOMAIN",
                           "DEMO_PASSWORD"})


def load_dev_env(path: Path) -> None:
    """Take the development settings `make run` wrote for this checkout (var/dev.env), for every
    name the environment does not set itself.

    Why: `make run` serves with DEBUG=1 from the Makefile; a `.venv/bin/python manage.py …` typed
    in a second terminal of the same checkout must see the same settings without exporting
    anything. The file exists only where `make run` ran: a production image never has var/
    (.dockerignore), so production still refuses to start without its secrets."""
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or name not in DEV_ENV_NAMES:
            raise ImproperlyConfigured(f"{path}:{number}: {line!r} is not NAME=value for one of "
                                       f"{', '.join(sorted(DEV_ENV_NAMES))}.")
        os.environ.setdefault(name, value.strip())


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name into the parts of a Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "postgis"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme!r}.")
    name = parts.path.lstrip("/")
    if not name:
        raise ImproperlyConfigured("DATABASE_URL names no database.")
    return {
        "NAME": unquote(name),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }
