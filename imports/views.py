"""Pages: upload → preview → confirm → live progress → result with error report; history.

No page parses a file: the upload keeps it and a task prepares the preview, which the job page
waits for (htmx polling, like the progress bar)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_or_403
from kernel.exports import XLSX_CONTENT_TYPE, content_disposition

from . import registry, services
from .error_report import error_report_content_type, error_report_filename
from .forms import UploadForm
from .results import result_counts
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
        _say_if_queue_down(request, job)
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
        job = services.import_job_confirm(job=job)
        if job.status == job.Status.QUEUED and not _say_if_queue_down(request, job):
            messages.success(request, gettext("The import has started."))
        return redirect("imports:job", public_id=job.public_id)
    spec = registry.get(job.dataset)
    preview = job.preview_in(get_language()) if job.status == job.Status.PREVIEW and job.preview else None
    if preview and preview.get("rows") and spec is not None and spec.on_preview is not None:
        spec.on_preview(job=job, request=request)  # e.g. the PDPA audit row of smarthealth
    return render(request, "imports/job.html", {
        "job": job, "preview": preview, "dataset": spec, "progress": services.job_progress(job),
        "retention_days": settings.IMPORT_FILE_RETENTION_DAYS, "result": result_counts(job),
        "imported_url": _imported_url(spec) if job.status == job.Status.DONE else "",
    })


def _imported_url(spec: registry.Dataset | None) -> str:
    """The list where the imported rows are seen, when the dataset names one (a wrong URL name
    fails loudly: tests/test_links_fail_loudly.py)."""
    if spec is None or not spec.list_url:
        return ""
    return reverse(spec.list_url)


def _say_if_queue_down(request, job) -> bool:
    job.refresh_from_db(fields=["sent_at", "status"])
    if job.waits_for_queue:
        messages.warning(request, gettext("The task queue is unavailable right now. The file is kept and "
                                          "the job will start by itself when the queue is back."))
        return True
    return False


@permission_or_403(VIEW)
def job_progress(request, public_id):
    job = _job(request, public_id)
    response = render(request, "imports/_progress.html", {"job": job, "progress": services.job_progress(job)})
    if not job.is_waiting and request.htmx:
        # Preview ready or job finished: reload the whole page once to show it.
        response["HX-Refresh"] = "true"
    return response


@permission_or_403(VIEW)
def job_errors(request, public_id):
    job = _job(request, public_id)
    if not job.error_report:
        raise Http404
    response = FileResponse(
        job.error_report.open("rb"), as_attachment=True,
        filename=error_report_filename(original_name=job.original_name, report=job.error_report),
        content_type=error_report_content_type(job.error_report))
    response["Cache-Control"] = "no-store"  # the rows hold personal data
    return response


@permission_or_403(VIEW)
def template_xlsx(request, dataset):
    spec = registry.get(dataset)
    if spec is None or "xlsx" not in spec.formats:  # the 43-file export comes from its own software
        raise Http404
    if not request.user.has_perm(spec.permission):
        raise PermissionDenied
    response = HttpResponse(dataset_template_xlsx(dataset=spec), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"template-{spec.key}.xlsx")
    return response
