from celery import shared_task
from django_tenants.utils import get_public_schema_name, get_tenant_model, tenant_context

from .services import service_request_contacts_purge


@shared_task
def service_request_contacts_purge_task() -> int:
    """Erase old reporters' contact details in the schema this task was sent from."""
    return service_request_contacts_purge()


@shared_task
def service_request_contacts_purge_everywhere() -> int:
    """Fan out one purge per municipality, so each runs in its own schema on any worker."""
    tenants = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
    for tenant in tenants:
        with tenant_context(tenant):
            service_request_contacts_purge_task.delay()
    return len(tenants)
