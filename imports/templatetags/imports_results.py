"""What an import is and did, in the reader's words: `{{ job|import_result }}` (imports.results)
and `{{ job.dataset|dataset_label }}` (the dataset's name, not its key)."""

from django import template

from .. import registry
from ..results import result_text

register = template.Library()


@register.filter
def import_result(counts) -> str:
    return result_text(counts)


@register.filter
def dataset_label(key: str) -> str:
    dataset = registry.get(key)
    return str(dataset.label) if dataset is not None else key
