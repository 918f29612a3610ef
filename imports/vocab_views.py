"""Pages for remembered spellings: save the mappings chosen on an import's preview; list, change
and delete a municipality's mappings. Whoever may import a dataset manages its mappings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import permission_or_403

from . import registry, vocab_services
from .models import ImportJob
from .selectors import import_jobs_visible_to, value_mappings_visible_to
from .services import ImportRefused
from .views import VIEW
from .vocab_forms import UnknownValuesForm


@permission_or_403(VIEW)
@require_POST
def value_mappings_save(request, public_id):
    job = get_object_or_404(import_jobs_visible_to(request.user), public_id=public_id)
    if job.status != ImportJob.Status.PREVIEW or not job.preview:
        messages.error(request, gettext("This import is no longer waiting for its preview."))
        return redirect("imports:job", public_id=job.public_id)
    form = UnknownValuesForm(job.preview.get("unknown_values", []), data=request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a value from the list for each value you map."))
        return redirect("imports:job", public_id=job.public_id)
    try:
        saved = vocab_services.value_mapping_save(job=job, user=request.user, choices=form.choices())
    except ImportRefused as error:
        raise PermissionDenied(str(error.message)) from None
    if saved:
        messages.success(request, ngettext(
            "%(n)s value remembered; the file is being checked again.",
            "%(n)s values remembered; the file is being checked again.", saved) % {"n": saved})
    else:
        messages.info(request, gettext("No value was mapped: the rows with these values will be rejected."))
    return redirect("imports:job", public_id=job.public_id)


@permission_or_403(VIEW)
def value_mapping_list(request):
    mappings = list(value_mappings_visible_to(request.user))
    targets: dict[tuple[str, str], dict[str, str]] = {}
    rows = []
    for mapping in mappings:
        spec = registry.get(mapping.dataset)
        if spec is None:
            continue
        key = (mapping.dataset, mapping.column)
        if key not in targets:
            try:
                targets[key] = vocab_services.value_mapping_targets(spec=spec, column=mapping.column)
            except ImportRefused:  # a column the dataset no longer has, or no longer a choice
                targets[key] = {}
        column = next((c for c in spec.columns if c.key == mapping.column), None)
        rows.append({"mapping": mapping, "dataset": spec.label,
                     "column": column.label_th if column else mapping.column, "targets": targets[key],
                     "valid": mapping.target in targets[key]})
    return render(request, "imports/value_mappings.html", {"rows": rows})


def _mapping(request, pk):
    return get_object_or_404(value_mappings_visible_to(request.user), pk=pk)


@permission_or_403(VIEW)
@require_POST
def value_mapping_update(request, pk):
    mapping = _mapping(request, pk)
    try:
        vocab_services.value_mapping_update(mapping=mapping, user=request.user,
                                            target=request.POST.get("target", ""))
    except ImportRefused as error:
        messages.error(request, str(error.message))
    else:
        spec = registry.get(mapping.dataset)
        labels = vocab_services.value_mapping_targets(spec=spec, column=mapping.column) if spec else {}
        messages.success(request, gettext("“%(value)s” is now imported as %(target)s.") % {
            "value": mapping.source_text, "target": labels.get(mapping.target, mapping.target)})
    return redirect("imports:value-mappings")


@permission_or_403(VIEW)
@require_POST
def value_mapping_delete(request, pk):
    mapping = _mapping(request, pk)
    vocab_services.value_mapping_delete(mapping=mapping, user=request.user)
    messages.success(request, gettext("“%(value)s” is no longer remembered.")
                     % {"value": mapping.source_text})
    return redirect("imports:value-mappings")
