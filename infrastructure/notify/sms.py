"""SMS through an HTTP gateway (most Thai SMS providers take a JSON POST with a bearer token).

settings: NOTIFY_SMS_URL (the gateway's send endpoint), NOTIFY_SMS_TOKEN, NOTIFY_SMS_SENDER,
NOTIFY_SMS_TIMEOUT (seconds). The gateway gets the phone number and the text, nothing else.
A network error, a timeout, 429 or 5xx is retried (NotifyError); any other refusal is not."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from .base import Notice, NotifyError


class SmsRefused(Exception):
    """The gateway refused the message for good (bad number, bad credentials)."""


def sms_text(notice: Notice) -> str:
    return f"{notice.subject}\n{notice.status_url}\n{notice.opt_out_url}"


class HttpSmsBackend:
    channel = "sms"

    def send(self, *, notice: Notice, address: str) -> None:
        url = getattr(settings, "NOTIFY_SMS_URL", "")
        if not url:
            raise SmsRefused("NOTIFY_SMS_URL is not set")
        payload = {"to": address, "text": sms_text(notice)}
        sender = getattr(settings, "NOTIFY_SMS_SENDER", "")
        if sender:
            payload["sender"] = sender
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {getattr(settings, 'NOTIFY_SMS_TOKEN', '')}",
            },
        )
        try:
            with urllib.request.urlopen(
                request, timeout=getattr(settings, "NOTIFY_SMS_TIMEOUT", 10)
            ) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            if error.code == 429 or error.code >= 500:
                raise NotifyError(f"SMS gateway answered {error.code}") from None
            raise SmsRefused(f"SMS gateway refused the message: {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise NotifyError(f"SMS gateway not reachable: {error.__class__.__name__}") from None
