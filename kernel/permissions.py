"""The one permission check that services, selectors and the API share."""

from typing import Protocol

from django.core.exceptions import PermissionDenied


class PermissionHolder(Protocol):
    """What the check reads of a user: the signed-in user and the anonymous one both fit."""

    @property
    def is_authenticated(self) -> bool: ...

    def has_perm(self, perm: str) -> bool: ...


def require_perm(user: PermissionHolder | None, perm: str) -> None:
    """PermissionDenied unless `user` is signed in and holds `perm`. Web views answer it with 403
    and the API with its 403 error body, so the rule lives in one place for both."""
    if user is None or not user.is_authenticated or not user.has_perm(perm):
        raise PermissionDenied
