"""Remembered spellings (ValueMapping): saved from an import's preview, where a user says what each
unknown value of the file means; edited and deleted on their own page. The engine applies them to
every later import of the dataset in this municipality (Dataset.resolved)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kernel.text import spelling_key

from . import registry
from .models import ImportJob, ValueMapping
from .registry import CHOICE, CODES, Dataset
from .services import ImportRefused, _enqueue
from .vocab_preview import choice_targets

SOURCE_MAX = 200  # ValueMapping.source's max_length


@dataclass(frozen=True)
class MappingChoice:
    """One value of a file and what the user says it is."""

    column: str
    source: str  # the value's spelling key (kernel.text.spelling_key), as the engine compares it
    source_text: str  # as the file writes it, for people to read
    target: str


def _dataset_for(dataset: str, user: Any) -> Dataset:
    spec = registry.get(dataset)
    if spec is None:
        raise ImportRefused(_("Unknown dataset."))
    if not user.has_perm(spec.permission):
        raise ImportRefused(_("You may not import this dataset."))
    return spec


def value_mapping_targets(*, spec: Dataset, column: str) -> dict[str, str]:
    """The values `column` accepts now (in the current schema) → the label people read."""
    match = [c for c in spec.columns if c.key == column and c.type in (CHOICE, CODES)]
    if not match:
        raise ImportRefused(_("This column takes no list of values."))
    resolved = spec.resolved().column(column)
    language = "en" if (get_language() or "").startswith("en") else "th"
    return {target["value"]: target["label"][language] for target in choice_targets(resolved)}


def _check_target(spec: Dataset, column: str, target: str) -> None:
    if target not in value_mapping_targets(spec=spec, column=column):
        raise ImportRefused(_("“%(value)s” is not a value this column accepts.") % {"value": target})


@transaction.atomic
def value_mapping_save(*, job: ImportJob, user: Any, choices: Sequence[MappingChoice]) -> int:
    """Remember what each value means for the job's dataset, then prepare the job's preview again
    (by the preview task, as after the upload) so it shows the rows these values now let in.
    Returns how many values were remembered."""
    spec = _dataset_for(job.dataset, user)
    saved = 0
    for choice in choices:
        source = spelling_key(choice.source)
        if not source or len(source) > SOURCE_MAX:
            continue  # a cell of a paragraph is no spelling of a choice
        _check_target(spec, choice.column, choice.target)
        ValueMapping.objects.update_or_create(
            dataset=spec.key, column=choice.column, source=source,
            defaults={"target": choice.target, "source_text": choice.source_text[:SOURCE_MAX]},
            create_defaults={"target": choice.target, "source_text": choice.source_text[:SOURCE_MAX],
                             "created_by": user},
        )
        saved += 1
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if saved and job.status == ImportJob.Status.PREVIEW and job.preview:
        job.preview, job.attempts, job.sent_at = {}, 0, None
        job.save(update_fields=["preview", "attempts", "sent_at"])
        _enqueue(job)
    return saved


@transaction.atomic
def value_mapping_update(*, mapping: ValueMapping, user: Any, target: str) -> ValueMapping:
    spec = _dataset_for(mapping.dataset, user)
    _check_target(spec, mapping.column, target)
    mapping.target = target
    mapping.full_clean()
    mapping.save(update_fields=["target", "updated_at"])
    return mapping


@transaction.atomic
def value_mapping_delete(*, mapping: ValueMapping, user: Any) -> None:
    """Forget a spelling: files that use it are rejected on those rows again (as before)."""
    _dataset_for(mapping.dataset, user)
    mapping.delete()
