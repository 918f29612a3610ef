"""The platform team's own accounts (schema `public`).

Creating and editing platform users reuses accounts.services (user_create, user_update) with the
platform role; the rules there (unique username, no self-deactivation) hold on the console too.
"""

from accounts.models import User


def platform_user_set_password(*, user: User, password: str) -> None:
    """The caller has validated `password` (PasswordResetByAdminForm runs the validators)."""
    user.set_password(password)
    user.save(update_fields=["password"])
