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


# 30 s, 1 min, 2 min, 4 min, 8 min, then recorded as failed for staff to see.
NOTIFY_MAX_RETRIES = 5


@shared_task(bind=True, max_retries=NOTIFY_MAX_RETRIES)
def notification_deliver_task(self, delivery_id: int) -> str:
    """Send one notification in the schema it was queued from (tenant-schemas-celery)."""
    from .notify.base import NotifyError
    from .notify.dispatch import notification_deliver

    try:
        final = self.request.retries >= self.max_retries
        return notification_deliver(delivery_id=delivery_id, final_attempt=final)
    except NotifyError as error:
        raise self.retry(exc=error, countdown=30 * 2 ** self.request.retries) from None
