"""The roles of CONTRACT §3, kept as auth groups with permissions.

Every municipality has the five municipal roles in its own schema; the platform team's role
lives in `public`. Modules say what each role may do with `grant()` in their AppConfig.ready(),
so this file never has to know the domain apps.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from kernel.db import current_schema_name


class Role(models.TextChoices):
    ADMIN = "admin", _("Municipal administrator")
    EXECUTIVE = "executive", _("Executive")
    ENGINEER = "engineer", _("Engineer (public works division)")
    NURSE = "nurse", _("Nurse (public health division)")
    VOLUNTEER = "volunteer", _("Village health volunteer")
    CAREGIVER = "caregiver", _("Caregiver (long-term care)")
    LTC_FUND_OFFICER = "ltc_fund", _("LTC fund officer")
    PLATFORM = "platform", _("Platform team")


MUNICIPAL_ROLES = (
    Role.ADMIN, Role.EXECUTIVE, Role.ENGINEER, Role.NURSE, Role.VOLUNTEER, Role.CAREGIVER,
    Role.LTC_FUND_OFFICER,
)
PLATFORM_ROLES = (Role.PLATFORM,)

_grants: dict[str, set[str]] = defaultdict(set)


def grant(role: Role, *permissions: str) -> None:
    """Give `role` the permissions named "app_label.codename"."""
    _grants[role].update(permissions)


def granted(role: Role) -> frozenset[str]:
    return frozenset(_grants[role])


def roles_for_schema(schema_name: str) -> tuple[Role, ...]:
    return PLATFORM_ROLES if schema_name == get_public_schema_name() else MUNICIPAL_ROLES


def roles_sync() -> None:
    """Create this schema's role groups and set their permissions to exactly what is granted.

    Runs after every migration of every schema, so the usual case (nothing changed) costs three
    reads and no writes.
    """
    roles = roles_for_schema(current_schema_name())
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in roles])}
    for role in roles:
        if role.value not in groups:
            groups[role.value] = Group.objects.create(name=role.value)

    wanted_names = {perm for role in roles for perm in _grants[role]}
    query = models.Q(pk__in=[])
    for app_label, codename in (perm.split(".", 1) for perm in wanted_names):
        query |= models.Q(content_type__app_label=app_label, codename=codename)
    perm_ids = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.filter(query).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    through = Group.permissions.through
    current: dict[int, set[int]] = defaultdict(set)
    for group_id, permission_id in through.objects.filter(
        group__in=groups.values()
    ).values_list("group_id", "permission_id"):
        current[group_id].add(permission_id)

    for role in roles:
        group = groups[role.value]
        wanted = {perm_ids[name] for name in _grants[role] if name in perm_ids}
        if wanted != current[group.pk]:
            group.permissions.set(wanted)


def roles_sync_after_migrate(sender, app_config=None, using="default", **kwargs):
    # post_migrate fires app by app, in INSTALLED_APPS order, and auth creates each app's
    # permissions on that app's turn; only at the last app do all permissions exist. Even then
    # not yet that app's own: this receiver was connected (accounts is listed before auth) ahead
    # of auth's, so it makes them first (auth's receiver then finds nothing left to create).
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and with_models and app_config is with_models[-1]:
        from django.contrib.auth.management import create_permissions

        create_permissions(app_config, verbosity=0, using=using, apps=kwargs.get("apps", apps))
        roles_sync()
