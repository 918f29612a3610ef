"""A municipality's first administrator and the link on which they set their own password.

Nobody ever types or sees the administrator's password: the account is created without a usable
one, and the platform team hands over (or the platform mails) a link to the municipality's host
where its owner chooses one. The link is Django's password-reset token, made with its own salt
and bound to the municipality's schema: it works once (setting the password changes what the token
was made from), it expires after PASSWORD_RESET_TIMEOUT, and a link issued again while the
password was never set makes the earlier one useless.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.roles import Role
from accounts.services import AccountError, user_create
from kernel.db import current_schema_name
from kernel.i18n import bilingual

from ..models import ConsoleAuditEntry, Municipality
from .console_audit import Actor, console_audit_record
from .municipalities import MunicipalityError

logger = logging.getLogger(__name__)
# Backends that only print or drop a message: with them, nothing reaches the administrator's inbox,
# so the screen says the link was not mailed.
_NOT_MAIL = ("django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend")


class AdminLinkTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "tenants.services.first_admin.AdminLinkTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        # The schema: user 3 of one municipality is not user 3 of another. is_active: a
        # deactivated account's link dies with it.
        return f"{super()._make_hash_value(user, timestamp)}{current_schema_name()}{int(user.is_active)}"


admin_link_tokens = AdminLinkTokenGenerator()


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    email: str
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class AdminLink:
    url: str
    expires_at: datetime
    username: str
    email: str
    mailed: bool


def mail_configured() -> bool:
    return bool(settings.EMAIL_BACKEND) and settings.EMAIL_BACKEND not in _NOT_MAIL


def site_base(*, host: str, scheme: str, port: str | int | None = None) -> str:
    """`scheme://host[:port]`: where the person handing the link over reaches the platform (the
    console request's scheme and port, or the shell's guess)."""
    port = str(port or "")
    default = {"http": "80", "https": "443"}.get(scheme)
    return f"{scheme}://{host}{'' if not port or port == default else ':' + port}"


def _link(*, user: User, base: str) -> AdminLink:
    """Made inside the municipality's schema (the token is bound to it)."""
    path = reverse("accounts:password-set", urlconf="cityplatform.urls_tenant",
                   kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                           "token": admin_link_tokens.make_token(user)})
    return AdminLink(url=base.rstrip("/") + path,
                     expires_at=timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
                     username=user.username, email=user.email, mailed=bool(user.email) and mail_configured())


def _mail(*, municipality: Municipality, link: AdminLink, full_name: str) -> None:
    """Thai, then English; sent after the transaction commits (nothing is mailed about an account
    that was rolled back), a mail server that is down is logged, never an error for the console."""
    if not link.mailed:
        return
    context = {"link": link, "full_name": full_name, "username": link.username}
    parts = []
    names = {"th": municipality.name_th, "en": municipality.name_en or municipality.name_th}
    for language in ("th", "en"):
        with translation.override(language):
            parts.append(render_to_string("tenants/email/admin_link.txt",
                                          {**context, "municipality_name": names[language]}).strip())
    subject = bilingual(_("Set your password for %(name)s on the City Data Platform"),
                        {"name": municipality.name_th})
    body = "\n\n----------------------------------------\n\n".join(parts) + "\n"
    message = EmailMessage(subject=subject, body=body, to=[link.email])

    def send() -> None:
        try:
            get_connection().send_messages([message])
        except Exception:  # the link is on the console's screen too
            logger.exception("could not mail the password link of %s", municipality.schema_name)

    transaction.on_commit(send)


def _admin_create(admin: FirstAdmin) -> User:
    try:
        user = user_create(
            username=admin.username.strip(), password=secrets.token_urlsafe(32), role=Role.ADMIN,
            first_name=admin.first_name, last_name=admin.last_name, email=admin.email.strip(),
        )
    except AccountError as error:
        raise MunicipalityError(str(error), field="admin_username") from error
    except ValidationError as error:
        field = next(iter(getattr(error, "error_dict", {}) or {}), "")
        text = " ".join(error.messages)
        field = "admin_email" if field == "email" else "admin_username"
        raise MunicipalityError(text, field=field) from error
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def first_admin_create(
    *, municipality: Municipality, admin: FirstAdmin, base: str, actor: Actor
) -> AdminLink:
    """A new administrator of `municipality` (without a password) and their link; mailed when mail
    is configured. Audited as a link issued."""
    with tenant_context(municipality):
        user = _admin_create(admin)
        link = _link(user=user, base=base)
    console_audit_record(municipality=municipality, actor=actor, action=ConsoleAuditEntry.Action.ADMIN_LINK,
                         details={"username": user.username, "new_account": True, "mailed": link.mailed})
    _mail(municipality=municipality, link=link, full_name=user.get_full_name())
    return link


@transaction.atomic
def admin_link_issue(*, municipality: Municipality, username: str, base: str, actor: Actor) -> AdminLink:
    """A new link for an existing administrator of `municipality` (lost, expired, or never used)."""
    with tenant_context(municipality):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or user.role != Role.ADMIN:
            raise MunicipalityError(_("“%(username)s” is not an active administrator of this municipality."),
                                    {"username": username})
        if not user.has_usable_password():
            # A fresh unusable password changes what earlier links were made from: they stop working.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        link = _link(user=user, base=base)
    console_audit_record(municipality=municipality, actor=actor, action=ConsoleAuditEntry.Action.ADMIN_LINK,
                         details={"username": user.username, "new_account": False, "mailed": link.mailed})
    _mail(municipality=municipality, link=link, full_name=user.get_full_name())
    return link


def municipality_admins(municipality: Municipality) -> list[dict]:
    """The municipality's administrators as the console shows them (read in its schema)."""
    with tenant_context(municipality):
        admins = User.objects.filter(groups__name=Role.ADMIN.value).order_by("username").distinct()
        return [{"username": u.username, "name": u.get_full_name(), "email": u.email,
                 "is_active": u.is_active, "has_password": u.has_usable_password(),
                 "last_login": u.last_login} for u in admins]
