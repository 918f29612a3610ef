"""Checks shared by the routers: a switched-off module and a missing permission."""

from django.utils.translation import gettext_lazy as _

from .errors import ApiError


def require_module(request, module: str) -> None:
    """404 when the municipality switched the module off (as its web pages do)."""
    components = getattr(request, "components", None)
    if components is not None and not components.module_on(module):
        raise ApiError(404, _("This module is switched off for this municipality."), code="module_off")


def require_perm(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise ApiError(403)
