"""One 43-file import: every used file of the upload, in dependency order, in the caller's one
transaction (imports.services runs it as the dataset's `runner`).

Memory stays at one chunk of one file (CHUNK_ROWS rows) plus the key maps: rows go from the
file to a temporary table by COPY, and from there into the registry by set-based statements.
A row the previous import applied and that has not changed since is recognised by its
fingerprint and skipped before anything else is done with it (next month's export, mostly the
same rows, costs little more than reading it).
"""

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone

from imports.engine import Result
from imports.errors import ImportFileError
from imports.reading import FileInfo

from .bundle import Member, open_bundle, standard_name
from .care import ChronicStep, CommunityServiceStep, DisabilityStep, FunctionalStep, NcdScreenStep
from .context import Context, keys
from .homes import HomeStep, VillageStep, village_names, volunteers_match
from .persons import PersonStep
from .reader import CHUNK_ROWS, FileFacts, Lines, file_facts, read_file, read_lines
from .report import Checks, FileProblems, kept_room, report_zip
from .steps import FileResult, Step

STEPS: dict[str, type[Step]] = {
    "VILLAGE": VillageStep, "HOME": HomeStep, "PERSON": PersonStep, "CHRONIC": ChronicStep,
    "DISABILITY": DisabilityStep, "FUNCTIONAL": FunctionalStep, "NCDSCREEN": NcdScreenStep,
    "COMMUNITY_SERVICE": CommunityServiceStep,
}


@dataclass
class MultiResult(Result):
    """engine.Result's totals, plus each file's counts and the error report (a zip)."""

    file_results: list[dict[str, Any]] = field(default_factory=list)
    report: tuple | None = None


class _InFile:
    """A message about one file of the upload: `PERSON.TXT: <message>`, rendered in the language
    active when it is shown (kernel.i18n.bilingual renders it in both)."""

    def __init__(self, name: str, error: ImportFileError):
        self.name, self.error = name, error

    def __str__(self) -> str:
        message = self.error.message
        return f"{self.name}: {message % self.error.params if self.error.params else message}"


def in_file(name: str, error: ImportFileError) -> ImportFileError:
    return ImportFileError(_InFile(name, error))


def run(*, dataset=None, path: Path, name: str, progress: Callable[[int], None] | None = None,
        chunk_rows: int | None = None) -> MultiResult:
    """Import the upload at `path` (original name `name`); ImportFileError when it, or one of its
    used files as a whole, cannot be read (nothing is loaded then: the caller's transaction)."""
    with open_bundle(path, name) as bundle:
        context = Context()
        try:
            return _run(context, bundle, progress, chunk_rows)
        finally:
            context.close()


def _run(context: Context, bundle, progress, chunk_rows: int | None) -> MultiResult:
    done = 0
    results: list[FileResult] = []
    problems: list[FileProblems] = []
    for member in bundle.used:
        try:
            facts = file_facts(member.path)
        except ImportFileError as error:
            raise in_file(member.name, error) from None

        def advance(part: float, done=done, size=member.size) -> None:
            if progress is not None:
                progress(min(99, int(100 * (done + part * size) / bundle.total_bytes)))

        result, kept = _load(context, member, facts, chunk_rows or CHUNK_ROWS, advance, problems)
        results.append(result)
        problems.append(kept)
        done += member.size
    by_file = {result.file: result for result in results}
    if "VILLAGE" in by_file:
        village_names(context, by_file["VILLAGE"])
    if "HOME" in by_file or "PERSON" in by_file:
        volunteers_match(context, by_file.get("HOME"))
    for result in results:
        result.unchanged = result.rows - result.rejected - result.created - result.updated
    out = MultiResult(info=FileInfo(kind="zip", encoding=_encodings(results), delimiter="|"))
    for attribute in ("rows", "created", "updated", "unchanged", "rejected"):
        setattr(out, attribute, sum(getattr(r, attribute) for r in results))
    out.file_results = [r.as_json() for r in results] + [
        {"file": standard_name(entry), "name": entry, "used": False} for entry in bundle.not_used]
    out.report = report_zip(problems, stem=timezone.now().strftime("%Y%m%d%H%M%S"))
    return out


def _encodings(results: list[FileResult]) -> str:
    found = sorted({r.encoding.replace("utf-8-sig", "utf-8") for r in results if r.encoding})
    return ", ".join(found)[:20]


def _load(context: Context, member: Member, facts: FileFacts, chunk_rows: int, advance,
          earlier: list[FileProblems]) -> tuple[FileResult, FileProblems]:
    spec = member.spec
    result = FileResult(file=spec.name, name=member.name, columns=facts.fields,
                        encoding=facts.encoding.replace("utf-8-sig", "utf-8"))
    step = STEPS[spec.name](context, member, result)
    step.begin()
    digests = None
    try:
        if step.digested and not step.grouped:
            facts, lines = read_lines(member.path, spec, block=chunk_rows, facts=facts)
            # A raw line means what the file's columns say: the layout is part of the kind.
            positions = sorted((lines.positions if lines is not None else {}).items())
            layout = ",".join(f"{name}={position}" for name, position in positions)
            digests = context.digests(f"{step.digest_kind()}:{zlib.crc32(layout.encode()):08x}")
            source = _changed_lines(lines, digests, result) if lines is not None else iter(())
        else:
            digests = context.digests(step.digest_kind()) if step.digested else None
            facts, chunks = read_file(member.path, spec, chunk_rows=chunk_rows, facts=facts)
            source = _changed_rows(_whole(chunks) if step.grouped else chunks, step, digests, result)
    except ImportFileError as error:
        raise in_file(member.name, error) from None
    result.header = facts.header
    kept = FileProblems(spec=spec, name=member.name, path=member.path, encoding=facts.encoding,
                        skip=facts.skip, header_text=facts.header_text, glued_row=facts.glued_row)
    # Rows left after the fingerprints are gathered until a chunk's worth: next month's few
    # changed rows are checked together, not chunk by chunk.
    waiting: list[tuple[pd.DataFrame, np.ndarray | None]] = []
    try:
        for frame, prints in source:
            if not frame.empty:
                waiting.append((frame, prints))
            if sum(len(f) for f, _p in waiting) >= chunk_rows:
                _chunk(context, step, *_joined(waiting), digests, kept, result, earlier)
                waiting = []
            advance(min(result.rows / max(facts.records, 1), 1.0))
        if waiting:
            _chunk(context, step, *_joined(waiting), digests, kept, result, earlier)
    except ImportFileError as error:
        raise in_file(member.name, error) from None
    unclean = step.finish()
    if digests is not None:
        digests.save(unclean=unclean)
    return result, kept


def _changed_lines(lines: Lines, digests, result: FileResult):
    """(rows, fingerprints) of the lines the previous import did not apply as they are now: the
    fingerprint is the raw line's, so an unchanged line is never even parsed."""
    for numbers, raw in lines:
        text = np.array(raw, dtype=object)
        prints = pd.util.hash_array(text, categorize=False)
        skip = digests.seen(prints)
        digests.skipped(prints[skip])
        result.rows += int(skip.sum())
        if skip.all():
            continue
        keep = np.flatnonzero(~skip)
        frame = lines.parse(numbers[keep], text[keep].tolist())
        result.rows += len(frame)
        yield frame, pd.Series(prints[keep], index=numbers[keep]).reindex(frame.index).to_numpy(np.uint64)


def _changed_rows(chunks, step: Step, digests, result: FileResult):
    """(rows, fingerprints or None) of parsed chunks, less those the previous import applied."""
    for frame in chunks:
        result.rows += len(frame)
        if digests is None:
            yield frame, None
            continue
        prints = digests.of(frame)
        skip = digests.seen(prints)
        if step.grouped and skip.any() and not skip.all():
            # A person with a changed row: all of their rows again.
            owner = keys(frame["HOSPCODE"], frame["PID"])
            skip &= ~owner.isin(pd.unique(owner[~skip])).to_numpy()
        digests.skipped(prints[skip])
        yield frame[~skip], prints[~skip]


def _chunk(context: Context, step: Step, frame, prints, digests, kept: FileProblems, result: FileResult,
           earlier: list[FileProblems]) -> None:
    checks = Checks(frame.index)
    staged = step.prepare(frame, checks)
    kept.add(checks, kept_room([*earlier, kept]))
    result.rejected += int(checks.bad.sum())
    result.warnings += int((checks.warned & ~checks.bad).sum())
    if digests is not None and prints is not None:
        clean = (~checks.bad & ~checks.warned).to_numpy()
        digests.applied(frame.index[clean], prints[clean])
    if staged is not None and not staged.empty:
        context.copy(step.table, staged, tuple(step.columns))


def _joined(waiting: list[tuple[pd.DataFrame, np.ndarray | None]]) -> tuple[pd.DataFrame, np.ndarray | None]:
    if len(waiting) == 1:
        return waiting[0]
    frame = pd.concat([f for f, _p in waiting])
    prints = None if waiting[0][1] is None else np.concatenate([p for _f, p in waiting])
    return frame, prints


def _whole(chunks):
    """One frame of the whole file (the per-person files, CHRONIC and DISABILITY, are small)."""
    frames = list(chunks)
    if frames:
        yield pd.concat(frames) if len(frames) > 1 else frames[0]


__all__ = ["MultiResult", "run"]
