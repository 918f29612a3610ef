from celery import shared_task
from django.db import connection


@shared_task
def tenant_probe() -> dict:
    """Report where this task really ran: operators send it from a municipality to check that
    workers enter that municipality's schema (tenant-schemas-celery), and tests do the same."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (current_schema,) = cursor.fetchone()
    tenant = getattr(connection, "tenant", None)
    return {
        "schema": connection.schema_name,
        "current_schema": current_schema,
        "municipality": getattr(tenant, "name_th", None),
    }
