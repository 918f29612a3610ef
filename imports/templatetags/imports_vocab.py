from django import template

from ..models import ImportJob
from ..vocab_forms import UnknownValuesForm

register = template.Library()


@register.simple_tag
def value_mapping_form(job):
    """`{% value_mapping_form job as form %}`: the form mapping the unknown values of a job's
    preview (imports/_value_mapping.html), or None when the preview lists none."""
    if job.status != ImportJob.Status.PREVIEW or not job.preview:
        return None
    unknown = job.preview.get("unknown_values") or []
    return UnknownValuesForm(unknown) if unknown else None
