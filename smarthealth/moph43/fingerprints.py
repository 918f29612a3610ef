"""The fingerprints of the rows earlier imports applied, kept per file in the municipality's own
schema (Moph43Digest), so that next month's export, mostly the same rows, is read but not worked
on again: an unchanged row is counted as unchanged before it is parsed, decrypted or written.

Kept for each row applied cleanly (not rejected, no warning, attached to its key):
- its line's fingerprint (source.line_prints: the bytes, and the layout that reads them);
- its group: the key of the registry record it lands on (HOSPCODE|PID for PERSON and the care
  files, HOSPCODE|HID for HOME), hashed;
- its note: what the file's result says of it besides the counts (a person not living in the
  area, a test other than Barthel, an ICD-10 code no range maps), so the result stays whole.

A row of the file is skipped when all of these hold, and applied as usual otherwise:
1. its fingerprint is kept, under the same rules: the kind names the rules that decide what a row
   becomes (RULES_VERSION, the code of the import itself, the time zone, the national-ID hash
   key, and for CHRONIC the municipality's ICD-10 table); other rules, and nothing kept is used;
2. its group is as it was: the file holds exactly the lines kept for that key. One changed,
   added or missing line applies all of the group's lines again (several rows of one record are
   chosen among together: the newest D_UPDATE, another open CHRONIC row, the last row of a day);
3. its key is still in the registry: a person erased (their key taken off) or a record deleted
   since is applied again, and so are the rows that depend on it. Only keys leave the registry
   outside an import, so a count of the keyed records, kept with the fingerprints, tells when
   to look (a full comparison of the keys then).

Only an optimisation: what is skipped is exactly what applying it again would leave as it is,
with one intended exception that is the issue's rule, "the same zip again changes nothing": a
care record or value corrected by hand is not overwritten by the unchanged row it came from.
"""

import hashlib
import inspect
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings

from imports import parsing
from kernel import geo, national_id, text

from .. import crypto, rules
from .. import imports as health_imports

# Bump when what a row turns into changes in a way the code's own digest would not show (a
# dependency's behaviour, a data migration of the registry): every fingerprint is then dropped.
RULES_VERSION = "2"
REGISTRY = "REGISTRY"  # the kind of the keyed-record counts
SPACES = {"person": ("smarthealth_person", "pid"), "household": ("smarthealth_household", "hid")}
_MAGIC = b"M43F2\n"
# A file's changes since its full blob (kind + CHANGES): the entries added and the positions of
# the full blob's entries removed, so that next month writes kilobytes, not the whole file's
# fingerprints again; the full blob is written again once the changes grow past a quarter of it.
CHANGES = "+"
_MAGIC_CHANGES = b"M43C1\n"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The source of the modules that decide what a row becomes: a change to any of them (a new
    check, a code mapped otherwise) makes every row be applied again once."""
    package = Path(__file__).resolve().parent
    files = sorted(package.glob("*.py")) + [Path(inspect.getfile(m)) for m in
                                            (rules, health_imports, crypto, parsing, geo, national_id, text)]
    digest = hashlib.blake2b(digest_size=16)
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def kind_of(file: str, extra: str = "") -> str:
    """`FILE:<16 hex digits>`: the file and the rules its rows were applied under."""
    parts = [RULES_VERSION, _code_digest(), settings.TIME_ZONE,
             crypto.cid_hash("moph43-rules")[:16],  # the key's fingerprint, never the key
             extra]
    return f"{file}:{hashlib.blake2b('|'.join(parts).encode(), digest_size=8).hexdigest()}"


def among(values: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """np.isin(values, chosen) for a few `chosen` among many values: a hash table of the chosen,
    probed once per value (np.isin sorts both for 64-bit hashes; a binary search per value is
    five times slower at 100,000 values)."""
    if not len(chosen) or not len(values):
        return np.zeros(len(values), dtype=bool)
    return pd.Series(values, copy=False).isin(chosen).to_numpy()


def group_prints(keys: pd.Series) -> np.ndarray:
    """The hashed `HOSPCODE|PID` (or |HID) keys."""
    if keys.empty:
        return np.empty(0, np.uint64)
    return pd.util.hash_array(keys.to_numpy(dtype=object), categorize=False)


@dataclass
class Kept:
    line: np.ndarray  # uint64, sorted
    group: np.ndarray  # uint64
    note: np.ndarray  # uint16: 0 none, k = notes[k - 1]
    notes: list[str]

    @classmethod
    def empty(cls) -> "Kept":
        return cls(np.empty(0, np.uint64), np.empty(0, np.uint64), np.empty(0, np.uint16), [])

    @classmethod
    def loads(cls, blob: bytes) -> "Kept":
        if not blob.startswith(_MAGIC):
            return cls.empty()  # an older format: as if nothing were kept
        head_end = blob.index(b"\n", len(_MAGIC))
        head = json.loads(blob[len(_MAGIC):head_end])
        n, body = head["n"], memoryview(blob)[head_end + 1:]
        line = np.frombuffer(body[:8 * n], dtype=np.uint64)
        group = np.frombuffer(body[8 * n:16 * n], dtype=np.uint64)
        note = np.frombuffer(body[16 * n:18 * n], dtype=np.uint16)
        return cls(line, group, note, head["notes"])

    def dumps(self) -> bytes:
        head = json.dumps({"n": len(self.line), "notes": self.notes}).encode()
        return b"".join([_MAGIC, head, b"\n", self.line.astype(np.uint64).tobytes(),
                         self.group.astype(np.uint64).tobytes(), self.note.astype(np.uint16).tobytes()])

    def same(self, other: "Kept") -> bool:
        return (self.notes == other.notes and np.array_equal(self.line, other.line)
                and np.array_equal(self.group, other.group) and np.array_equal(self.note, other.note))


@dataclass
class Plan:
    """What happens to each line of a file: skipped, or applied (now, or again with its group)."""

    found: np.ndarray  # bool per line: its fingerprint is kept
    at: np.ndarray  # per line: its position in the kept arrays (where found)
    group: np.ndarray  # per line: its kept group (where found)
    mismatched: np.ndarray  # groups whose lines in the file are not those kept


def _changes_dumps(added: Kept, removed: np.ndarray) -> bytes:
    head = json.dumps({"n": len(added.line), "r": len(removed), "notes": added.notes}).encode()
    return b"".join([_MAGIC_CHANGES, head, b"\n", added.line.astype(np.uint64).tobytes(),
                     added.group.astype(np.uint64).tobytes(), added.note.astype(np.uint16).tobytes(),
                     removed.astype(np.int64).tobytes()])


def _with_changes(base: Kept, blob: bytes | None) -> tuple[Kept, np.ndarray]:
    """The full blob with its changes applied (sorted), and where each entry comes from: its
    position in the full blob, -1 for an added one. Changes that do not fit: nothing is kept."""
    if blob is None:
        return base, np.arange(len(base.line))
    if not blob.startswith(_MAGIC_CHANGES):
        return Kept.empty(), np.empty(0, np.int64)
    head_end = blob.index(b"\n", len(_MAGIC_CHANGES))
    head = json.loads(blob[len(_MAGIC_CHANGES):head_end])
    n, r, body = head["n"], head["r"], memoryview(blob)[head_end + 1:]
    removed = np.frombuffer(body[18 * n:18 * n + 8 * r], dtype=np.int64)
    if head["notes"][:len(base.notes)] != base.notes or (len(removed) and removed.max() >= len(base.line)):
        return Kept.empty(), np.empty(0, np.int64)
    alive = np.ones(len(base.line), dtype=bool)
    alive[removed] = False
    line = np.concatenate([base.line[alive], np.frombuffer(body[:8 * n], dtype=np.uint64)])
    order = np.argsort(line, kind="stable")
    group = np.concatenate([base.group[alive], np.frombuffer(body[8 * n:16 * n], dtype=np.uint64)])
    note = np.concatenate([base.note[alive], np.frombuffer(body[16 * n:18 * n], dtype=np.uint16)])
    origin = np.concatenate([np.flatnonzero(alive), np.full(n, -1, dtype=np.int64)])
    return Kept(line[order], group[order], note[order], head["notes"]), origin[order]


class Fingerprints:
    """The kept fingerprints of one file of one import, and those it will keep."""

    def __init__(self, context, file: str, *, extra: str = "", space: str = "person"):
        self.context, self.store, self.kind = context, context.kept, kind_of(file, extra)
        blobs = self.store.blobs(file)
        # Other rules' blobs, and changes without their full blob, are dropped.
        self.stale = sorted(kind for kind in blobs if kind != self.kind
                            and (kind != self.kind + CHANGES or self.kind not in blobs))
        self.base = Kept.loads(blobs[self.kind]) if self.kind in blobs else Kept.empty()
        self.changes = blobs.get(self.kind + CHANGES) if self.kind in blobs else None
        self.loaded, self.origin = _with_changes(self.base, self.changes)
        if not len(self.loaded.line):
            self.base = Kept.empty()
        self.kept = self.loaded
        present = self.store.registry_keys(space)
        if present is not None and len(self.kept.line):  # some key left the registry: forget its rows
            still = np.isin(self.kept.group, present)
            if not still.all():
                self.kept = Kept(self.kept.line[still], self.kept.group[still], self.kept.note[still],
                                 self.kept.notes)
                self.origin = self.origin[still]
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # applied: (lines, groups, notes)
        self.applied_groups: list[np.ndarray] = []

    def plan(self, prints: np.ndarray) -> Plan:
        kept = self.kept
        if not len(kept.line) or not len(prints):
            none = np.zeros(len(prints), dtype=bool)
            return Plan(none, np.zeros(len(prints), np.int64), np.zeros(len(prints), np.uint64),
                        np.empty(0, np.uint64))
        at = np.minimum(np.searchsorted(kept.line, prints), len(kept.line) - 1)
        found = kept.line[at] == prints
        group = np.where(found, kept.group[at], np.uint64(0))
        # A group is as it was when the file holds each of its kept lines exactly once: counted
        # per kept line (O(n), no sort of the groups); a line missing or twice marks its group.
        hits = np.bincount(at[found], minlength=len(kept.line))
        return Plan(found, at, group, np.unique(kept.group[hits != 1]))

    def notes_of(self, positions: np.ndarray) -> dict[str, int]:
        """How many of the kept lines at `positions` carry each note (skipped lines' notes)."""
        counts = np.bincount(self.kept.note[positions], minlength=len(self.kept.notes) + 1)
        return {note: int(counts[k + 1]) for k, note in enumerate(self.kept.notes) if counts[k + 1]}

    def applied(self, prints: np.ndarray, groups: np.ndarray, notes: list[str] | np.ndarray,
                clean: np.ndarray) -> None:
        """Lines applied now (their fingerprints, groups, notes), kept where `clean`."""
        self.applied_groups.append(groups)
        notes = np.asarray(notes, dtype=object)
        self.parts.append((prints[clean], groups[clean], notes[clean]))

    def save(self) -> None:
        """Keep the lines applied cleanly now, and the kept lines of every group not applied now."""
        kept = self.kept
        if self.applied_groups:
            stay = ~among(kept.group, np.unique(np.concatenate(self.applied_groups)))
        else:
            stay = np.ones(len(kept.line), dtype=bool)
        vocabulary = list(kept.notes)
        index = {note: k + 1 for k, note in enumerate(vocabulary)}
        lines, groups, notes = [kept.line[stay]], [kept.group[stay]], [kept.note[stay]]
        origins = [self.origin[stay]]
        for part_lines, part_groups, part_notes in self.parts:
            codes = np.zeros(len(part_notes), dtype=np.uint16)
            for note in pd.unique(part_notes[part_notes != ""]) if len(part_notes) else ():
                if note not in index:
                    vocabulary.append(note)
                    index[note] = len(vocabulary)
                codes[part_notes == note] = index[note]
            lines.append(part_lines)
            groups.append(part_groups)
            notes.append(codes)
            origins.append(np.full(len(part_lines), -1, dtype=np.int64))
        line = np.concatenate(lines)
        order = np.argsort(line, kind="stable")
        new = Kept(line[order], np.concatenate(groups)[order], np.concatenate(notes)[order], vocabulary)
        if self.stale:
            self.store.forget(self.stale)
        if new.same(self.loaded):
            return  # the same zip again: nothing is written
        origin = np.concatenate(origins)[order]
        added = origin < 0
        removed = np.ones(len(self.base.line), dtype=bool)
        removed[origin[~added]] = False
        changed = int(added.sum()) + int(removed.sum())
        if not len(self.base.line) or 4 * changed > len(self.base.line):
            self.store.keep(self.kind, new.dumps())
            if self.changes is not None:
                self.store.forget([self.kind + CHANGES])
            return
        self.store.keep(self.kind + CHANGES, _changes_dumps(
            Kept(new.line[added], new.group[added], new.note[added], vocabulary), np.flatnonzero(removed)))


def _count_sql(space: str) -> str:
    table, local = SPACES[space]
    return f"SELECT count(*) FROM {table} WHERE {local} IS NOT NULL"


class Store:
    """The municipality's kept fingerprints: all read in one statement when the import starts
    (on the second thread, while the upload is opened), and the counts of keyed records then,
    one statement per space, queued after it: a file waits only for what it reads (HOME for the
    households' count, not for the persons' longer one); what this import keeps is written on
    the second thread too."""

    def __init__(self, context):
        self.context = context
        self.answer = context.ask("SELECT kind, digests FROM smarthealth_moph43digest", binary=True)
        # households first: HOME is read before PERSON
        self.counted = {space: context.ask(_count_sql(space)) for space in ("household", "person")}
        self._blobs: dict[str, bytes] | None = None
        self.before: dict[str, int] = {}
        # Keys this import gave the registry (created, or attached to a record without one), by
        # space: the counts once it is done are those of its start plus these (keep_registry).
        self.added = dict.fromkeys(SPACES, 0)
        self._present: dict[str, np.ndarray] = {}

    def _read(self) -> dict[str, bytes]:
        if self._blobs is None:
            self.context.wait_for(self.answer)
            self._blobs = {kind: bytes(blob) for kind, blob in self.answer.result()}
            kept = self._blobs.pop(REGISTRY, None)
            self.before = json.loads(kept) if kept is not None else {}
        return self._blobs

    def now(self, space: str) -> int:
        """The count of keyed records of `space` when the import started."""
        self.context.wait_for(self.counted[space])
        return self.counted[space].result()[0][0]

    def moved(self, space: str) -> bool:
        """Whether the count of `space` differs from the one the last import left (a key left)."""
        self._read()
        return self.before.get(space) != self.now(space)

    def blobs(self, file: str) -> dict[str, bytes]:
        """The kept fingerprints of `file`, by kind (those of this import if it kept some)."""
        return {kind: blob for kind, blob in self._read().items() if kind.partition(":")[0] == file}

    def registry_keys(self, space: str) -> np.ndarray | None:
        """None when no key of `space` (person, household) left the registry since the last
        import; else the hashed keys it holds now (kept fingerprints of others are dropped)."""
        if not self.moved(space):
            return None
        if space not in self._present:
            self._present[space] = registry_present(self.context, space)
        return self._present[space]

    def keep(self, kind: str, blob: bytes) -> None:
        """Moph43Digest `kind` := blob (one statement, on the second thread; the blob sent as
        binary, not as hex text)."""
        self._read()[kind] = blob
        self.context.submit(
            "INSERT INTO smarthealth_moph43digest (kind, digests, updated_at) VALUES (%s, %b, now()) "
            "ON CONFLICT (kind) DO UPDATE SET digests = excluded.digests, updated_at = excluded.updated_at",
            [kind, blob], binary=True)

    def forget(self, kinds: list[str]) -> None:
        for kind in kinds:
            self._read().pop(kind, None)
        self.context.submit("DELETE FROM smarthealth_moph43digest WHERE kind = ANY(%s)", [kinds])

    def keep_registry(self) -> None:
        """The counts of keyed records once this import is done, for the next one to compare:
        those of its start plus the keys it added (no key leaves the registry in an import), so
        no second count of the registry; written only when they changed. A key erased while this
        import ran is then still noticed by the next one."""
        self._read()
        after = {space: self.now(space) + self.added[space] for space in SPACES}
        if after == self.before:
            return
        self.context.submit(
            "INSERT INTO smarthealth_moph43digest (kind, digests, updated_at) VALUES (%s, %s, now()) "
            "ON CONFLICT (kind) DO UPDATE SET digests = excluded.digests, updated_at = excluded.updated_at",
            [REGISTRY, json.dumps(after).encode()])


def registry_present(context, space: str) -> np.ndarray:
    """The hashed keys the registry holds in `space`, sorted."""
    table, local = SPACES[space]
    # Read before the server's next statement (Context.lookup): a finish still queued gives keys
    # only to the records this import made, and those have no kept fingerprints to drop.
    keys = [key for (key,) in context.lookup(
        f"SELECT hospcode || '|' || {local} FROM {table} WHERE {local} IS NOT NULL AND hospcode IS NOT NULL")]
    return np.unique(group_prints(pd.Series(keys, dtype=object)))
