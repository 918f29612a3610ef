"""`POST /api/v1/imports/` (multipart `dataset`, `file` → 202) and `GET /api/v1/imports/{id}`.

The job is the same as the web upload's: same checks on the upload (UploadForm), same service,
same Celery task; the API skips the preview step and queues the job at once. The request only
keeps the file: the worker reads it (and refuses a file over the limits of imports.prechecks), and
with the broker down the job stays queued until the recovery sweep hands it on."""

import datetime as dt
import uuid
import zipfile
from pathlib import Path
from typing import Literal

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from imports import services
from imports.error_report import error_report_filename, error_report_rows
from imports.forms import UploadForm
from imports.models import ImportJob
from imports.selectors import import_jobs_visible_to
from kernel.exports import content_disposition, csv_response
from kernel.permissions import require_perm

from ..errors import ApiError, form_fields, with_errors
from ..gates import require_module

router = Router(tags=["imports"])
VIEW = "imports.view_importjob"


class ImportFileOut(Schema):
    file: str = Field(description="the file of the 43-file standard (PERSON, HOME …)")
    name: str = Field(description="its name in the upload")
    used: bool = Field(description="false: the import does not read this file")
    rows: int | None = None
    created: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    rejected: int | None = None
    warnings: int | None = Field(None, description="rows loaded with a warning (in the error report)")


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
    files: list[ImportFileOut] = Field(description="a dataset of several files (moph43): the counts of each "
                                                   "file, then the files not used; empty otherwise")
    errors_url: str | None = Field(description="CSV of the rejected rows as the file has them, each with its "
                                               "row number (แถว) and problems in Thai (ปัญหา) and English "
                                               "(Problem), when any")
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
        "failure_reason": job.failure_reason, "errors_url": errors_url,
        "files": _files_out(job), "created_at": job.created_at,
        "started_at": job.started_at, "finished_at": job.finished_at,
    }


def _files_out(job: ImportJob) -> list[dict]:
    if job.status != ImportJob.Status.DONE:  # a failed run loaded nothing
        return []
    keys = ("rows", "created", "updated", "unchanged", "rejected", "warnings")
    return [{"file": result.get("file", ""), "name": result.get("name") or result.get("file", ""),
             "used": bool(result.get("used", True)), **{key: result.get(key) for key in keys}}
            for result in job.file_results]


@router.post("/", response=with_errors({202: ImportJobOut}), summary="Start an import")
def import_start(request, dataset: Form[str], file: File[UploadedFile]):
    """The file is kept and a job queued; poll `GET /api/v1/imports/{id}` for its progress."""
    require_module(request, "imports")
    require_perm(request.user, VIEW)
    # Every `file` part: several .txt files of a 43-file export are zipped into one job.
    form = UploadForm({"dataset": dataset}, request.FILES or {"file": file}, user=request.user)
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


@router.get("/{job_id}/errors.csv", response=with_errors({200: None}),
            summary="The rejected rows as CSV: the file's own columns plus แถว, ปัญหา, Problem",
            url_name="import_errors",
            openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {}}}}})
def import_errors(request, job_id: uuid.UUID):
    job = _job(request, job_id)
    if not job.error_report:
        raise ApiError(404)
    report = job.error_report
    name = error_report_filename(original_name=job.original_name, report=report)
    filename = str(Path(name).with_suffix(".csv"))
    if Path(report.name).suffix.lower() == ".csv":  # kept as CSV (a CSV or GeoJSON upload): as it is
        response = FileResponse(report.open("rb"), as_attachment=True, filename=filename,
                                content_type="text/csv; charset=utf-8")
    elif Path(report.name).suffix.lower() == ".zip":  # several files (moph43): the report's errors.csv
        with report.open("rb") as kept, zipfile.ZipFile(kept) as archive:
            response = HttpResponse(archive.read("errors.csv"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(filename)
    else:  # an Excel upload's report (or a .tsv one) answered as CSV all the same
        rows = error_report_rows(report)
        response = csv_response(filename=filename, header=next(rows), rows=rows)
    response["Cache-Control"] = "no-store"
    return response
