"""One 43-file import: every used file of the upload, in dependency order, in the caller's one
transaction (imports.services runs it as the dataset's `runner`).

Memory stays at one file's lines and one chunk of its rows plus the key maps: rows go from the
file to a temporary table by COPY, and from there into the registry by set-based statements
(load). A row an earlier import applied and that has not changed since is recognised by its
fingerprint and skipped before anything else is done with it (fingerprints): next month's
export, mostly the same rows, costs little more than reading it.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from imports.engine import Result
from imports.errors import ImportFileError
from imports.reading import FileInfo

from .bundle import open_bundle, standard_name
from .care import ChronicStep, CommunityServiceStep, DisabilityStep, FunctionalStep, NcdScreenStep
from .context import Context
from .homes import HomeStep, VillageStep, village_names, volunteers_match
from .load import InFile, Loaded, in_file, load_file
from .persons import PersonStep
from .reader import CHUNK_ROWS
from .report import FileProblems, report_zip
from .source import Source, source_read
from .steps import FileResult, Step

READ_AHEAD = 2  # files read (inflated, split, fingerprinted) ahead of the one being loaded

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


def run(*, dataset=None, path: Path, name: str, progress: Callable[[int], None] | None = None,
        chunk_rows: int | None = None) -> MultiResult:
    """Import the upload at `path` (original name `name`); ImportFileError when it, or one of its
    used files as a whole, cannot be read (nothing is loaded then: the caller's transaction)."""
    with open_bundle(path, name, extract=False) as bundle:
        context = Context()
        try:
            return _run(context, bundle, progress, chunk_rows)
        finally:
            context.close()


def _run(context: Context, bundle, progress, chunk_rows: int | None) -> MultiResult:
    # The next files are inflated and split into fingerprinted lines on threads of their own while
    # this one loads (zlib lets go of the GIL, and so does this thread while it waits on the
    # database): two at a time, so that PERSON, the largest, is read while HOME is loaded.
    reader = ThreadPoolExecutor(max_workers=READ_AHEAD, thread_name_prefix="moph43-read")
    try:
        return _files(context, bundle, progress, chunk_rows, reader)
    finally:
        reader.shutdown(wait=True, cancel_futures=True)


def _files(context: Context, bundle, progress, chunk_rows: int | None, reader: ThreadPoolExecutor
           ) -> MultiResult:
    done = 0
    results: list[FileResult] = []
    problems: list[FileProblems] = []
    shown = [-1]
    ahead = [reader.submit(_source, member) for member in bundle.used[:READ_AHEAD]]
    for member in bundle.used:  # asked now, read when the file comes (after finishes queued meanwhile)
        if STEPS[member.spec.name].rules_sql:
            context.ask_early(STEPS[member.spec.name].rules_sql)
    outstanding: list[Loaded] = []  # files whose finish is queued on the server's thread, in order
    for number, member in enumerate(bundle.used):
        data = ahead.pop(0)
        if number + READ_AHEAD < len(bundle.used):
            ahead.append(reader.submit(_source, bundle.used[number + READ_AHEAD]))

        def advance(part: float, done=done, size=member.size) -> None:
            value = min(99, int(100 * (done + part * size) / bundle.total_bytes))
            if progress is not None and value != shown[0]:  # a cache write per percent, not per chunk
                shown[0] = value
                progress(value)

        try:
            assert data is not None
            source, data = data.result(), None
            if any(loaded.result.file == member.spec.name for loaded in outstanding):
                _complete(outstanding, results)  # a second file of a kind reads what the first kept
            loaded = load_file(context, STEPS[member.spec.name], member, source,
                               chunk_rows=chunk_rows or CHUNK_ROWS, advance=advance, earlier=problems,
                               defer=True)
            outstanding.append(loaded)
            # Finishes still queued go on while the next files are read: a file's lines are let go
            # when it is staged (load_file), so what waits holds only its counts and fingerprints.
            while outstanding and outstanding[0].unclean.done():
                _complete([outstanding.pop(0)], results)
        except ImportFileError as error:
            raise _named(member.name, error) from None
        problems.append(loaded.problems)
        done += member.size
    _complete(outstanding, results)
    by_file = {result.file: result for result in results}
    if "VILLAGE" in by_file or "HOME" in by_file:  # households without a community: the register's
        village_names(context, by_file.get("VILLAGE"))
    if "HOME" in by_file or "PERSON" in by_file:
        volunteers_match(context, by_file.get("HOME"))
    context.kept.keep_registry()
    context.scratch_drop()
    context.wait()  # what went to the second thread is done (or its error raised) before the commit
    for result in results:
        result.unchanged = result.rows - result.rejected - result.created - result.updated
    out = MultiResult(info=FileInfo(kind="zip", encoding=_encodings(results), delimiter="|"))
    for attribute in ("rows", "created", "updated", "unchanged", "rejected"):
        setattr(out, attribute, sum(getattr(r, attribute) for r in results))
    out.file_results = [r.as_json() for r in results] + [
        {"file": standard_name(entry), "name": entry, "used": False} for entry in bundle.not_used]
    out.report = report_zip(problems, stem=timezone.now().strftime("%Y%m%d%H%M%S"))
    return out


def _complete(loaded: list[Loaded], results: list[FileResult]) -> None:
    """Each file's finish waited for, in order, and its result added."""
    while loaded:
        file = loaded.pop(0)
        try:
            results.append(file.done()[0])
        except ImportFileError as error:
            raise _named(file.problems.name, error) from None


def _named(name: str, error: ImportFileError) -> ImportFileError:
    """in_file, once: an error that already names its file (a queued finish's) keeps its name."""
    return error if isinstance(error.message, InFile) else in_file(name, error)


def _source(member) -> Source:
    """The member's bytes, checked and split into fingerprinted lines (ImportFileError when it
    cannot be read at all); its bytes are let go as soon as its lines are split."""
    return source_read(member, member.read())


def _encodings(results: list[FileResult]) -> str:
    found = sorted({r.encoding.replace("utf-8-sig", "utf-8") for r in results if r.encoding})
    return ", ".join(found)[:20]


__all__ = ["MultiResult", "run"]
