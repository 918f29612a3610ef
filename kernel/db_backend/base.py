"""django-tenants' PostgreSQL backend, with a connection recycled once it has served many schemas.

A PostgreSQL backend keeps every table, index and catalogue row it has looked up in its caches for
the life of the connection (there is no eviction). Serving thousands of municipalities, a pooled
connection would grow by every schema it ever sets its search_path to (SCALE-RESEARCH.md §2: a
server swapped and crashed at ~2,000 schemas; reconnecting every few hundred schemas fixed it).
So each connection counts the schemas it has worked in; past DB_CONNECTION_MAX_SCHEMAS it is
closed — replaced by a fresh one in the pool — when it is handed back (the end of a request or a
task), or at the next schema switch outside a transaction (a loop over municipalities that never
hands its connection back). The pool's max_lifetime (settings) recycles the rest by age.
"""

from typing import Any

from django.conf import settings
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper

from .schema import DatabaseSchemaEditor

_SEEN = "_cityplatform_schemas"


def schemas_served(conn: Any) -> int:
    """How many schemas this psycopg connection has worked in."""
    return len(getattr(conn, _SEEN, ()))


class DatabaseWrapper(TenantDatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor

    def _cursor(self, name: Any = None) -> Any:
        cursor = super()._cursor(name)
        conn = self.connection
        seen = getattr(conn, _SEEN, None)
        if seen is None:
            seen = set()
            setattr(conn, _SEEN, seen)
        seen.add(self.schema_name)
        return cursor

    def _worn(self) -> bool:
        limit = int(getattr(settings, "DB_CONNECTION_MAX_SCHEMAS", 0) or 0)
        return self.connection is not None and limit > 0 and schemas_served(self.connection) >= limit

    def _close(self) -> None:
        if self.pool and self._worn():
            # psycopg_pool replaces a connection handed back past its expiry time (the mechanism
            # of max_lifetime) instead of keeping it; a closed one would be replaced too, but
            # logged as a broken connection.
            if hasattr(self.connection, "_expire_at"):
                self.connection._expire_at = 0
            else:
                self.connection.close()
        super()._close()

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None:
        if not self.in_atomic_block and self._worn():
            self.close()
        super().set_tenant(tenant, include_public)
