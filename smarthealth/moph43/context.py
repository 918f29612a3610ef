"""What the files of one 43-file import share while it runs: the database session (one
transaction), the keys already resolved (health-centre keys → households and persons), the
PERSON rows rejected so far, and the fingerprints of rows applied by the previous import."""

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection
from django.utils import timezone

from imports.engine import copy_text

from ..models import Moph43Digest

# Bumped when what a row turns into changes: the fingerprints of older imports then match nothing.
DIGEST_VERSION = "1"


def keys(hospcode: pd.Series, local: pd.Series) -> pd.Series:
    """`HOSPCODE|PID` (or |HID): the health centre's key, as one text."""
    return hospcode.astype(object) + "|" + local.astype(object)


# Many values sent as ONE text parameter and split by PostgreSQL (string_to_array(%s, chr(31))):
# psycopg quotes an array parameter element by element, which at 100,000 keys costs more than the
# query. The unit separator never occurs in a code, a key or a hex digest.
SEPARATOR = "\x1f"


def packed(values) -> str:
    return SEPARATOR.join(values)


def ids_text(ids: pd.Series) -> pd.Series:
    """Ids (float, NaN when none) as COPY text: "123", None."""
    out = pd.Series(None, index=ids.index, dtype=object)
    present = ids.notna()
    out[present] = ids[present].astype(np.int64).astype(str)
    return out


def local_time(text: pd.Series) -> pd.Series:
    """`YYYY-MM-DD HH:MM:SS` of the municipality's clock (D_UPDATE) as COPY text of a timestamptz
    ("" → None): the offset written out, so PostgreSQL needs no time zone of its own."""
    out = pd.Series(None, index=text.index, dtype=object)
    present = text != ""
    if present.any():
        when = pd.to_datetime(text[present]).dt.tz_localize(settings.TIME_ZONE, ambiguous="NaT",
                                                            nonexistent="shift_forward")
        out[present] = when.dt.strftime("%Y-%m-%d %H:%M:%S%z").where(when.notna(), None)
    return out


def nullable(text: pd.Series) -> pd.Series:
    """"" → None (NULL in COPY), for typed staging columns."""
    return text.astype(object).where(text != "", None)


class KeyMap:
    """Health-centre key → row id, looked up a chunk at a time: what the database holds is read
    for the keys asked about (once each), what this import staged is merged in. Next month's
    import, which looks up only its changed rows, never reads the whole registry."""

    def __init__(self, fetch, hospcodes: set[str]):
        self.fetch = fetch  # list of keys → [(key, id)] of those the database holds
        self.hospcodes = hospcodes  # the health centres the database has keys of at all
        self.ids = pd.Series(dtype=np.float64)
        self.asked: set[str] = set()

    def merge(self, pairs) -> None:
        if not len(pairs):
            return
        frame = pd.DataFrame(pairs, columns=["key", "id"])
        self._add(pd.Series(frame["id"].to_numpy(dtype=np.float64), index=frame["key"].to_numpy()))
        self.asked.update(frame["key"].tolist())

    def _add(self, ids: pd.Series) -> None:
        merged = pd.concat([self.ids, ids]) if len(self.ids) else ids
        self.ids = merged[~merged.index.duplicated(keep="last")]

    def lookup(self, wanted: pd.Series) -> pd.Series:
        """Ids aligned with `wanted` (NaN where unknown)."""
        # A centre the database has no key of (a first import) needs no query.
        new = [key for key in pd.unique(wanted)
               if key not in self.asked and key.split("|", 1)[0] in self.hospcodes]
        if new:
            found = self.fetch(new)
            self.asked.update(new)
            if found:
                keys_, ids = zip(*found, strict=True)
                self._add(pd.Series(np.array(ids, dtype=np.float64), index=list(keys_)))
        if self.ids.empty:
            return pd.Series(np.nan, index=wanted.index)
        positions = self.ids.index.get_indexer(wanted.to_numpy())
        values = self.ids.to_numpy()[np.where(positions >= 0, positions, 0)]
        return pd.Series(np.where(positions >= 0, values, np.nan), index=wanted.index)


class Context:
    def __init__(self) -> None:
        with connection.cursor() as cursor:  # sets the municipality's search_path on the session
            self.raw = cursor.cursor.connection
        self.today: dt.date = timezone.localdate()
        self._households: KeyMap | None = None
        self._persons: KeyMap | None = None
        # PERSON rows rejected in this job: key → their line (a service row of that person says so)
        self.rejected_persons: dict[str, int] = {}
        self.changed_households: list[int] = []
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="moph43-copy")
        self.pending: Future | None = None

    # --- SQL ----------------------------------------------------------------------------------
    def execute(self, sql: str, params=None) -> list[tuple]:
        self.wait()
        with self.raw.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def stage(self, table: str, columns: dict[str, str]) -> None:
        """A temporary table `table` (_row integer, then `columns`: name → SQL type)."""
        body = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns.items())
        self.execute(f"DROP TABLE IF EXISTS {table}")
        self.execute(f"CREATE TEMP TABLE {table} (_row integer, {body}) ON COMMIT DROP")

    def copy(self, table: str, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
        """COPY the rows into `table` on a second thread, while this one reads the next chunk (the
        server works on one core, Python on the other, as the engine does): one COPY at a time,
        in order, on this session, in its transaction."""
        if frame.empty:
            return
        names = ", ".join(["_row", *(f'"{c}"' for c in columns)])
        text = copy_text(frame, columns)
        self.wait()
        self.pending = self.pool.submit(self._copy, f"COPY {table} ({names}) FROM STDIN", text)

    def _copy(self, statement: str, text: str) -> None:
        with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(text)

    def wait(self) -> None:
        """The COPY in flight has ended (its error, if any, raised here)."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def close(self) -> None:
        if self.pending is not None:
            self.pending.exception()  # after another error: let it end, its own error is moot
            self.pending = None
        self.pool.shutdown(wait=True)

    # --- keys ---------------------------------------------------------------------------------
    def _fetch(self, table: str, local: str):
        def fetch(wanted: list[str]) -> list[tuple[str, int]]:
            return self.execute(
                f"SELECT t.hospcode || '|' || t.{local}, t.id FROM {table} t "
                f"JOIN (SELECT split_part(k, '|', 1) AS hospcode, split_part(k, '|', 2) AS local "
                f"      FROM unnest(string_to_array(%s, chr(31))) AS k) k "
                f"ON t.hospcode = k.hospcode AND t.{local} = k.local",
                [packed(wanted)])
        return fetch

    def _hospcodes(self, table: str) -> set[str]:
        # Loose index scan of the (hospcode, …) unique index: one step per health centre.
        return {code for (code,) in self.execute(f"""
            WITH RECURSIVE c AS (
                (SELECT hospcode FROM {table} WHERE hospcode IS NOT NULL ORDER BY hospcode LIMIT 1)
                UNION ALL
                SELECT (SELECT t.hospcode FROM {table} t WHERE t.hospcode > c.hospcode
                         ORDER BY t.hospcode LIMIT 1) FROM c WHERE c.hospcode IS NOT NULL)
            SELECT hospcode FROM c WHERE hospcode IS NOT NULL""")}

    @property
    def households(self) -> KeyMap:
        if self._households is None:
            self._households = KeyMap(self._fetch("smarthealth_household", "hid"),
                                      self._hospcodes("smarthealth_household"))
        return self._households

    @property
    def persons(self) -> KeyMap:
        if self._persons is None:
            self._persons = KeyMap(self._fetch("smarthealth_person", "pid"),
                                   self._hospcodes("smarthealth_person"))
        return self._persons

    # --- fingerprints -------------------------------------------------------------------------
    def digests(self, kind: str) -> "Digests":
        """The fingerprints kept under `kind` (a file's name, and what else its rows depend on)."""
        return Digests(self, f"{kind}:{DIGEST_VERSION}")


class Digests:
    """The fingerprints of one file's rows: those the previous import applied cleanly are skipped
    now; those this import applies cleanly (plus the skipped ones) are stored for the next."""

    def __init__(self, context: Context, kind: str):
        self.context, self.kind = context, kind
        rows = context.execute("SELECT digests FROM smarthealth_moph43digest WHERE kind = %s", [kind])
        self.previous = np.frombuffer(bytes(rows[0][0]), dtype=np.uint64) if rows else np.empty(0, np.uint64)
        self.kept: list[np.ndarray] = []
        self.candidates: list[tuple[np.ndarray, np.ndarray]] = []  # (lines, fingerprints)

    @staticmethod
    def of(frame: pd.DataFrame) -> np.ndarray:
        return pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)

    def seen(self, prints: np.ndarray) -> np.ndarray:
        """Which fingerprints the previous import stored."""
        if not len(self.previous):
            return np.zeros(len(prints), dtype=bool)
        # `previous` is sorted (np.unique when saved): a binary search per row.
        at = np.minimum(np.searchsorted(self.previous, prints), len(self.previous) - 1)
        return self.previous[at] == prints

    def skipped(self, prints: np.ndarray) -> None:
        """Rows left as they are: still applied, kept for the next import."""
        self.kept.append(prints)

    def applied(self, lines: pd.Index, prints: np.ndarray) -> None:
        self.candidates.append((np.asarray(lines, dtype=np.int64), prints))

    def save(self, *, unclean: set[int]) -> None:
        self.context.wait()
        parts = list(self.kept)
        for lines, prints in self.candidates:
            if unclean:
                prints = prints[~np.isin(lines, np.fromiter(unclean, dtype=np.int64))]
            parts.append(prints)
        digests = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.uint64)
        Moph43Digest.objects.update_or_create(kind=self.kind, defaults={"digests": digests.tobytes()})
