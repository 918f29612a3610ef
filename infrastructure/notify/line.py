"""LINE: a push message to the reporter's LINE user id through the municipality's Official
Account (the official SDK's MessagingApi.push_message).

Sent from the schema of the municipality the request belongs to (the notification task runs
there), with that municipality's channel access token. A network error, a timeout, 429 or 5xx is
retried (NotifyError); any other refusal (a wrong token, a user who blocked the account) or a
municipality whose LINE is off is not (LineRefused)."""

from __future__ import annotations

import urllib3
from django.utils import translation
from django.utils.translation import gettext as _
from linebot.v3.messaging import ApiException, PushMessageRequest, TextMessage

from ..line.client import TIMEOUT, line_apis, line_channel_current
from .base import Notice, NotifyError

TEXT_MAX = 5000  # LINE's limit for one text message


class LineRefused(Exception):
    """LINE refused the message for good, or the municipality has no LINE channel on."""


def line_text(notice: Notice) -> str:
    with translation.override("th"):  # a LINE user never chose a language on our side
        tail = _("Follow it here: %(url)s\nStop these messages: %(opt_out)s") % {
            "url": notice.status_url, "opt_out": notice.opt_out_url}
    head = f"{notice.subject}\n\n{notice.body}".strip()
    room = TEXT_MAX - len(tail) - 2
    if len(head) > room:
        head = head[:room - 1] + "…"
    return f"{head}\n\n{tail}"


class LineBackend:
    channel = "line"

    def send(self, *, notice: Notice, address: str) -> None:
        channel = line_channel_current()
        if channel is None:
            raise LineRefused("LINE is not set up or is off for this municipality")
        try:
            with line_apis(channel) as apis:
                apis.messaging.push_message(
                    PushMessageRequest(to=address, messages=[TextMessage(text=line_text(notice))]),
                    _request_timeout=TIMEOUT,
                )
        except ApiException as error:
            if error.status == 429 or (error.status or 0) >= 500:
                raise NotifyError(f"LINE answered {error.status}") from None
            raise LineRefused(f"LINE refused the message: {error.status}") from None
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise NotifyError(f"LINE not reachable: {error.__class__.__name__}") from None
