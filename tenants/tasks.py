from celery import shared_task
from django.db import connection
from django_tenants.utils import tenant_context

from kernel.db import current_schema_name

from .models import Municipality
from .services.bulk_onboarding import onboarding_run_execute
from .stats import municipalities_to_refresh, stats_refresh


@shared_task
def tenant_probe() -> dict:
    """Report where this task really ran: operators send it from a municipality to check that
    workers enter that municipality's schema (tenant-schemas-celery), and tests do the same."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (current_schema,) = cursor.fetchone()
    tenant = getattr(connection, "tenant", None)
    return {
        "schema": current_schema_name(),
        "current_schema": current_schema,
        "municipality": getattr(tenant, "name_th", None),
    }


@shared_task
def stats_refresh_task() -> dict:
    """Refresh the console figures of the municipality this task was sent from (its schema)."""
    municipality = Municipality.objects.get(schema_name=current_schema_name())
    stats = stats_refresh(municipality=municipality)
    return {"schema": municipality.schema_name, "users": stats.users, "figures": stats.figures}


@shared_task
def stats_refresh_everywhere() -> int:
    """Fan out one refresh per active municipality, each sent from (so run in) its own schema."""
    count = 0
    for municipality in municipalities_to_refresh().iterator():
        with tenant_context(municipality):
            stats_refresh_task.delay()
        count += 1
    return count


@shared_task
def onboarding_run_task(run_id: int) -> dict:
    """Bulk onboarding started from the console (sent from `public`): creates the province's
    missing local governments one by one, writing its progress to the OnboardingRun row."""
    run = onboarding_run_execute(run_id=run_id)
    return {"run": run.pk, "status": run.status, "created": run.created, "failed": run.failed}
