"""The console's audit trail: every change the platform team makes to a municipality (from the
console or the shell) leaves one ConsoleAuditEntry, written in the same transaction as the change."""

import getpass
from dataclasses import dataclass
from typing import Any

from ..models import ConsoleAuditEntry, Municipality


@dataclass(frozen=True)
class Actor:
    """Who did it: a console user, or the shell (`manage.py`, with the operating-system user)."""

    username: str
    name: str = ""

    @classmethod
    def of(cls, user: Any) -> "Actor":
        return cls(username=user.get_username(), name=user.get_full_name() or "")

    @classmethod
    def shell(cls) -> "Actor":
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (a container)
            who = ""
        return cls(username="manage.py", name=who)

    def __str__(self) -> str:
        return f"{self.name} ({self.username})" if self.name else self.username


def console_audit_record(
    *, municipality: Municipality | None, action: str, actor: Actor, schema_name: str = "",
    details: dict[str, Any] | None = None,
) -> ConsoleAuditEntry:
    return ConsoleAuditEntry.objects.create(
        municipality=municipality,
        schema_name=schema_name or (municipality.schema_name if municipality else ""),
        action=action, actor_username=actor.username[:150], actor_name=actor.name[:200],
        details=details or {},
    )
