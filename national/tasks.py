from celery import shared_task
from django_tenants.utils import tenant_context

from kernel.db import current_schema_name
from tenants.models import Municipality

from .services import municipalities_to_publish, national_snapshot_publish


@shared_task
def national_snapshot_publish_task() -> dict:
    """Publish the snapshot of the municipality this task was sent from (its schema)."""
    municipality = Municipality.objects.get(schema_name=current_schema_name())
    return {"schema": municipality.schema_name, "rows": national_snapshot_publish(municipality=municipality)}


@shared_task
def national_snapshot_publish_everywhere() -> int:
    """Nightly (beat) and on demand: one task per active municipality, each sent from (so run in)
    its own schema, so thousands of municipalities spread over the workers."""
    count = 0
    for municipality in municipalities_to_publish().iterator():
        with tenant_context(municipality):
            national_snapshot_publish_task.delay()
        count += 1
    return count
