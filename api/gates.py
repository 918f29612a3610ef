"""What the routers check before the permission (kernel.permissions.require_perm, whose
PermissionDenied the API answers with its 403 body): a switched-off module."""

from django.utils.translation import gettext_lazy as _

from .errors import ApiError


def require_module(request, module: str) -> None:
    """404 when the municipality switched the module off (as its web pages do)."""
    components = getattr(request, "components", None)
    if components is not None and not components.module_on(module):
        raise ApiError(404, _("This module is switched off for this municipality."), code="module_off")

