"""The release a municipality schema is at: the tenant migrations it has applied and the role
grants migrate's post_migrate wrote into it.

django-tenants records every migration of the project in every schema (shared apps' included,
their operations skipped by the router), so a schema is up to date exactly when its
django_migrations holds every node of the migration graph. The role grants (accounts.roles) are
code, not migrations: a release that changes them alone still differs from the one before.
"""

import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.core.signals import setting_changed
from django.db.migrations.loader import MigrationLoader

Migration = tuple[str, str]


@dataclass(frozen=True)
class Release:
    migrations: frozenset[Migration]
    roles: str

    @cached_property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(b"cityplatform schema release 1\n")
        for app, name in sorted(self.migrations):
            digest.update(f"{app}.{name}\n".encode())
        digest.update(self.roles.encode())
        return digest.hexdigest()


def roles_digest() -> str:
    """What the role groups of every schema are given (accounts.roles.grant), as a digest."""
    from accounts.roles import Role, granted

    digest = hashlib.sha256()
    for role in Role:
        digest.update(f"{role.value}:{','.join(sorted(granted(role)))}\n".encode())
    return digest.hexdigest()


_current: Release | None = None


def release_current() -> Release:
    """This code's release, computed once per process (reading the migration graph from disk
    takes a while; the code does not change under a running process)."""
    global _current
    if _current is None:
        graph = MigrationLoader(None, ignore_no_migrations=True).graph
        _current = Release(migrations=frozenset(graph.nodes), roles=roles_digest())
    return _current


def release_cache_clear(**_kwargs: object) -> None:
    global _current
    _current = None


# A test or a benchmark that points an app at other migrations (override_settings) gets them.
setting_changed.connect(release_cache_clear, dispatch_uid="tenants-release-cache")
