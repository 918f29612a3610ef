"""Pages: upload → preview → confirm → live progress → result with error report; history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_or_403
from kernel.exports import XLSX_CONTENT_TYPE, content_disposition

from . import registry, services
from .forms import UploadForm
from .selectors import import_jobs_visible_to
from .templates_xlsx import dataset_template_xlsx

VIEW = "imports.view_importjob"


def _job(request, public_id):
    return get_object_or_404(import_jobs_visible_to(request.user), public_id=public_id)


@permission_or_403(VIEW)
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_start(dataset=form.cleaned_data["dataset"],
                                            upload=form.cleaned_data["file"], user=request.user, preview=True)
        except services.ImportRefused as error:
            raise PermissionDenied(str(error.message)) from None
        return redirect("imports:job", public_id=job.public_id)
    recent = import_jobs_visible_to(request.user)[:5]
    return render(request, "imports/upload.html", {
        "form": form, "datasets": registry.datasets_for(request.user), "recent": recent,
    })


@permission_or_403(VIEW)
def history(request):
    jobs = import_jobs_visible_to(request.user)[:200]
    return render(request, "imports/history.html", {"jobs": jobs})


@permission_or_403(VIEW)
@require_http_methods(["GET", "POST"])
def job_detail(request, public_id):
    job = _job(request, public_id)
    if request.method == "POST":
        services.import_job_confirm(job=job)
        messages.success(request, _confirm_message())
        return redirect("imports:job", public_id=job.public_id)
    spec = registry.get(job.dataset)
    preview = services.import_job_preview(job=job) if job.status == job.Status.PREVIEW else None
    if preview and preview.get("rows") and spec.on_preview is not None:
        spec.on_preview(job=job, request=request)  # e.g. the PDPA audit row of smarthealth
    return render(request, "imports/job.html", {
        "job": job, "preview": preview, "dataset": spec,
        "progress": services.job_progress(job),
    })


def _confirm_message():
    from django.utils.translation import gettext

    return gettext("The import has started.")


@permission_or_403(VIEW)
def job_progress(request, public_id):
    job = _job(request, public_id)
    response = render(request, "imports/_progress.html", {"job": job, "progress": services.job_progress(job)})
    if not job.is_active and request.htmx:
        # Finished: reload the whole page once to show the result.
        response["HX-Refresh"] = "true"
    return response


@permission_or_403(VIEW)
def job_errors(request, public_id):
    job = _job(request, public_id)
    if not job.error_report:
        raise Http404
    return FileResponse(job.error_report.open("rb"), as_attachment=True,
                        filename=f"import-errors-{job.dataset}-{job.pk}.csv", content_type="text/csv")


@permission_or_403(VIEW)
def template_xlsx(request, dataset):
    spec = registry.get(dataset)
    if spec is None:
        raise Http404
    if not request.user.has_perm(spec.permission):
        raise PermissionDenied
    response = HttpResponse(dataset_template_xlsx(dataset=spec), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"template-{spec.key}.xlsx")
    return response
