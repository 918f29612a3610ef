"""Which registry record each row of a file lands on, decided while the file is read, with the
ids of the records it will create handed out from the table's own sequence before they exist.

Knowing a new record's id before its INSERT lets the INSERT run on the server's thread while the
next file is read (Context.defer): the next file's rows are matched to the new records by the key
map, not by a query that would have to wait for the INSERT.

A key (HOSPCODE|PID, HOSPCODE|HID) keeps the record its first row in the file was given; a
second key with the same national ID (or house ID) as a record created here is the same person
(household), as a second key with the ID of a record already in the registry is. An ID that would
then name two records is left off the row (the caller warns).
"""

from collections.abc import Callable, Hashable

import numpy as np
import pandas as pd

from .context import Context


class NewRecords:
    def __init__(self, context: Context, table: str, compact: Callable[[str], Hashable] = str):
        """`compact`: what of an ID is kept to tell IDs apart (it stays in memory per record)."""
        self.context, self.table, self.compact = context, table, compact
        # key → its record's id; negative: a registry record found by the ID (a tuple per key
        # would cost a third more memory at 100,000 keys)
        self.decided: dict[str, int] = {}
        self.claimed: dict[Hashable, int] = {}  # an ID (compacted) of a record created here → it
        self.registered: set[str] = set()  # keys of this file the registry holds
        self.pool: list[int] = []  # reserved ids, the next one last

    def resolve(self, key: pd.Series, by_key: pd.Series, alt: pd.Series, owner: pd.Series
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every row's record: `by_key`'s (the registry's record of its key, NaN when none), else
        as `decide` says (rows whose key the registry does not hold). Returns what decide does,
        for every row."""
        loose = by_key.isna().to_numpy()
        self.registered.update(key[~loose].tolist())
        existing = by_key.to_numpy(dtype=np.float64).copy()
        created = np.full(len(key), np.nan)
        attach = np.zeros(len(key), dtype=bool)
        drop = np.zeros(len(key), dtype=bool)
        if loose.any():
            existing[loose], created[loose], attach[loose], drop[loose] = self.decide(
                key[loose], alt[loose], owner[loose])
        return existing, created, attach, drop

    def decide(self, key: pd.Series, alt: pd.Series, owner: pd.Series
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For rows whose key the registry does not hold: `alt` the row's ID (None when none),
        `owner` the registry record holding that ID (NaN when none). Returns, per row, the
        registry record (NaN when the row creates one), the new record's id (NaN when not), whether
        the key is attached to a registry record found by its ID, and whether the ID is left off."""
        n = len(key)
        existing = np.full(n, np.nan)
        created = np.full(n, np.nan)
        attach = np.zeros(n, dtype=bool)
        drop = np.zeros(n, dtype=bool)
        if not n:
            return existing, created, attach, drop
        self._reserve(n)
        decided, claimed, pool, compact = self.decided, self.claimed, self.pool, self.compact
        owners = owner.to_numpy(dtype=np.float64)
        for i, (k, a) in enumerate(zip(key.tolist(), alt.tolist(), strict=True)):
            a = compact(a) if isinstance(a, str) and a else None
            held = None if np.isnan(owners[i]) else int(owners[i])
            record = decided.get(k)
            if record is None:
                if a is not None and held is not None:
                    record = -held
                elif a is not None and a in claimed:
                    record = claimed[a]
                else:
                    record = pool.pop()
                decided[k] = record
            pk, new = abs(record), record > 0
            if a is not None:
                holder = held if held is not None else claimed.get(a)
                if holder is None:
                    if new:
                        claimed[a] = pk
                elif holder != pk:
                    drop[i] = True
            if new:
                created[i] = pk
            else:
                existing[i] = pk
                attach[i] = True
        return existing, created, attach, drop

    def _reserve(self, n: int) -> None:
        """At least `n` ids in the pool: nextval of the table's sequence, one round trip before
        the server's next statement (ids reserved and not used are a gap in the sequence, as a
        rolled-back INSERT leaves)."""
        if len(self.pool) >= n:
            return
        (text,) = self.context.lookup(  # a sequence: nothing queued changes what it hands out
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) "
            "SELECT string_agg(nextval(s.seq)::text, ',') FROM s, generate_series(1, %s)",
            [self.table, n - len(self.pool)])[0]
        ids = np.array(text.split(","), dtype=np.int64)
        self.pool = [*np.sort(ids)[::-1].tolist(), *self.pool]

    def has(self, key: str) -> bool:
        return key in self.decided or key in self.registered

    def count(self) -> int:
        """How many keys the file's staged rows have."""
        return len(self.decided) + len(self.registered)

    def keys(self) -> tuple[list[str], np.ndarray]:
        """Every key decided in this file, and its record's id."""
        ids = np.fromiter(self.decided.values(), dtype=np.int64, count=len(self.decided))
        return list(self.decided), np.abs(ids)

    def created(self) -> np.ndarray:
        """The ids of the records this file creates (each once)."""
        ids = np.fromiter(self.decided.values(), dtype=np.int64, count=len(self.decided))
        return np.unique(ids[ids > 0])
