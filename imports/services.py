"""Import workflows: start a job (upload), preview it, run it (in a Celery task), fail stuck ones."""

import csv
import io
import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual
from kernel.national_id import mask_national_id

from . import engine, registry
from .models import ImportJob
from .parsing import normalise_text
from .reading import ImportFileError, open_chunks
from .registry import CID, DATE

if TYPE_CHECKING:  # django-stubs-ext is a development requirement only
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)
PREVIEW_ROWS = 10
MAX_ATTEMPTS = 3  # runs of one job (the first and the re-runs after a lost worker)


class ImportRefused(Exception):
    """A request the service refuses (unknown dataset, no permission): `message` is translated."""

    def __init__(self, message: "StrOrPromise") -> None:
        super().__init__(str(message))
        self.message = message


def _progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def job_progress(job: ImportJob) -> int:
    """Live progress: the running task writes it to the cache (its rows are not committed yet)."""
    if job.status == ImportJob.Status.RUNNING:
        return int(cache.get(_progress_key(job.pk), job.progress))
    return 100 if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED) else job.progress


@transaction.atomic
def import_job_start(*, dataset: str, upload: Any, user: Any = None, preview: bool = False) -> ImportJob:
    """Keep the file and create the job; unless it waits for a preview, enqueue it on commit."""
    spec = registry.get(dataset)
    if spec is None:
        raise ImportRefused(_("Unknown dataset."))
    if user is not None and not user.has_perm(spec.permission):
        raise ImportRefused(_("You may not import this dataset."))
    name = Path(getattr(upload, "name", "upload")).name[:200]
    job = ImportJob(dataset=dataset, user=user, original_name=name,
                    status=ImportJob.Status.PREVIEW if preview else ImportJob.Status.QUEUED)
    job.file.save(name, upload, save=False)
    job.save()
    if not preview:
        _enqueue(job)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status == ImportJob.Status.PREVIEW:
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["status"])
        _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    from .tasks import import_job_run_task

    transaction.on_commit(lambda: import_job_run_task.delay(job.pk))


def import_job_preview(*, job: ImportJob) -> dict[str, Any]:
    """The facts a user checks before committing: encoding, header mapping, date format, rows."""
    spec = registry.get(job.dataset)
    try:
        if spec is None:  # a dataset no app registers any more (e.g. its app was removed)
            raise ImportFileError(_("Unknown dataset."))
        info, chunks = open_chunks(Path(job.file.path), job.original_name, spec, chunk_rows=PREVIEW_ROWS)
        first = next(chunks)
    except ImportFileError as error:
        # The file cannot be imported at all: the job ends here, so the history says why.
        _fail(job, bilingual(error.message, error.params or None))
        return {"error": job.failure_reason}
    spec = spec.resolved()
    parsed, reject = engine.validate(first, spec)
    # What will be stored (Thai digits converted, dates in ISO, choices as codes); a rejected row
    # keeps what the file says, with the reasons beside it.
    language = translation.get_language() or "th"
    problems: dict[int, list[str]] = {}
    for index, column, reason in reject.items:
        for row in index:
            problems.setdefault(int(row), []).append(f"{column}: {engine.render(reason, language)}")
    keys = [c.key for c in spec.columns]
    shown = parsed[keys].astype(object)
    shown.loc[reject.bad, keys] = first.loc[reject.bad, keys].astype(object)
    for spec_column in spec.columns:
        if spec_column.type == CID:  # never a full national ID on a screen
            shown[spec_column.key] = parsed[spec_column.key].map(
                lambda v: mask_national_id(v[-3:]) if v else ""
            )
    keys = [key for key in keys if key in info.mapping.values()]
    return {
        "encoding": info.encoding, "delimiter": info.delimiter, "mapping": info.mapping,
        "ignored": info.ignored, "columns": keys, "date_format": _date_format(first, spec),
        "rows": [(int(i), [shown.at[i, k] for k in keys], problems.get(int(i), [])) for i in shown.index],
    }


def _date_format(frame: pd.DataFrame, spec: registry.Dataset) -> str:
    dates = [normalise_text(frame[c.key]) for c in spec.columns if c.type == DATE]
    if not dates:
        return ""
    values = [v for s in dates for v in s if v]
    if not values:
        return ""
    years = [int(v[-4:]) for v in values if v[-4:].isdigit()]
    if any(v[:4].isdigit() and v[4:5] == "-" for v in values):
        return "yyyy-mm-dd"
    if years and all(y >= 2400 for y in years):
        return str(_("dd/mm/yyyy, Buddhist Era"))
    if years:
        return str(_("dd/mm/yyyy, Christian year"))
    return str(_("Thai month names or Excel dates"))


def _job_timeout() -> timedelta:
    return timedelta(seconds=settings.IMPORT_JOB_TIMEOUT)


# A job is being run exactly while some database session holds its advisory lock: the lock ends
# with the session, so a worker that dies (killed, out of memory, machine lost) releases it, and
# nothing has to guess from timestamps whether a "running" job is alive.
_LOCK_SQL = "SELECT {}(hashtext('imports:' || current_schema()), (%s %% 2147483647)::int)"


def _job_lock(job_id: int, function: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL.format(function), [job_id])
        return bool(cursor.fetchone()[0])


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job. Idempotent: a finished job is left alone, and so is a job another worker
    is running right now (a duplicate delivery); a job found "running" with nobody holding it (its
    worker died) runs again from the kept file, and since the whole load is one transaction and
    an upsert, the rows end exactly as after one clean run."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
            return job
        if not _job_lock(job.pk, "pg_try_advisory_lock"):
            return job
        job.status, job.started_at, job.progress = ImportJob.Status.RUNNING, timezone.now(), 0
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "progress", "attempts"])
    try:
        with connection.cursor() as cursor:
            # A session whose worker vanished mid-statement (waiting on a lock, say) notices it
            # within seconds and ends, releasing the job's lock, instead of at its next write.
            cursor.execute("SELECT set_config('client_connection_check_interval', %s, false)",
                           [f"{settings.IMPORT_CLIENT_CHECK_SECONDS}s"])
        _run(job)
    finally:
        _job_lock(job.pk, "pg_advisory_unlock")
    return job


def _run(job: ImportJob) -> None:
    spec = registry.get(job.dataset)
    key = _progress_key(job.pk)
    try:
        if spec is None:  # a dataset no app registers any more (e.g. its app was removed)
            raise ImportFileError(_("Unknown dataset."))
        with transaction.atomic():
            result = engine.run(dataset=spec, path=Path(job.file.path), name=job.original_name,
                                progress=lambda value: cache.set(key, value, 86400))
            if result.info is None:  # engine.run() always sets it from open_chunks()
                raise RuntimeError("engine.run() returned a result without the file's info")
            job.rows, job.created, job.updated = result.rows, result.created, result.updated
            job.unchanged, job.rejected = result.unchanged, result.rejected
            job.encoding = result.info.encoding
            job.header_mapping = {"mapping": result.info.mapping, "ignored": result.info.ignored}
            if result.errors:
                job.error_report.save(f"errors-{job.public_id}.csv", ContentFile(_error_csv(result)),
                                      save=False)
            job.status, job.progress, job.finished_at = ImportJob.Status.DONE, 100, timezone.now()
            job.save()
            if spec.after_import is not None:
                spec.after_import(job)
    except ImportFileError as error:
        _fail(job, bilingual(error.message, error.params or None))
    except SoftTimeLimitExceeded:
        _fail(job, _timeout_reason())
    except Exception as error:
        logger.exception("import job %s failed", job.pk)
        _fail(job, bilingual(_("The import stopped on an unexpected error: %(error)s"),
                             {"error": type(error).__name__}))
    cache.delete(key)


def _timeout_reason() -> str:
    return bilingual(_("The import did not finish within %(minutes)s minutes and was stopped."),
                     {"minutes": int(_job_timeout().total_seconds() // 60)})


def _fail(job: ImportJob, reason: str) -> None:
    job.status, job.failure_reason, job.finished_at = ImportJob.Status.FAILED, reason, timezone.now()
    job.rows = job.created = job.updated = job.unchanged = job.rejected = 0
    job.save()


def _error_csv(result: engine.Result) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "column", "reason_th", "reason_en"])
    for row, column, reason in result.errors:
        writer.writerow([row, column, _cell(engine.render(reason, "th")), _cell(engine.render(reason, "en"))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    # A reason may quote a value from the file: never let a spreadsheet read it as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def import_jobs_recover() -> dict[str, int]:
    """The safety net (beat): a job marked running that no session holds lost its worker. It
    runs again from its kept file, up to MAX_ATTEMPTS runs; past that, or past the job time
    limit, it ends as failed with the reason, never left "running"."""
    counts = {"rerun": 0, "failed": 0}
    limit = timezone.now() - _job_timeout()
    for job in ImportJob.objects.filter(status=ImportJob.Status.RUNNING):
        if not _job_lock(job.pk, "pg_try_advisory_lock"):
            continue  # a worker is on it
        try:
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().get(pk=job.pk)
                if job.status != ImportJob.Status.RUNNING:
                    continue
                if job.started_at and job.started_at < limit:
                    _fail(job, _timeout_reason())
                    counts["failed"] += 1
                elif job.attempts >= MAX_ATTEMPTS:
                    _fail(job, bilingual(_("The import was interrupted %(n)s times (the worker running it "
                                           "stopped) and was given up."), {"n": job.attempts}))
                    counts["failed"] += 1
                else:
                    _enqueue(job)
                    counts["rerun"] += 1
        finally:
            _job_lock(job.pk, "pg_advisory_unlock")
    return counts
