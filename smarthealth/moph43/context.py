"""What the files of one 43-file import share while it runs: the database session (one
transaction), the keys already resolved (health-centre keys → households and persons), the
PERSON rows rejected so far, and whether keys left the registry since the last import."""

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from django.conf import settings
from django.db import connection
from django.utils import timezone

from imports.engine import copy_text
from tenants import citus

from .fingerprints import Store


def keys(hospcode: pd.Series, local: pd.Series) -> pd.Series:
    """`HOSPCODE|PID` (or |HID): the health centre's key, as one text."""
    return hospcode.astype(object) + "|" + local.astype(object)


# COPY text queued for the server's thread at most (bytes): a few chunks of a file.
COPY_QUEUED_BYTES = 32 * 1024 * 1024

# Many values sent as ONE text parameter and split by PostgreSQL (string_to_array(%s, chr(31))):
# psycopg quotes an array parameter element by element, which at 100,000 keys costs more than the
# query. The unit separator never occurs in a code, a key or a hex digest.
SEPARATOR = "\x1f"


def packed(values) -> str:
    return SEPARATOR.join(values)


def ids_text(ids: pd.Series) -> pd.Series:
    """Ids (float, NaN when none) as COPY text: "123", None."""
    # In numpy: a Series assigned through a boolean Series first tries the mask as a label.
    present = ids.notna().to_numpy()
    out = np.full(len(ids), None, dtype=object)
    out[present] = ids.to_numpy()[present].astype(np.int64).astype(str)
    return pd.Series(out, index=ids.index, dtype=object)


def local_time(text: pd.Series) -> pd.Series:
    """`YYYY-MM-DD HH:MM:SS` of the municipality's clock (D_UPDATE) as COPY text of a timestamptz
    ("" → None): converted to UTC here and written with its offset, so PostgreSQL needs no time
    zone of its own. Formatted by numpy, not strftime (a value at a time)."""
    out = pd.Series(None, index=text.index, dtype=object)
    present = (text != "").to_numpy()
    if present.any():
        when = pd.to_datetime(text[present], format="%Y-%m-%d %H:%M:%S")
        when = when.dt.tz_localize(settings.TIME_ZONE, ambiguous="NaT", nonexistent="shift_forward")
        utc = when.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = np.datetime_as_string(utc.to_numpy(dtype="datetime64[s]"), unit="s").astype(object) + "+00"
        out[present] = np.where(utc.notna().to_numpy(), stamps, None)
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

    def add(self, keys_: list[str], ids: np.ndarray) -> None:
        """Keys this import gave their records (Step.settle), with their ids."""
        if keys_:
            self._add(pd.Series(ids.astype(np.float64), index=pd.Index(keys_, dtype=object)))
            self.asked.update(keys_)

    def _add(self, ids: pd.Series) -> None:
        merged = pd.concat([self.ids, ids]) if len(self.ids) else ids
        self.ids = merged[~merged.index.duplicated(keep="last")]

    def lookup(self, wanted: pd.Series) -> pd.Series:
        """Ids aligned with `wanted` (NaN where unknown)."""
        # A centre the database has no key of (a first import) needs no query.
        new = [key for key in pd.unique(wanted)
               if key not in self.asked and key.split("|", 1)[0] in self.hospcodes] if self.hospcodes else []
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
        self.pending: list[Future] = []  # queued on the server's thread, in order
        self.copies: list[tuple[Future, int]] = []  # queued COPYs and their text's size
        self.scratched: set[str] = set()  # scratch tables made (stage, scratch_as)
        self._local = threading.local()
        self._priority: list[tuple[str, Any, Future]] = []  # lookups before the next statement
        self._priority_lock = threading.Lock()
        # Persons this import created, and the tables that got rows of them already (fresh)
        self.fresh_persons = pd.Index([], dtype=np.float64)
        self.written: set[str] = set()
        self.kept = Store(self)  # the fingerprints of earlier imports
        self._early: dict[str, Future] = {}

    # --- SQL ----------------------------------------------------------------------------------
    # One session, two threads: this one reads and checks rows, the second ("the server's") runs
    # the statements, in the order they were queued (a pool of one worker). A statement whose
    # answer this thread needs (execute) waits for everything queued before it; a COPY, a
    # statement nobody waits for (submit) and a step's deferred finish (defer) are only queued.
    def execute(self, sql: str, params=None) -> list[tuple]:
        self.wait()
        return self._run(sql, params)

    def execute_binary(self, sql: str, params=None) -> list[tuple]:
        """As execute, parameters and results in PostgreSQL's binary format: a bytea of megabytes
        goes as it is, not as hex text (%b placeholders for binary parameters)."""
        self.wait()
        return self._run(sql, params, binary=True)

    def submit(self, sql: str, params=None, *, binary: bool = False) -> None:
        """Queue a statement whose answer nobody waits for: this thread goes on reading."""
        self.ask(sql, params, binary=binary)

    def ask(self, sql: str, params=None, *, binary: bool = False) -> Future:
        """submit, and the statement's rows to come (Future.result())."""
        return self._queue(self._run, sql, params, binary=binary)

    def early(self, sql: str) -> list[tuple]:
        """The rows of a query of what no import changes (a table of rules), asked once: when
        asked ahead (ask_early), waiting only for the statements queued before it."""
        if sql not in self._early:
            self.ask_early(sql)
        return self._early[sql].result()

    def ask_early(self, sql: str) -> None:
        if sql not in self._early:
            self._early[sql] = self.ask(sql)

    def defer(self, work: Callable[[], Any]) -> Future:
        """Run `work` (a step's finish: statements and the Python between them) on the server's
        thread after what is queued, while this thread reads the next file. Inside it, execute
        and ask run at once: it is the server's thread."""
        def deferred() -> Any:
            self._local.server = True
            try:
                return work()
            finally:
                self._local.server = False
        return self._queue(deferred)

    def _queue(self, function, *args, **kwargs) -> Future:
        if getattr(self._local, "server", False):  # already the server's thread: now, in order
            done: Future = Future()
            done.set_result(function(*args, **kwargs))
            return done
        future = self.pool.submit(function, *args, **kwargs)
        self.pending.append(future)
        return future

    def lookup(self, sql: str, params=None) -> list[tuple]:
        """The rows of a read of the registry's keys and IDs (KeyMap, a national ID's or house ID's
        record): run on the server's thread before its next statement, not after everything
        queued (a finish of several statements, seconds of them on a first import). Nothing
        queued changes what it reads: a finish gives keys and IDs only to the records this
        import made, which the key maps and NewRecords hold already (Step.settle), and a second
        file of a kind starts after the first one's finish (run)."""
        if getattr(self._local, "server", False) or not self.pending:
            return self.execute(sql, params)
        asked: Future = Future()
        with self._priority_lock:
            self._priority.append((sql, params, asked))
        self.pool.submit(self._lookups)  # when the server's thread is idle, or gets to it first
        try:
            return asked.result()
        except Exception:
            self.wait()  # a statement queued before it failed (the transaction): that error first
            raise

    def _lookups(self) -> None:
        while True:
            with self._priority_lock:
                if not self._priority:
                    return
                sql, params, asked = self._priority.pop(0)
            try:
                asked.set_result(self._statement(sql, params))
            except Exception as error:
                asked.set_exception(error)

    def _run(self, sql: str, params=None, *, binary: bool = False) -> list[tuple]:
        self._lookups()
        return self._statement(sql, params, binary=binary)

    def _statement(self, sql: str, params=None, *, binary: bool = False) -> list[tuple]:
        with (psycopg.Cursor(self.raw) if binary else self.raw.cursor()) as cursor:
            cursor.execute(sql, params, binary=True) if binary else cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    # Scratch tables (the staged rows, their deduplicated copies): temporary tables dropped at
    # commit on one server; on a Citus cluster tables of the municipality's own schema, beside the
    # tables they feed (tenants.citus.scratch_table_sql), dropped by scratch_drop before commit.
    def stage(self, table: str, columns: dict[str, str]) -> None:
        """A scratch table `table` (_row integer, then `columns`: name → SQL type)."""
        body = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns.items())
        self.scratched.add(table)
        create = citus.scratch_table_sql(table, f"_row integer, {body}")
        self.submit(f"DROP TABLE IF EXISTS {table}; {create}")

    def scratch_as(self, table: str, select: str) -> None:
        """A scratch table `table` made from the query `select`."""
        self.scratched.add(table)
        self.execute(citus.scratch_table_as_sql(table, select))

    def scratch_rename(self, table: str, new: str) -> None:
        self.execute(f"ALTER TABLE {table} RENAME TO {new}")
        self.scratched.discard(table)
        self.scratched.add(new)

    def scratch_drop(self) -> None:
        for table in sorted(self.scratched):
            for statement in citus.scratch_table_cleanup(table):
                self.submit(statement)
        self.scratched.clear()

    def copy(self, table: str, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
        """COPY the rows into `table` on the server's thread, while this one reads the next chunk
        (the server works on one core, Python on the other, as the engine does). The texts
        queued and not yet copied stay under COPY_QUEUED_BYTES: when the server is busy with a
        long statement, this thread waits instead of holding a whole file as COPY text."""
        if frame.empty:
            return
        names = ", ".join(["_row", *(f'"{c}"' for c in columns)])
        text = copy_text(frame, columns)
        self.copies = [(future, size) for future, size in self.copies if not future.done()]
        while self.copies and sum(size for _f, size in self.copies) + len(text) > COPY_QUEUED_BYTES:
            self._wait_until(self.copies.pop(0)[0])
        self.copies.append((self._queue(self._copy, f"COPY {table} ({names}) FROM STDIN", text), len(text)))

    def wait_for(self, future: Future) -> None:
        """What is queued up to `future` has run (not what was queued after it)."""
        if not getattr(self._local, "server", False) and future in self.pending:
            self._wait_until(future)
        future.result()

    def _wait_until(self, future: Future) -> None:
        """What is queued up to `future` has run, in order: the first error raised is the first
        that happened (a COPY after a failed statement fails only because the transaction did)."""
        while self.pending:
            done = self.pending.pop(0)
            done.result()
            if done is future:
                return

    def _copy(self, statement: str, text: str) -> None:
        self._lookups()
        with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(text)

    def wait(self) -> None:
        """Everything queued has run (the first error, if any, raised here)."""
        if getattr(self._local, "server", False):
            return
        pending, self.pending, self.copies = self.pending, [], []
        for future in pending:
            future.result()

    def close(self) -> None:
        for future in self.pending:
            future.exception()  # after another error: let them end, their own errors are moot
        self.pending = []
        self.pool.shutdown(wait=True)

    # --- keys ---------------------------------------------------------------------------------
    def _fetch(self, table: str, local: str):
        def fetch(wanted: list[str]) -> list[tuple[str, int]]:
            # LATERAL … LIMIT 1 (the key is unique): a probe of its index per key, whatever the
            # planner guesses of the registry's size (a hash join would scan all of it).
            return self.lookup(
                f"SELECT t.hospcode || '|' || t.{local}, t.id "
                f"FROM unnest(string_to_array(%s, chr(31))) AS k "
                f"CROSS JOIN LATERAL (SELECT t.hospcode, t.{local}, t.id FROM {table} t "
                f"     WHERE t.hospcode = split_part(k, '|', 1) AND t.{local} = split_part(k, '|', 2) "
                f"     LIMIT 1) t",
                [packed(wanted)])
        return fetch

    def _hospcodes(self, table: str) -> set[str]:
        # Loose index scan of the (hospcode, …) unique index: one step per health centre.
        return {code for (code,) in self.lookup(f"""
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

    def fresh(self, ids: pd.Series, table: str) -> np.ndarray:
        """COPY booleans: which rows are of a person this import created, whose rows no earlier
        file of this import wrote (`written`: a second FUNCTIONAL in one upload finds none fresh)."""
        if table in self.written:
            return np.full(len(ids), "f")
        return np.where(ids.isin(self.fresh_persons), "t", "f")

    def inserted(self, sql: str, params=None) -> int:
        """Rows a plain INSERT … SELECT added."""
        self.wait()  # (nothing to wait for on the server's thread)
        self._lookups()
        with self.raw.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount
