"""`POST /api/v1/imports/` (multipart `dataset`, `file` → 202) and `GET /api/v1/imports/{id}`.

The job is the same as the web upload's: same checks on the upload (UploadForm), same service,
same Celery task; the API skips the preview step and queues the job at once. The request only
keeps the file: the worker reads it (and refuses a file over the limits of imports.prechecks), and
with the broker down the job stays queued until the recovery sweep hands it on."""

import datetime as dt
import uuid
from typing import Literal

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from imports import services
from imports.forms import UploadForm
from imports.models import ImportJob
from imports.selectors import import_jobs_visible_to
from kernel.permissions import require_perm

from ..errors import ApiError, form_fields, with_errors
from ..gates import require_module

router = Router(tags=["imports"])
VIEW = "imports.view_importjob"


class ImportJobOut(Schema):
    id: uuid.UUID
    dataset: str
    file_name: str
    status: Literal["queued", "running", "done", "failed"]
    progress: int = Field(ge=0, le=100)
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    failure_reason: str
    errors_url: str | None = Field(description="CSV of the rejected rows (row, column, reason), when any")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


def job_out(request, job: ImportJob) -> dict:
    status = ImportJob.Status.QUEUED if job.status == ImportJob.Status.PREVIEW else job.status
    errors_url = None
    if job.error_report:
        errors_url = request.build_absolute_uri(reverse("api-v1:import_errors", args=[job.public_id]))
    return {
        "id": job.public_id, "dataset": job.dataset, "file_name": job.original_name, "status": status,
        "progress": services.job_progress(job), "rows": job.rows, "created": job.created,
        "updated": job.updated, "unchanged": job.unchanged, "rejected": job.rejected,
        "failure_reason": job.failure_reason, "errors_url": errors_url, "created_at": job.created_at,
        "started_at": job.started_at, "finished_at": job.finished_at,
    }


@router.post("/", response=with_errors({202: ImportJobOut}), summary="Start an import")
def import_start(request, dataset: Form[str], file: File[UploadedFile]):
    """The file is kept and a job queued; poll `GET /api/v1/imports/{id}` for its progress."""
    require_module(request, "imports")
    require_perm(request.user, VIEW)
    form = UploadForm({"dataset": dataset}, {"file": file}, user=request.user)
    if not form.is_valid():
        raise ApiError(422, fields=form_fields(form))
    try:
        job = services.import_job_start(
            dataset=form.cleaned_data["dataset"], upload=form.cleaned_data["file"], user=request.user)
    except services.ImportRefused as error:
        raise ApiError(403, error.message) from None
    return Status(202, job_out(request, job))


def _job(request, job_id: uuid.UUID) -> ImportJob:
    require_module(request, "imports")
    require_perm(request.user, VIEW)
    return get_object_or_404(import_jobs_visible_to(request.user), public_id=job_id)


@router.get("/{job_id}", response=with_errors({200: ImportJobOut}), summary="An import's status and counts")
def import_status(request, job_id: uuid.UUID):
    return job_out(request, _job(request, job_id))


@router.get("/{job_id}/errors.csv", response=with_errors({200: None}), summary="The rejected rows as CSV",
            url_name="import_errors",
            openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {}}}}})
def import_errors(request, job_id: uuid.UUID):
    job = _job(request, job_id)
    if not job.error_report:
        raise ApiError(404)
    response = FileResponse(job.error_report.open("rb"), as_attachment=True,
                            filename=f"import-errors-{job.dataset}-{job.pk}.csv", content_type="text/csv")
    response["Cache-Control"] = "no-store"
    return response
