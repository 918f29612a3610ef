"""The generated export: rows per file, the rows that are bad on purpose, and what changed since
the previous month."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .layouts import HEADERS
from .options import SampleOptions

if TYPE_CHECKING:
    from .truth import Truth

Row = tuple[str, ...]
Key = tuple[str, str]  # (HOSPCODE, PID): a person of the unit


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row made invalid on purpose. `index` is its place in `Export.files[file]` (0-based, data
    rows only); `repaired` is the row as a forgiving importer could read it (None when nothing can
    be recovered); `depends_on` is the index in PERSON of the rejected person a service row needs."""

    file: str
    index: int
    kind: str
    column: str
    reason: str
    key: Key | None = None
    repaired: Row | None = None
    depends_on: int | None = None

    def line(self, *, header: bool) -> int:
        """Its 1-based line number in the written file."""
        return self.index + 1 + (1 if header else 0)


@dataclass(slots=True)
class MonthChanges:
    """What `next_month` did, for the tests: row indices updated in place (newer D_UPDATE), the
    range of appended rows per file, and the persons concerned."""

    updated: dict[str, list[int]] = field(default_factory=dict)
    added: dict[str, range] = field(default_factory=dict)
    died: list[Key] = field(default_factory=list)
    moved_out: list[Key] = field(default_factory=list)
    born: list[Key] = field(default_factory=list)
    moved_home: list[Key] = field(default_factory=list)  # a new HID within the area
    new_phone: list[Key] = field(default_factory=list)
    newcomer: Key | None = None
    homes_located: list[str] = field(default_factory=list)  # HIDs that got coordinates

    def changed_rows(self, name: str) -> int:
        return len(self.updated.get(name, ())) + len(self.added.get(name, ()))


@dataclass(eq=False)
class Export:
    """One health centre's export. `files` holds every file of the standard (most empty), its rows
    in the current layout as tuples of text; the writer turns them into other layouts."""

    options: SampleOptions
    files: dict[str, list[Row]]
    bad_rows: list[BadRow] = field(default_factory=list)
    # Someone the municipality already has in an Excel persons file but the unit has not
    # registered yet: next_month() adds this PERSON row (and the CHRONIC rows) to the export.
    newcomer: Row | None = None
    newcomer_chronic: list[Row] = field(default_factory=list)
    month_index: int = 1
    changes: MonthChanges | None = None

    @property
    def exported_at(self) -> dt.datetime:
        return self.options.exported_at

    @staticmethod
    def columns(name: str) -> tuple[str, ...]:
        return HEADERS[name]

    def dicts(self, name: str) -> Iterator[dict[str, str]]:
        """The rows of a file as {column: value}; a short (ragged) row has "" for the rest."""
        columns = HEADERS[name]
        for row in self.files[name]:
            values = row + ("",) * (len(columns) - len(row))
            yield dict(zip(columns, values, strict=False))

    def bad_in(self, name: str) -> list[BadRow]:
        return [bad for bad in self.bad_rows if bad.file == name]

    @cached_property
    def truth(self) -> "Truth":
        """The expected result of a strict import (every bad row rejected)."""
        from .truth import Truth

        return Truth(self)

    def truth_with(self, *, accept_kinds: frozenset[str]) -> "Truth":
        """The expected result when an importer repairs bad rows of these kinds (e.g. `be_year`)."""
        from .truth import Truth

        return Truth(self, accept_kinds=accept_kinds)
