"""E-mail through Django's mail settings (EMAIL_BACKEND: SMTP in production, locmem in tests)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from .base import Notice, NotifyError


class EmailBackend:
    channel = "email"

    def send(self, *, notice: Notice, address: str) -> None:
        body = f"{notice.body}\n\n{notice.status_url}\n\n{notice.opt_out_url}\n"
        message = EmailMessage(
            subject=notice.subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
            headers={"List-Unsubscribe": f"<{notice.opt_out_url}>"},
        )
        try:
            message.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            raise NotifyError(f"e-mail not sent: {error.__class__.__name__}") from error
