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
    # CHOICE / CODES: stored value → the words a person reads, in the active language (called
    # under translation.override, in the municipality's schema) for previews and error reports.
    # Without it a value shows by its first Thai spelling in Thai, by its code in English.
    labels: Callable[[], dict[str, str]] | None = None

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
    # The namespaced URL name of the list where imported rows are seen ("" for none): the
    # finished job links to it.
    list_url: str = ""
    extra: dict = field(default_factory=dict)
    # A dataset of several files in one upload (moph43) reads and loads them itself: `runner`
    # replaces engine.run (same keywords; its Result may add `file_results` and `report`, a
    # (name, ContentFile) error report), `preview` replaces previews.preview_compute (job → dict).
    runner: Callable | None = None
    preview: Callable | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def resolved(self) -> "Dataset":
        """This dataset with every `choices_from` read now and the municipality's remembered
        spellings (imports.models.ValueMapping) added to its choices, in the current schema. A
        remembered spelling comes first; one whose value is no longer accepted is left out."""
        from .selectors import value_mappings_by_column

        has_choices = any(c.type in (CHOICE, CODES) for c in self.columns)
        mapped = value_mappings_by_column(self.key) if has_choices else {}
        if not mapped and not any(c.choices_from for c in self.columns):
            return self
        columns = []
        for column in self.columns:
            choices = column.choices_from() if column.choices_from else column.choices
            if column.key in mapped and choices is not None:
                accepted = set(choices.values())
                choices = {**choices, **{source: target for source, target in mapped[column.key].items()
                                         if target in accepted}}
            columns.append(replace(column, choices=choices, choices_from=None))
        return replace(self, columns=tuple(columns))


def choice_labels(choices) -> Callable[[], dict[str, str]]:
    """`Column.labels` of a Django Choices class: its labels in the active language, the official
    Thai terms for a kernel.choices.ThaiLabelChoices."""
    def labels() -> dict[str, str]:
        display = getattr(choices, "display", None)
        return {value: display(value) if display else str(label) for value, label in choices.choices}

    return labels


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
