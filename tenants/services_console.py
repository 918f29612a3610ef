"""Console workflows of the platform team: suspending a municipality, platform users' passwords.

Creating and editing platform users reuses accounts.services (user_create, user_update) with the
platform role; the rules there (unique username, no self-deactivation) hold on the console too.
"""

import logging

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Municipality
from .routing import tenant_cache_clear
from .services import MunicipalityError

logger = logging.getLogger(__name__)


@transaction.atomic
def municipality_set_active(*, municipality: Municipality, is_active: bool, actor: str) -> Municipality:
    """Suspend or restore a municipality's host. Nothing is deleted: a suspended host answers with
    a "suspended" page, its figures are no longer refreshed, and restoring it brings all back."""
    if municipality.is_platform:
        raise MunicipalityError(_("The platform itself cannot be deactivated."))
    if municipality.is_active == is_active:
        return municipality
    municipality.is_active = is_active
    municipality.save(update_fields=["is_active"])
    logger.info(
        "municipality %s %s by %s", municipality.schema_name,
        "activated" if is_active else "deactivated", actor,
    )
    # This process routes the change at once; the others within TENANT_CACHE_SECONDS.
    transaction.on_commit(tenant_cache_clear)
    return municipality


def platform_user_set_password(*, user: User, password: str) -> None:
    """The caller has validated `password` (PasswordResetByAdminForm runs the validators)."""
    user.set_password(password)
    user.save(update_fields=["password"])
