from django_tenants.utils import get_public_schema_name

from kernel.db import current_schema_name

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = "platform" if current_schema_name() == get_public_schema_name() else "tenant"
    # A municipality's own menu (order, labels, hidden entries, modules switched off), which
    # tenants.middleware_modules puts on the request; accounts does not know its shape's source.
    components = getattr(request, "components", None) if scope == "tenant" else None
    return {
        "nav_items": items_for(
            user=user, scope=scope, urlconf=getattr(request, "urlconf", None),
            layout=components.nav_layout() if components is not None else None,
            label=components.label_for if components is not None else None,
        )
    }
