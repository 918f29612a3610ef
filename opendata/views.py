"""The admin's open-data settings (/settings/open-data/): which datasets are published, their
catalogue metadata, and a preview of each CSV. Executives may look, only the admin acts."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_or_403

from .forms import DatasetForm
from .models import Kind
from .services import OpenDataError, dataset_or_default, dataset_publish, dataset_save, dataset_unpublish
from .tables import dataset_table

VIEW = "opendata.view_publisheddataset"
MANAGE = "opendata.manage_opendata"
PREVIEW_ROWS = 5


def _known(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404("No such dataset.")
    return kind


def _preview(kind: str, rows: int = PREVIEW_ROWS) -> dict:
    table = dataset_table(kind)
    return {"header": table.header, "rows": table.rows[:rows], "count": len(table.rows)}


@permission_or_403(VIEW)
@require_http_methods(["GET", "HEAD"])
def settings_index(request):
    entries = []
    for kind in Kind.values:
        dataset = dataset_or_default(kind=kind, municipality=request.tenant, user=request.user)
        entries.append({
            "kind": kind,
            "label": Kind(kind).label,
            "dataset": dataset,
            "missing": dataset.missing_for_publication(),
            "preview": _preview(kind),
            "public_url": reverse("opendata:dataset", kwargs={"kind": kind}),
            "csv_url": reverse("opendata:dataset-csv", kwargs={"kind": kind}),
        })
    return render(request, "opendata/settings_index.html", {
        "entries": entries,
        "can_manage": request.user.has_perm(MANAGE),
    })


@permission_or_403(MANAGE)
@require_http_methods(["GET", "POST"])
def settings_edit(request, kind: str):
    _known(kind)
    dataset = dataset_or_default(kind=kind, municipality=request.tenant, user=request.user)
    form = DatasetForm(request.POST or None, instance=dataset)
    if request.method == "POST" and form.is_valid():
        try:
            dataset_save(dataset=form.instance, user=request.user)
        except OpenDataError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The metadata of “%(title)s” was saved.")
                             % {"title": dataset.title_th})
            return redirect("opendata_settings:index")
    return render(request, "opendata/settings_edit.html", {
        "form": form,
        "dataset": dataset,
        "label": Kind(kind).label,
        "preview": _preview(kind, rows=10),
    })


@permission_or_403(MANAGE)
@require_POST
def settings_publish(request, kind: str):
    _known(kind)
    try:
        dataset = dataset_publish(kind=kind, municipality=request.tenant, user=request.user)
    except OpenDataError as error:
        messages.error(request, str(error))
        return redirect("opendata_settings:edit", kind=kind)
    url = request.build_absolute_uri(reverse("opendata:dataset", args=[kind]))
    messages.success(request, _("“%(title)s” is published at %(url)s.")
                     % {"title": dataset.title_th, "url": url})
    return redirect("opendata_settings:index")


@permission_or_403(MANAGE)
@require_POST
def settings_unpublish(request, kind: str):
    _known(kind)
    dataset = dataset_unpublish(kind=kind, user=request.user)
    if dataset is not None:
        messages.success(request, _("“%(title)s” is no longer published.") % {"title": dataset.title_th})
    return redirect("opendata_settings:index")
