"""The LINE webhook of one municipality (POST /line/webhook/ on its host).

LINE signs every delivery with the channel secret (X-Line-Signature); the SDK's WebhookParser
checks it and a forged or missing signature is answered 400. LINE may deliver an event again
(`deliveryContext.isRedelivery`, or an attacker replaying a captured body with its valid
signature): each webhookEventId is remembered in the cache for settings.LINE_EVENT_SEEN_SECONDS
and a seen one is ignored.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiException, ReplyMessageRequest
from linebot.v3.webhooks import FollowEvent, MessageEvent, PostbackEvent, UserSource

from kernel.ratelimit import rate_hit

from ..models import Channel, NotifyChannel
from ..services import service_request_create
from .client import TIMEOUT, line_apis, line_channel_current
from .conversation import Conversation, filed_message

log = logging.getLogger(__name__)


def _first_time(event_id: str) -> bool:
    return cache.add(f"line:event:{event_id}", 1, timeout=settings.LINE_EVENT_SEEN_SECONDS)


@csrf_exempt  # LINE's servers hold no CSRF token: the signature is what proves the sender
@require_POST
def webhook(request):
    channel = line_channel_current()
    if channel is None:
        raise Http404  # LINE is off for this municipality
    body = request.body.decode("utf-8", errors="replace")
    try:
        signature = request.headers.get("X-Line-Signature", "")
        events = WebhookParser(channel.channel_secret).parse(body, signature)
    except InvalidSignatureError:
        return HttpResponseBadRequest("invalid signature")
    except ValueError:
        return HttpResponseBadRequest("invalid body")
    with translation.override("th"), line_apis(channel) as apis:
        for event in events:
            event_id = getattr(event, "webhook_event_id", None)
            if not event_id or not _first_time(event_id):
                continue
            try:
                _handle(request, event, apis)
            except Exception:
                # Let LINE's redelivery (or the citizen's next message) try again.
                cache.delete(f"line:event:{event_id}")
                raise
    return HttpResponse(status=200)


def _handle(request, event, apis) -> None:
    source = getattr(event, "source", None)
    if not isinstance(source, UserSource) or not source.user_id:
        return  # groups and rooms: reporting is one citizen at a time
    if not isinstance(event, FollowEvent | MessageEvent | PostbackEvent):
        return  # unfollow, reads, video calls…: nothing to answer
    user_id = source.user_id

    def file_request(data, photo):
        # The web form's limit, counted per LINE user: all webhooks come from LINE's addresses.
        if not rate_hit(request, "report-submit", who=f"line:{user_id}").allowed:
            raise ValidationError(_("You have sent many reports in a short time. Please try again "
                                    "later."))
        data = {**data, "notify_channel": NotifyChannel.LINE, "reporter_line_user_id": user_id}
        return service_request_create(data=data, channel=Channel.LINE, photo=photo)

    conversation = Conversation(municipality=request.tenant, user_id=user_id, apis=apis,
                                file_request=file_request)
    reply = conversation.start() if isinstance(event, FollowEvent) else conversation.handle(event)
    messages = reply.messages
    if reply.filed:
        url = request.build_absolute_uri(reverse("report:status", args=[reply.filed]))
        messages = [filed_message(reply.filed, url)]
    if not messages or not getattr(event, "reply_token", None):
        return
    try:
        apis.messaging.reply_message(
            ReplyMessageRequest(replyToken=event.reply_token, messages=messages[:5]),
            _request_timeout=TIMEOUT,
        )
    except ApiException as error:
        # An expired reply token (LINE allows about a minute) must not lose a filed request.
        log.warning("LINE reply failed: %s", error.status)
