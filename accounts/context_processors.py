from django.db import connection
from django_tenants.utils import get_public_schema_name

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = "platform" if connection.schema_name == get_public_schema_name() else "tenant"
    return {
        "nav_items": items_for(user=user, scope=scope, urlconf=getattr(request, "urlconf", None))
    }
