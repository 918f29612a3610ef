from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import get_tenant_model, tenant_context


@shared_task
def sessions_clear_expired() -> int:
    """Delete expired sessions in the schema this task was sent from."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def sessions_clear_expired_everywhere() -> int:
    """Fan out one cleanup task per schema, so each runs in its own schema on any worker."""
    tenants = get_tenant_model().objects.all()
    for tenant in tenants:
        with tenant_context(tenant):
            sessions_clear_expired.delay()
    return len(tenants)
