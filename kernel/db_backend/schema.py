"""The schema editor: PostGIS's, with the one DDL difference a Citus cluster needs.

Citus refuses `ALTER TABLE … ADD COLUMN` with an unnamed constraint (CHECK of a positive integer,
UNIQUE), because it must give a constraint the same name on every node and shard. With
settings.CITUS on, a column added to an existing table names its constraints (Django's own
naming scheme); CREATE TABLE, and everything on one server, is PostGIS's unchanged.
"""

from typing import Any

from django.conf import settings
from django.contrib.gis.db.backends.postgis.schema import PostGISSchemaEditor


class DatabaseSchemaEditor(PostGISSchemaEditor):
    _adding: Any = None  # the field add_field is adding, while it builds its column SQL

    def add_field(self, model: Any, field: Any) -> None:
        if not getattr(settings, "CITUS", False):
            return super().add_field(model, field)
        table = model._meta.db_table
        check_name = self.quote_name(self._index_name(table, field.column, "_check"))
        self._adding = field
        self.sql_check_constraint = f"CONSTRAINT {check_name} CHECK (%(check)s)"
        try:
            super().add_field(model, field)
        finally:
            self._adding = None
            del self.sql_check_constraint  # the class's again

    def _index_name(self, table: str, column: str, suffix: str) -> str:
        return str(self._create_index_name(table, [column], suffix=suffix))  # type: ignore[attr-defined]

    def _iter_column_sql(self, column_db_type: Any, params: Any, model: Any, field: Any,
                         field_db_params: Any, include_default: Any) -> Any:
        # Django's private helpers, which its type stubs leave out.
        parts = super()._iter_column_sql(  # type: ignore[misc]
            column_db_type, params, model, field, field_db_params, include_default)
        for part in parts:
            if field is self._adding and part == "UNIQUE":
                name = self._index_name(model._meta.db_table, field.column, "_uniq")
                part = f"CONSTRAINT {self.quote_name(name)} UNIQUE"
            elif field is self._adding and part == "PRIMARY KEY":
                part = f"CONSTRAINT {self.quote_name(model._meta.db_table + '_pkey')} PRIMARY KEY"
            yield part
