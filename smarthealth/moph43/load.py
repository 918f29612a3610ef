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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .bundle import Member
from .context import Context, keys
from .fingerprints import Fingerprints, group_prints
from .report import Checks, FileProblems, kept_room
from .source import source_read
from .steps import FileResult, Step


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


def load_file(context: Context, step_class: type[Step], member: Member, data: list[bytes], *, chunk_rows: int,
              advance: Callable[[float], None], earlier: list[FileProblems]
              ) -> tuple[FileResult, FileProblems]:
    """Import one file (`data`: [its bytes], taken out); ImportFileError when it cannot be read
    at all."""
    source = source_read(member, data.pop())
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

    again = np.zeros(len(found), bool)
    for round_ in (1, 2):
        if round_ == 2:
            if plan is None or not found.any():
                break
            groups = np.concatenate([*applied.groups, *(g for _f, _a, g in waiting)]) \
                if applied.groups or waiting else np.empty(0, np.uint64)
            again = found & np.isin(plan.group, np.union1d(np.unique(groups), plan.mismatched))
            first = np.flatnonzero(again)
        for start in range(0, len(first), chunk_rows):
            frame = source.parse(first[start:start + chunk_rows])
            result.rows += len(frame)
            if frame.empty:
                continue
            at = np.searchsorted(source.numbers, frame.index.to_numpy())
            if step.fingerprinted:
                one, other = step.group_columns
                groups = group_prints(keys(frame[one], frame[other]))
            else:
                groups = np.zeros(len(frame), np.uint64)
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
    unclean = step.finish() if started else set()
    at, groups, clean = applied.joined()
    noted = _notes(source.numbers[at], step.noted)
    for text in pd.unique(noted[noted != ""]) if len(noted) else ():
        notes[text] = notes.get(text, 0) + int((noted == text).sum())
    step.describe(notes)
    problems.originals = source.originals({problem.line for problem in problems.problems})
    if prints is not None:
        if unclean:
            clean &= ~np.isin(source.numbers[at], np.fromiter(unclean, dtype=np.int64))
        prints.applied(source.prints[at], groups, noted, clean)
        prints.save()
    return result, problems


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

