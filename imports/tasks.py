from celery import shared_task
from django.conf import settings
from django_tenants.utils import get_public_schema_name, get_tenant_model, tenant_context

from .services import import_files_purge, import_job_preview_prepare, import_job_run, import_jobs_recover

_LIMIT = settings.IMPORT_JOB_TIMEOUT
_PREVIEW_LIMIT = 600  # the checks read the whole file once (seconds for 100 MB); ten rows are parsed


# acks_late + reject_on_worker_lost: a worker killed mid-job leaves the message unacknowledged, so
# another worker runs the job again from the kept file (import_job_run is idempotent and takes the
# job's advisory lock, so two deliveries never run it at once). The soft limit ends the job as
# failed with its reason; the hard limit is the backstop for a job that ignores it. The outcome
# is on the job row: no result is stored, and sending one does not wait on the result backend
# (Redis, with its own retries: ~19 s when Redis is down).
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=_LIMIT, time_limit=_LIMIT + 120,
             ignore_result=True)
def import_job_run_task(job_id: int) -> str:
    """Runs in the schema the job was created in (tenant-schemas-celery stamps it)."""
    return import_job_run(job_id=job_id).status


# Not acks_late: a preview whose worker died is sent again by the recovery sweep, which gives up
# after MAX_ATTEMPTS (a file that kills its worker must not be redelivered for ever).
@shared_task(soft_time_limit=_PREVIEW_LIMIT, time_limit=_PREVIEW_LIMIT + 60, ignore_result=True)
def import_job_preview_task(job_id: int) -> str:
    return import_job_preview_prepare(job_id=job_id).status


@shared_task
def import_jobs_recover_task() -> dict:
    return import_jobs_recover()


@shared_task
def import_jobs_recover_everywhere() -> int:
    tenants = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
    for tenant in tenants:
        with tenant_context(tenant):
            import_jobs_recover_task.delay()
    return len(tenants)


@shared_task
def import_files_purge_task() -> dict:
    return import_files_purge()


@shared_task
def import_files_purge_everywhere() -> int:
    tenants = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
    for tenant in tenants:
        with tenant_context(tenant):
            import_files_purge_task.delay()
    return len(tenants)
