"""Import workflows: start a job (upload), prepare its preview, confirm and run it (in Celery
tasks), hand tasks to the broker without ever losing a job, recover stuck jobs, and delete kept
files once the retention time has passed."""

import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual
from kernel.stored_text import message_store

from . import engine, registry
from .error_report import error_report_build
from .models import ImportJob
from .previews import preview_compute
from .reading import ImportFileError

if TYPE_CHECKING:  # django-stubs-ext is a development requirement only
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # runs of one job (the first and the re-runs after a lost worker)
# A job not handed to the broker (its send failed, or is under way right now) is sent again by the
# sweep after UNSENT_GRACE; one sent but still waiting after RESEND_AFTER is sent again too, in
# case the broker lost it (Redis restarted without its data). A duplicate is harmless: the tasks
# are idempotent (a run takes the job's lock).
UNSENT_GRACE = timedelta(minutes=2)
RESEND_AFTER = timedelta(minutes=15)


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
        try:
            return int(cache.get(_progress_key(job.pk), job.progress))
        except Exception:  # Redis down: the page still answers, without the live figure
            return job.progress
    return 100 if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED) else job.progress


def _progress_set(key: str, value: int) -> None:
    try:
        cache.set(key, value, 86400)
    except Exception:  # Redis down for a moment: the import goes on, only its progress bar waits
        logger.warning("import progress not written: the cache is unavailable", exc_info=True)


@transaction.atomic
def import_job_start(*, dataset: str, upload: Any, user: Any = None, preview: bool = False,
                     run_here: bool = False) -> ImportJob:
    """Keep the file and create the job. With `preview` it waits for the user's confirmation while
    a task prepares its preview; otherwise it is queued on commit, unless its caller runs it
    itself (`run_here`: import_data)."""
    spec = registry.get(dataset)
    if spec is None:
        raise ImportRefused(_("Unknown dataset."))
    if user is not None and not user.has_perm(spec.permission):
        raise ImportRefused(_("You may not import this dataset."))
    name = Path(getattr(upload, "name", "upload")).name[:200]
    job = ImportJob(dataset=dataset, user=user, original_name=name,
                    status=ImportJob.Status.PREVIEW if preview else ImportJob.Status.QUEUED)
    job.file.save(name, upload, save=False)
    _private(job.file)
    job.save()
    if not run_here:
        _enqueue(job)
    return job


def _private(stored: FieldFile) -> None:
    """The kept file (national IDs, names, phones in clear) and its folder, readable by the app's
    user only. FILE_UPLOAD_*PERMISSIONS cover what is created from now on; a month folder made
    before them (an upgraded installation) keeps its old mode unless it is set here."""
    path = Path(stored.path)
    path.chmod(0o600)
    path.parent.chmod(0o700)


@transaction.atomic
def import_job_confirm(*, job: ImportJob) -> ImportJob:
    """Queue a job whose preview the user has seen. The preview (first rows, personal data) is
    not kept once confirmed."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status == ImportJob.Status.PREVIEW and job.preview:
        job.status, job.preview, job.attempts, job.sent_at = ImportJob.Status.QUEUED, {}, 0, None
        job.save(update_fields=["status", "preview", "attempts", "sent_at"])
        _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    transaction.on_commit(lambda: _send(job))


def _send(job: ImportJob) -> bool:
    """Hand the job's next task (its preview, or its run) to the broker. With the broker down this
    gives up within IMPORT_QUEUE_TIMEOUT (one attempt, short socket timeouts, no result backend
    to subscribe to: a web request is waiting) and raises nothing: the job stays as it is, its
    page says it waits for the queue, and the recovery sweep sends it again."""
    from .tasks import import_job_preview_task, import_job_run_task

    task = import_job_preview_task if job.status == ImportJob.Status.PREVIEW else import_job_run_task
    timeout = settings.IMPORT_QUEUE_TIMEOUT
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0}
    try:
        with task.app.connection_for_write(connect_timeout=timeout, transport_options=options) as broker:
            task.apply_async(args=[job.pk], connection=broker, retry=False, ignore_result=True)
    except Exception as error:  # whatever the broker's client raises: the job is kept, not lost
        logger.warning("import job %s could not be sent to the queue: %r", job.pk, error)
        return False
    job.sent_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(sent_at=job.sent_at)
    return True


def import_job_preview_prepare(*, job_id: int) -> ImportJob:
    """Prepare the preview of a job awaiting confirmation (a task: no web request ever parses a
    file). A file that cannot be imported at all ends the job here, so the history says why.
    Idempotent: a job with its preview, or no longer awaiting one, is left alone. No lock is held
    while reading: a duplicate delivery only computes the same preview twice, and a job its
    caller runs meanwhile (import_data) is never touched."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.PREVIEW or job.preview:
            return job
        job.attempts += 1  # the sweep gives up on a preview whose worker keeps dying
        job.save(update_fields=["attempts"])
    preview, reason = {}, None
    try:
        preview = preview_compute(job)
    except ImportFileError as error:
        reason = (error.message, error.params or None)
    except SoftTimeLimitExceeded:
        reason = (_("The preview could not be prepared in time."), None)
    except Exception as error:
        logger.exception("preview of import job %s failed", job.pk)
        reason = (_("The import stopped on an unexpected error: %(error)s"), {"error": type(error).__name__})
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.PREVIEW or job.preview:
            return job
        if reason:
            _fail(job, *reason)
        else:
            job.preview = preview
            job.save(update_fields=["preview"])
    return job


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
            run = spec.runner or engine.run  # a dataset of several files (moph43) brings its own
            result = run(dataset=spec, path=Path(job.file.path), name=job.original_name,
                         progress=lambda value: _progress_set(key, value))
            if result.info is None:  # engine.run() always sets it from open_chunks()
                raise RuntimeError("engine.run() returned a result without the file's info")
            job.rows, job.created, job.updated = result.rows, result.created, result.updated
            job.unchanged, job.rejected = result.unchanged, result.rejected
            job.encoding = result.info.encoding
            job.header_mapping = {"mapping": result.info.mapping, "ignored": result.info.ignored}
            # A dataset of several files (moph43, spec.runner): its counts per file, its own report.
            job.file_results = getattr(result, "file_results", [])
            if report := getattr(result, "report", None):  # (file name, ContentFile)
                job.error_report.save(report[0], report[1], save=False)
                _private(job.error_report)
            elif result.errors:
                content, suffix = error_report_build(result=result, dataset=spec, name=job.original_name)
                job.error_report.save(f"errors-{job.public_id}{suffix}", ContentFile(content), save=False)
                _private(job.error_report)
            job.status, job.progress, job.finished_at = ImportJob.Status.DONE, 100, timezone.now()
            job.save()
            if spec.after_import is not None:
                spec.after_import(job)
    except ImportFileError as error:
        _fail(job, error.message, error.params or None)
    except SoftTimeLimitExceeded:
        _fail(job, *_timeout_reason())
    except Exception as error:
        logger.exception("import job %s failed", job.pk)
        _fail(job, _("The import stopped on an unexpected error: %(error)s"), {"error": type(error).__name__})
    try:
        cache.delete(key)
    except Exception:  # the entry expires by itself
        logger.warning("import progress not cleared: the cache is unavailable", exc_info=True)


def _timeout_reason() -> tuple[Any, dict]:
    return (_("The import did not finish within %(minutes)s minutes and was stopped."),
            {"minutes": int(_job_timeout().total_seconds() // 60)})


def _fail(job: ImportJob, message: Any, params: dict | None = None) -> None:
    """The job ends as failed with why: kept as its message (read in the reader's language) and
    as "ไทย / English" text."""
    job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
    job.failure_reason, job.failure_message = bilingual(message, params), message_store(message, params)
    job.rows = job.created = job.updated = job.unchanged = job.rejected = 0
    job.save()


def import_jobs_recover() -> dict[str, int]:
    """The safety net (beat, every 5 minutes). A job marked running that no session holds lost
    its worker: it runs again from its kept file, up to MAX_ATTEMPTS runs; past that, or past the
    job time limit, it ends as failed with the reason, never left "running". A job waiting for
    the queue (queued, or its preview to prepare) that was never handed to the broker, or was
    handed long ago and is still waiting with no worker on it, is sent again."""
    counts = {"rerun": 0, "failed": 0, "resent": 0}
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
                    _fail(job, *_timeout_reason())
                    counts["failed"] += 1
                elif job.attempts >= MAX_ATTEMPTS:
                    _fail(job, _("The import was interrupted %(n)s times (the worker running it "
                                 "stopped) and was given up."), {"n": job.attempts})
                    counts["failed"] += 1
                else:
                    _enqueue(job)
                    counts["rerun"] += 1
        finally:
            _job_lock(job.pk, "pg_advisory_unlock")
    now = timezone.now()
    waiting = ImportJob.objects.filter(
        Q(status=ImportJob.Status.QUEUED) | Q(status=ImportJob.Status.PREVIEW, preview={}),
        Q(sent_at__isnull=True, created_at__lt=now - UNSENT_GRACE) | Q(sent_at__lt=now - RESEND_AFTER),
    )
    for job in waiting:
        if not _job_lock(job.pk, "pg_try_advisory_lock"):
            continue  # a worker is on it
        try:
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().get(pk=job.pk)
                if not (job.status == ImportJob.Status.QUEUED or job.preview_pending):
                    continue  # it moved on meanwhile
                if job.preview_pending and job.attempts >= MAX_ATTEMPTS:
                    _fail(job, _("The preview could not be prepared: the worker preparing it "
                                 "stopped %(n)s times."), {"n": job.attempts})
                    counts["failed"] += 1
                else:
                    _enqueue(job)
                    counts["resent"] += 1
        finally:
            _job_lock(job.pk, "pg_advisory_unlock")
    return counts


def import_files_purge() -> dict[str, int]:
    """The retention rule (beat, daily): an import's uploaded file and its error report hold
    personal data (national IDs, names, phones) and are deleted IMPORT_FILE_RETENTION_DAYS after
    the job ended; the job stays with its counts and says the files were deleted. A preview never
    confirmed in that time ends as failed and loses its file too."""
    days = settings.IMPORT_FILE_RETENTION_DAYS
    now = timezone.now()
    limit = now - timedelta(days=days)
    counts = {"purged": 0, "abandoned": 0}
    for job in ImportJob.objects.filter(status=ImportJob.Status.PREVIEW, created_at__lt=limit):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            if job.status != ImportJob.Status.PREVIEW:
                continue
            _fail(job, _("The import was not confirmed within %(days)s days."), {"days": days})
        counts["abandoned"] += 1
        counts["purged"] += _purge(job, now)
    ended = ImportJob.objects.filter(status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED],
                                     finished_at__lt=limit, file_purged_at__isnull=True)
    for job in ended.iterator():
        counts["purged"] += _purge(job, now)
    return counts


def _purge(job: ImportJob, now) -> int:
    # The files go first: if the row cannot be written after, the next run finds it again; the
    # other way round, a file with personal data could stay on disk with nothing pointing at it.
    try:
        for kept in (job.file, job.error_report):
            if kept.name:
                kept.storage.delete(kept.name)
    except OSError:
        logger.exception("import job %s: its files could not be deleted", job.pk)
        return 0
    ImportJob.objects.filter(pk=job.pk).update(file="", error_report="", preview={}, file_purged_at=now)
    return 1
