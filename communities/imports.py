"""The register in the domains' import datasets: a file's community column accepts the register's
names (any spacing, with or without the word ชุมชน); any other name is an unknown value that the
import's preview asks about (imports.ValueMapping), never a new community made on the quiet. Before
the upsert a boundary covering a row's place decides its name; after it the rows point at their
entry."""

from kernel.text import spelling_key

from .models import Community
from .selectors import _PREFIX


def community_import_choices() -> dict[str, str]:
    """Every accepted spelling → the register's name (the import engine compares spellings)."""
    choices: dict[str, str] = {}
    for name in Community.objects.order_by("name").values_list("name", flat=True):
        choices[name] = name
        key = spelling_key(name)
        if key.startswith(_PREFIX) and len(key) > len(_PREFIX):
            choices.setdefault(key[len(_PREFIX):], name)
    return choices


def community_import_labels() -> dict[str, str]:
    return {name: name for name in Community.objects.values_list("name", flat=True)}


def community_stage_sql(*, geometry: str) -> str:
    """For a dataset's before_upsert: a staged row whose place (`geometry`, an SQL expression over
    the staged row `s`) a boundary covers takes that community's name (the location rule), so the
    upsert writes, and compares, the name the row will keep. Code constants only, never a file's."""
    return f"""
        UPDATE _import_stage s SET community = COALESCE((
            SELECT c.name FROM communities_community c
             WHERE c.boundary IS NOT NULL AND ST_Covers(c.boundary, ST_PointOnSurface({geometry}))
             ORDER BY c.name LIMIT 1), s.community)
         WHERE {geometry} IS NOT NULL"""


def community_link_sql(*, table: str, key: str) -> tuple[str, str]:
    """For a dataset's after_upsert: each staged row points at the register's entry of its name
    (none when the file gave none)."""
    clear = f"""
        UPDATE {table} t SET community_ref_id = NULL
          FROM _import_stage s
         WHERE t.{key} = s.{key} AND s.community = '' AND t.community_ref_id IS NOT NULL"""
    link = f"""
        UPDATE {table} t SET community_ref_id = c.id
          FROM _import_stage s JOIN communities_community c ON c.name = s.community
         WHERE t.{key} = s.{key} AND t.community_ref_id IS DISTINCT FROM c.id"""
    return clear, link
