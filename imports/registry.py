"""The datasets the engine can load. Each domain app declares its own next to its model (e.g.
`smarthealth/imports.py`) and registers it from its AppConfig.ready(); the engine never imports a
domain model, so a dataset carries everything the engine needs: columns, key, permission, the
dataset-specific vectorised step and the SQL that moves staged rows into the real table."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kernel.text import spelling_key

# Column types the engine parses (imports.parsing): each yields a staged text value.
TEXT, DIGITS, INT, DECIMAL, DATE, CHOICE, CID, CODES = (
    "text", "digits", "int", "decimal", "date", "choice", "cid", "codes",
)


# How headers and choice labels are compared: case, spaces, zero-width characters and Thai digits
# ignored (one rule for the whole platform, in the kernel).
spelling = spelling_key


@dataclass(frozen=True)
class Column:
    key: str  # the English header (CONTRACT §5)
    label_th: str  # the Thai header
    type: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    # CHOICE / CODES: every accepted spelling (any case or spacing) → stored value.
    choices: dict[str, str] | None = None
    max_length: int | None = None
    digits: int | None = None  # DIGITS: exact length (leading zeros kept)
    min_value: float | None = None
    max_value: float | None = None
    example: str = ""
    # CHOICE / CODES whose accepted values live in the municipality's own table: called once per
    # import, in its schema, it returns the spellings → values that replace `choices`.
    choices_from: Callable[[], dict[str, str]] | None = None

    def spellings(self) -> set[str]:
        return {spelling(name) for name in (self.key, self.label_th, *self.aliases)}

    def choice_map(self) -> dict[str, str]:
        return {spelling(k): v for k, v in (self.choices or {}).items()}


@dataclass(frozen=True)
class Reference:
    """A staged column that must name an existing row: rows naming none are rejected in SQL.
    `table`/`target` are trusted identifiers from code, never from a file."""

    column: str
    table: str
    target: str
    message: object  # lazy translation with %(value)s


@dataclass(frozen=True)
class Dataset:
    key: str
    label: object  # lazy translation
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...]  # the dataset key (CONTRACT §5); duplicates in one file: last wins
    permission: str  # "app.codename" needed to import it
    stage_columns: tuple[str, ...]  # the text columns of the staging table, in COPY order
    # INSERT … SELECT … FROM _import_stage … ON CONFLICT … DO UPDATE … WHERE … IS DISTINCT FROM …
    # RETURNING (xmax = 0): the engine wraps it to count created / updated rows.
    upsert_sql: str
    # Extra SQL over the staged rows around the upsert (e.g. history rows): trusted code only.
    before_upsert: tuple[str, ...] = ()
    after_upsert: tuple[str, ...] = ()
    # (frame of parsed columns, reject(mask, column, message, params)) → frame with stage_columns
    prepare: Callable | None = None
    references: tuple[Reference, ...] = ()
    personal: bool = False  # personal data: `after_import` must audit it
    after_import: Callable | None = None  # (job) → None, runs in the job's transaction
    on_preview: Callable | None = None  # (job=, request=) → None, when the preview shows rows
    formats: tuple[str, ...] = ("csv", "xlsx")
    extra: dict = field(default_factory=dict)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def resolved(self) -> "Dataset":
        """This dataset with every `choices_from` read now (in the current schema)."""
        if not any(c.choices_from for c in self.columns):
            return self
        columns = tuple(replace(c, choices=c.choices_from(), choices_from=None) if c.choices_from else c
                        for c in self.columns)
        return replace(self, columns=columns)


_datasets: dict[str, Dataset] = {}


def register(dataset: Dataset) -> None:
    _datasets[dataset.key] = dataset


def get(key: str) -> Dataset | None:
    return _datasets.get(key)


def all_datasets() -> list[Dataset]:
    order = ["households", "persons", "adl", "ncd_screening", "assets"]
    return sorted(_datasets.values(), key=lambda d: (order.index(d.key) if d.key in order else 99, d.key))


def datasets_for(user) -> list[Dataset]:
    return [d for d in all_datasets() if user.has_perm(d.permission)]
