"""What every file's import does, and the counts it reports (one FileResult per file).

A step is given its file's rows chunk by chunk (only those the fingerprints do not skip, cells
already stripped): `prepare` checks a chunk's rows (vectorised), resolves their keys and returns
the good rows as staging columns, which are COPYed into a temporary table; `finish` then moves
the whole file into the registry with a few set-based statements. What the result says of rows
besides the counts is noted per row (`note`), so that skipped rows still count in it (`describe`).
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from .bundle import Member
from .context import Context, keys
from .layouts import FileSpec
from .report import Checks
from .values import dates, digits_of

REQUIRED = _("This column is required.")
UNKNOWN_PERSON = _("No PERSON row has this PID (HOSPCODE + PID): the person is not registered.")
PERSON_REJECTED = _("PERSON row %(row)s was rejected.")
BAD_DATE = _("Not a date: write YYYYMMDD (Christian era).")
FUTURE = _("The date cannot be in the future.")
BUDDHIST_YEAR = _("A Buddhist-Era year: read as %(date)s (Christian era).")
BAD_HOSPCODE = _("HOSPCODE must be the health centre's 5-digit code.")


@dataclass
class FileResult:
    file: str
    name: str
    encoding: str = ""
    header: bool = False
    columns: int = 0
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "name": self.name, "used": True, "rows": self.rows,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "warnings": self.warnings, "encoding": self.encoding,
                "header": self.header, "columns": self.columns, **self.details}

    def summary(self) -> str:
        return (f"{self.file} rows={self.rows} created={self.created} updated={self.updated} "
                f"unchanged={self.unchanged} rejected={self.rejected}")


class Step(ABC):
    spec: ClassVar[FileSpec]
    table: ClassVar[str]
    columns: ClassVar[dict[str, str]]  # staging column → SQL type
    fingerprinted: ClassVar[bool] = True  # unchanged rows of earlier imports are skipped
    # The key of the registry record a row lands on (its fingerprints' group), and where such
    # keys live: rows of one key are applied together or not at all.
    group_columns: ClassVar[tuple[str, str]] = ("HOSPCODE", "PID")
    space: ClassVar[str] = "person"
    # Whether its finish may run on the server's thread while the next file is read: true of a
    # step whose finish gives no later file anything to read its rows against (what it gives,
    # a key map, PERSON rows rejected, it gives in `settle`); a later file's query of what it
    # wrote waits for it (Context.execute).
    deferrable: ClassVar[bool] = False

    def __init__(self, context: Context, member: Member, result: FileResult):
        self.context, self.member, self.result = context, member, result
        self.noted: list[tuple[np.ndarray, str]] = []

    def begin(self) -> None:
        self.context.stage(self.table, self.columns)

    # What else than the code decides what a row becomes (CHRONIC: the ICD-10 table), as a query
    # of one text: asked when the import starts (Context.early), so that reading it never waits
    # for the finishes queued before the file.
    rules_sql: ClassVar[str] = ""

    def rules(self) -> str:
        return self.context.early(self.rules_sql)[0][0] if self.rules_sql else ""

    def note(self, lines, text: str) -> None:
        """These lines (numbers) carry `text` in the result (see describe)."""
        lines = np.asarray(lines, dtype=np.int64)
        if len(lines):
            self.noted.append((lines, text))

    def describe(self, notes: dict[str, int]) -> None:
        """The result's details from the notes of every row of the file, applied or skipped.
        Most files have nothing to add to their counts."""
        return None

    @abstractmethod
    def prepare(self, frame: pd.DataFrame, checks: Checks) -> pd.DataFrame | None:
        """The chunk's rows checked and shaped for staging (None: nothing to stage)."""

    def settle(self) -> None:
        """Every row is staged, the finish is still to run: what later files need of this file
        and Python alone can tell (on the reading thread)."""
        return None

    @abstractmethod
    def finish(self) -> set[int]:
        """Load the staged rows; set the result's counts. Returns the lines that were not
        applied as the row says (their fingerprints are not kept)."""

    # --- shared checks ------------------------------------------------------------------------
    def required(self, frame: pd.DataFrame, checks: Checks, *columns: str) -> None:
        for column in columns:
            checks.reject(frame[column] == "", column, REQUIRED)

    def hospcode(self, frame: pd.DataFrame, checks: Checks) -> None:
        hospcode = frame["HOSPCODE"]
        checks.reject((hospcode != "") & ~digits_of(hospcode, 5), "HOSPCODE", BAD_HOSPCODE)
        checks.reject(hospcode == "", "HOSPCODE", REQUIRED)

    def day(self, frame: pd.DataFrame, checks: Checks, column: str, *, required: bool = True,
            past: bool = True) -> pd.Series:
        """A D8 column as ISO text ("" when empty or rejected); rejects a bad or future date,
        warns about a Buddhist-Era year (read as such)."""
        iso, bad, be = dates(frame[column])
        if required:
            checks.reject(frame[column] == "", column, REQUIRED)
        checks.reject(bad, column, BAD_DATE)
        if past:
            checks.reject((iso != "") & (iso > self.context.today.isoformat()), column, FUTURE)
        self.warn_buddhist(checks, column, be, iso)
        return iso.where(~bad, "")

    def warn_buddhist(self, checks: Checks, column: str, be: pd.Series, iso: pd.Series) -> None:
        if be.any():
            for value in pd.unique(iso[be]):
                checks.warn(be & (iso == value), column, BUDDHIST_YEAR, date=str(value)[:10])

    def person_ids(self, frame: pd.DataFrame, checks: Checks) -> pd.Series:
        """The registry's person of each row by (HOSPCODE, PID); a row naming a person no PERSON
        row registers is rejected, saying so when that PERSON row was itself rejected here."""
        self.required(frame, checks, "PID")
        wanted = keys(frame["HOSPCODE"], frame["PID"])
        ids = self.context.persons.lookup(wanted)
        missing = ids.isna() & (frame["PID"] != "") & (frame["HOSPCODE"] != "")
        if missing.any():
            rejected = wanted.where(missing).map(self.context.rejected_persons)  # line, or NaN
            for line in pd.unique(rejected.dropna()):
                checks.reject(rejected == line, "PID", PERSON_REJECTED, row=int(line))
            checks.reject(missing & rejected.isna(), "PID", UNKNOWN_PERSON)
        return ids

    # --- counts -------------------------------------------------------------------------------
    def counted(self, created: int, updated: int) -> None:
        self.result.created += created
        self.result.updated += updated


def counting(upsert_sql: str) -> str:
    """`upsert_sql` (… RETURNING (xmax = 0) AS inserted) wrapped to count created and updated
    rows in the database, not in Python."""
    return (f"WITH up AS ({upsert_sql}) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up")
