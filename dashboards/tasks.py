from celery import shared_task
from django_tenants.utils import get_public_schema_name, get_tenant_model, tenant_context

from .services import dashboard_refresh_run


@shared_task
def dashboard_refresh_task(parts: list[str] | None = None) -> list[str]:
    """Runs in the schema it was sent from (tenant-schemas-celery stamps it)."""
    return sorted(dashboard_refresh_run(parts=parts))


@shared_task
def dashboard_refresh_everywhere() -> int:
    """The safety net (beat): one full refresh per municipality, each in its own schema. It also
    moves the figures that change with the clock alone (overdue requests, ages, 30-day visits)."""
    tenants = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
    for tenant in tenants:
        with tenant_context(tenant):
            dashboard_refresh_task.delay()
    return len(tenants)
