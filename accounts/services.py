from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from kernel.db import current_schema_name
from kernel.text import strip_bidi_controls

from .models import User
from .roles import Role, roles_for_schema

# Shown as names (lists, timelines, the audit log): no bidirectional control characters.
_PLAIN_TEXT_FIELDS = frozenset({"first_name", "last_name", "position"})


class AccountError(Exception):
    """A rule about accounts was broken; the message is shown to the user as it is."""


def _check_role(role: Role) -> None:
    if role not in roles_for_schema(current_schema_name()):
        raise AccountError(_("The role “%(role)s” does not exist here.") % {"role": role})


@transaction.atomic
def user_set_role(*, user: User, role: Role) -> None:
    _check_role(role)
    role_names = [r.value for r in Role]
    user.groups.remove(*Group.objects.filter(name__in=role_names))
    user.groups.add(Group.objects.get(name=role.value))
    user.__dict__.pop("_role_cache", None)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    position: str = "",
) -> User:
    _check_role(role)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("The username “%(username)s” is taken.") % {"username": username})
    user = User(
        username=username, first_name=strip_bidi_controls(first_name).strip(),
        last_name=strip_bidi_controls(last_name).strip(), email=email, phone=phone,
        position=strip_bidi_controls(position).strip(),
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user_set_role(user=user, role=role)
    return user


@transaction.atomic
def user_update(*, user: User, acting_user: User, role: Role, is_active: bool, **fields) -> User:
    if user.pk == acting_user.pk and (not is_active or role != user.role):
        # An administrator locking themselves out leaves the municipality with nobody to fix it.
        raise AccountError(_("You cannot deactivate yourself or change your own role."))
    for name, value in fields.items():
        if name in _PLAIN_TEXT_FIELDS and isinstance(value, str):
            value = strip_bidi_controls(value).strip()
        setattr(user, name, value)
    user.is_active = is_active
    user.full_clean()
    user.save()
    user_set_role(user=user, role=role)
    return user
