"""One used file of a 43-file import: its lines read (source), those the fingerprints skip
counted as unchanged, the others parsed and checked a chunk at a time, staged, and moved into the
registry by the file's step; then the fingerprints of what was applied cleanly kept for the next
import (fingerprints).

The lines applied come in two rounds: first every line whose fingerprint is not kept (new or
changed, and on a first import every line), then the kept lines of each group (registry key) that
the first round touched or whose kept lines are no longer all in the file, so that the rows of
one key are always applied together. Memory stays at the file's lines plus one chunk.
"""

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from imports.errors import ImportFileError

from .bundle import Member
from .context import Context, keys
from .fingerprints import Fingerprints, Plan, among, group_prints
from .report import Checks, FileProblems, kept_room
from .source import Source
from .steps import FileResult, Step
from .values import _SPACES


class InFile:
    """A message about one file of the upload: `PERSON.TXT: <message>`, rendered in the language
    active when it is shown (kernel.i18n.bilingual renders it in both)."""

    def __init__(self, name: str, error: ImportFileError):
        self.name, self.error = name, error

    def __str__(self) -> str:
        message = self.error.message
        return f"{self.name}: {message % self.error.params if self.error.params else message}"


def in_file(name: str, error: ImportFileError) -> ImportFileError:
    return ImportFileError(InFile(name, error))



@dataclass
class _Applied:
    """The lines applied in this import: positions in the source, groups, clean or not."""

    at: list[np.ndarray] = field(default_factory=list)
    groups: list[np.ndarray] = field(default_factory=list)
    clean: list[np.ndarray] = field(default_factory=list)

    def joined(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.at:
            return np.empty(0, np.int64), np.empty(0, np.uint64), np.empty(0, bool)
        return np.concatenate(self.at), np.concatenate(self.groups), np.concatenate(self.clean)


def load_file(context: Context, step_class: type[Step], member: Member, source: Source, *, chunk_rows: int,
              advance: Callable[[float], None], earlier: list[FileProblems],
              defer: bool = False) -> "Loaded":
    """Import one file (`source`: its lines, source_read); Loaded.done() gives its result. With
    `defer`, and a step whose finish no later file needs to read its rows (Step.deferrable),
    the finish's set-based statements are queued on the server's thread and this returns at
    once, the next file read while they run: done() waits for them."""
    facts = source.facts
    result = FileResult(file=member.spec.name, name=member.name, columns=facts.fields, header=facts.header,
                        encoding=facts.encoding.replace("utf-8-sig", "utf-8"))
    problems = FileProblems(spec=member.spec, name=member.name, path=member.path, encoding=facts.encoding,
                            skip=facts.skip, header_text=facts.header_text, glued_row=facts.glued_row)
    step = step_class(context, member, result)
    prints = (Fingerprints(context, member.spec.name, extra=step.rules(), space=step.space)
              if step.fingerprinted else None)
    total = max(len(source.lines), 1)
    if prints is None:
        first, found, plan = np.arange(len(source.lines)), np.zeros(len(source.lines), bool), None
    else:
        plan = prints.plan(source.prints)
        found = plan.found
        first = np.flatnonzero(~found)
    applied = _Applied()
    waiting: list[tuple[pd.DataFrame, np.ndarray, np.ndarray]] = []  # parsed, not yet applied
    started = False

    def flush() -> None:
        nonlocal started
        if not waiting:
            return
        if not started:
            step.begin()
            started = True
        frame, at, groups = waiting[0]
        if len(waiting) > 1:  # in the file's order, as a file is read
            at = np.concatenate([a for _f, a, _g in waiting])
            order = np.argsort(at, kind="stable")
            frame = pd.concat([f for f, _a, _g in waiting]).iloc[order]
            at, groups = at[order], np.concatenate([g for _f, _a, g in waiting])[order]
        applied.at.append(at)
        applied.groups.append(groups)
        waiting.clear()
        _chunk(context, step, frame, problems, result, earlier, applied)

    def parsed(which: np.ndarray, few: bool = False) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        frame = source.parse_few(which) if few else source.parse(which)
        at = np.searchsorted(source.numbers, frame.index.to_numpy())
        if step.fingerprinted and not frame.empty:
            one, other = step.group_columns
            groups = group_prints(keys(frame[one], frame[other]))
        else:
            groups = np.zeros(len(frame), np.uint64)
        return frame, at, groups

    both = _both_rounds(source, plan, first, step, chunk_rows, parsed, waiting)
    if both is not None:  # next month: a few changed lines and their groups, parsed at once
        result.rows += sum(len(f) for f, _a, _g in waiting)
        advance(1.0)
    again = both if both is not None else np.zeros(len(found), bool)
    for round_ in (1, 2) if both is None else ():
        if round_ == 2:
            if plan is None or not found.any():
                break
            groups = np.concatenate([*applied.groups, *(g for _f, _a, g in waiting)]) \
                if applied.groups or waiting else np.empty(0, np.uint64)
            again = found & among(plan.group, np.union1d(groups, plan.mismatched))
            first = np.flatnonzero(again)
        for start in range(0, len(first), chunk_rows):
            frame, at, groups = parsed(first[start:start + chunk_rows])
            result.rows += len(frame)
            if frame.empty:
                continue
            waiting.append((frame, at, groups))
            # A few changed rows of each round are applied together, whole chunks as they come.
            if sum(len(f) for f, _a, _g in waiting) >= chunk_rows:
                flush()
            advance(min((start + chunk_rows) / total, 1.0))
    flush()
    notes: dict[str, int] = {}
    if plan is not None and prints is not None and found.any():
        skipped = found & ~again
        result.rows += int(skipped.sum())
        notes = prints.notes_of(plan.at[skipped])
    if started and both is not None:
        # A few staged rows: said to the planner (a temporary table is never analysed, and
        # guessed at a thousand rows it is joined to the registry by a scan of the whole table);
        # queued: it runs after this file's COPYs and before its finish, without waiting here.
        context.submit(f"ANALYZE {step.table}")
    # The rows of this file are all prepared: a later file's rows of the same table are no
    # longer of persons it alone wrote (Context.fresh).
    context.written.add(step.table)
    # Of the lines, only the error report's are needed from here on: the others are let go
    # before the next file is read, while this file's finish may still be queued.
    problems.originals = source.originals({problem.line for problem in problems.problems})
    source.lines = []
    loaded = Loaded(step=step, source=source, prints=prints, applied=applied, notes=notes,
                    result=result, problems=problems)
    if not started:
        loaded.unclean.set_result(set())
        return loaded
    step.settle()
    if defer and step.deferrable:
        def finish(name=member.name) -> set[int]:
            try:
                return step.finish()
            except ImportFileError as error:  # named here: it may surface in a later file's wait
                raise in_file(name, error) from None
        loaded.unclean = context.defer(finish)
    else:
        loaded.unclean.set_result(step.finish())
    return loaded


@dataclass
class Loaded:
    """A file whose rows are staged, and whose step's finish has run or is queued (unclean: the
    lines its finish found not cleanly applied)."""

    step: Step
    source: Source
    prints: Fingerprints | None
    applied: _Applied
    notes: dict[str, int]
    result: FileResult
    problems: FileProblems
    unclean: Future = field(default_factory=Future)

    def done(self) -> tuple[FileResult, FileProblems]:
        """The step's finish ended (its error raised here), its notes counted and the
        fingerprints of what it applied cleanly kept."""
        unclean = self.unclean.result()
        source, step, notes = self.source, self.step, self.notes
        at, groups, clean = self.applied.joined()
        noted = _notes(source.numbers[at], step.noted)
        for text in pd.unique(noted[noted != ""]) if len(noted) else ():
            notes[text] = notes.get(text, 0) + int((noted == text).sum())
        step.describe(notes)
        if self.prints is not None:
            if unclean:
                clean &= ~np.isin(source.numbers[at], np.fromiter(unclean, dtype=np.int64))
            self.prints.applied(source.prints[at], groups, noted, clean)
            self.prints.save()
        return self.result, self.problems


def _both_rounds(source: Source, plan: Plan | None, first: np.ndarray, step: Step, chunk_rows: int, parsed,
                 waiting: list) -> np.ndarray | None:
    """When the changed lines (`first`) are few and some lines are kept: both rounds' lines in
    one parse (Source.parse_few, one chunk), their groups first guessed from the lines' bytes;
    the mask of kept lines applied again, as round 2 would choose them (the frame goes to
    `waiting`). None: the rounds as usual."""
    if plan is None or not plan.found.any() or not len(first) or len(first) >= chunk_rows:
        return None
    found = plan.found
    guessed = _line_groups(source, first, step.group_columns)
    which = np.union1d(first, np.flatnonzero(found & among(plan.group, np.union1d(guessed, plan.mismatched))))
    if len(which) >= chunk_rows:
        return None
    frame, at, groups = parsed(which, few=True)
    # The groups as parsed decide (a guess that missed a group only costs a second parse).
    again = found & among(plan.group, np.union1d(groups[~found[at]], plan.mismatched))
    parsed_now = np.zeros(len(found), bool)
    parsed_now[which] = True
    missing = np.flatnonzero(again & ~parsed_now)
    keep = ~found[at] | again[at]
    if not keep.all():
        frame, at, groups = frame[keep], at[keep], groups[keep]
    if len(missing):
        more, more_at, more_groups = parsed(missing, few=True)
        at = np.concatenate([at, more_at])
        order = np.argsort(at, kind="stable")
        frame = pd.concat([frame, more]).iloc[order]
        at, groups = at[order], np.concatenate([groups, more_groups])[order]
    if not frame.empty:
        waiting.append((frame, at, groups))
    return again


def _line_groups(source: Source, which: np.ndarray, columns: tuple[str, str]) -> np.ndarray:
    """The groups of the lines at `which` as read straight from their bytes (a guess: cells
    split at `|`, decoded, stripped), sorted and unique."""
    one, other = (source.positions.get(column) for column in columns)
    codec, found = source.codec, []
    for index in which.tolist():
        cells = source.lines[index].split(b"|")
        found.append("|".join(cells[at].decode(codec, errors="replace").strip(_SPACES)
                              if at is not None and at < len(cells) else "" for at in (one, other)))
    return np.unique(group_prints(pd.Series(found, dtype=object)))


def _chunk(context: Context, step: Step, frame: pd.DataFrame, problems: FileProblems,
           result: FileResult, earlier: list[FileProblems], applied: _Applied) -> None:
    checks = Checks(frame.index)
    staged = step.prepare(frame, checks)
    problems.add(checks, kept_room([*earlier, problems]))
    result.rejected += int(checks.bad.sum())
    result.warnings += int((checks.warned & ~checks.bad).sum())
    applied.clean.append((~checks.bad & ~checks.warned).to_numpy())
    if staged is not None and not staged.empty:
        context.copy(step.table, staged, tuple(step.columns))


def _notes(numbers: np.ndarray, noted: list[tuple[np.ndarray, str]]) -> np.ndarray:
    """The note of each applied line ("" for none), in the order of `numbers`."""
    out = np.full(len(numbers), "", dtype=object)
    if not noted or not len(numbers):
        return out
    order = np.argsort(numbers, kind="stable")
    ordered = numbers[order]
    for lines, text in noted:
        at = np.searchsorted(ordered, lines)
        hit = (at < len(ordered)) & (ordered[np.minimum(at, len(ordered) - 1)] == lines)
        out[order[at[hit]]] = text
    return out

