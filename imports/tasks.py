from celery import shared_task
from django.conf import settings
from django_tenants.utils import get_public_schema_name, get_tenant_model, tenant_context

from .services import import_job_run, import_jobs_recover

_LIMIT = settings.IMPORT_JOB_TIMEOUT


# acks_late + reject_on_worker_lost: a worker killed mid-job leaves the message unacknowledged, so
# another worker runs the job again from the kept file (import_job_run is idempotent and takes the
# job's advisory lock, so two deliveries never run it at once). The soft limit ends the job as
# failed with its reason; the hard limit is the backstop for a job that ignores it.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=_LIMIT, time_limit=_LIMIT + 120)
def import_job_run_task(job_id: int) -> str:
    """Runs in the schema the job was created in (tenant-schemas-celery stamps it)."""
    return import_job_run(job_id=job_id).status


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
