"""The reporting conversation on LINE: category → photo → location → description, then the
request is filed with channel `line` and the citizen gets the tracking code and status link.

One step per message. The state of each LINE user's report in progress lives in the cache (keys
prefixed by the municipality's schema) and expires after settings.LINE_CONVERSATION_SECONDS, so
an abandoned report leaves nothing behind; the photo waits under its own key for as long.
Everything the citizen reads is Thai: a LINE user never chose a language on our side.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from linebot.v3.messaging import (
    ApiException,
    CameraAction,
    CameraRollAction,
    LocationAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)
from linebot.v3.webhooks import (
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
)

from kernel.photos import validate_photo

from ..models import RequestCategory
from ..validators import reported_location
from .client import TIMEOUT, LineApis

DESCRIPTION_MAX = 2000  # as on the web form
ADDRESS_MAX = 300  # ServiceRequest.address_text
CATEGORY, PHOTO, LOCATION, DESCRIPTION = "category", "photo", "location", "description"
CANCEL_WORDS = frozenset({"ยกเลิก", "cancel"})
CANCEL_DATA, SKIP_PHOTO_DATA = "cancel", "photo:skip"
CATEGORY_DATA = "category:"


@dataclass
class Reply:
    """What to answer one event with; `filed` is the tracking code when a request was filed."""

    messages: list[TextMessage] = field(default_factory=list)
    filed: str = ""


def _state_key(user_id: str) -> str:
    return f"line:conversation:{user_id}"


def _photo_key(user_id: str) -> str:
    return f"line:photo:{user_id}"


def _save(user_id: str, state: dict) -> None:
    cache.set(_state_key(user_id), state, timeout=settings.LINE_CONVERSATION_SECONDS)


def _forget(user_id: str) -> None:
    cache.delete_many([_state_key(user_id), _photo_key(user_id)])


def _item(action) -> QuickReplyItem:
    return QuickReplyItem(action=action)


def _cancel() -> QuickReplyItem:
    return _item(PostbackAction(label=_("Cancel"), data=CANCEL_DATA, displayText=_("Cancel")))


def _text(text: str, items: list[QuickReplyItem] | None = None) -> TextMessage:
    return TextMessage(text=text, quickReply=QuickReply(items=items) if items else None)


def _category_label(value: str) -> str:
    return RequestCategory.thai_labels().get(value) or str(RequestCategory(value).label)


def ask_category(municipality_name: str) -> TextMessage:
    # 10 categories + cancel: within LINE's 13 quick-reply buttons; Thai labels fit its 20 characters.
    items = [_item(PostbackAction(label=_category_label(value), data=CATEGORY_DATA + value,
                                  displayText=_category_label(value)))
             for value in RequestCategory.values]
    return _text(_("Hello! Report a problem to %(name)s here. What kind of problem is it?")
                 % {"name": municipality_name}, [*items, _cancel()])


def ask_photo() -> TextMessage:
    return _text(_("Send a photo of the problem (take one or choose one from your album), or press "
                   "“Skip”."), [
        _item(CameraAction(label=_("Take a photo"))),
        _item(CameraRollAction(label=_("Choose a photo"))),
        _item(PostbackAction(label=_("Skip"), data=SKIP_PHOTO_DATA, displayText=_("Skip"))),
        _cancel(),
    ])


def ask_location() -> TextMessage:
    return _text(_("Where is it? Press “Send location” and pin the spot, or type the address or a "
                   "landmark."), [_item(LocationAction(label=_("Send location"))), _cancel()])


def ask_description() -> TextMessage:
    return _text(_("Last step: describe the problem in a few words."), [_cancel()])


class Conversation:
    """One LINE user's report in progress, on one municipality's host."""

    def __init__(self, *, municipality, user_id: str, apis: LineApis, file_request):
        self.municipality = municipality
        self.user_id = user_id
        self.apis = apis
        # file_request(data: dict, photo: IO | None) -> ServiceRequest; the view binds the host.
        self.file_request = file_request

    def start(self) -> Reply:
        """A new report from the first step (the citizen added the account, or wrote first)."""
        cache.delete(_photo_key(self.user_id))
        _save(self.user_id, {"step": CATEGORY})
        return Reply([ask_category(self.municipality.name_th)])

    def handle(self, event) -> Reply:
        state = cache.get(_state_key(self.user_id))
        if self._is_cancel(event):
            _forget(self.user_id)
            return Reply([_text(_("The report was cancelled. Send any message to start again."))])
        if state is None:
            return self.start()
        step = state.get("step")
        if step == CATEGORY:
            return self._category(event, state)
        if step == PHOTO:
            return self._photo(event, state)
        if step == LOCATION:
            return self._location(event, state)
        return self._description(event, state)

    # --- the steps ---------------------------------------------------------------------------
    def _category(self, event, state: dict) -> Reply:
        chosen = None
        if isinstance(event, PostbackEvent) and event.postback.data.startswith(CATEGORY_DATA):
            chosen = event.postback.data[len(CATEGORY_DATA):]
        elif _is_text(event):
            member = RequestCategory.from_label(event.message.text)
            chosen = member.value if member else None
        if chosen not in RequestCategory.values:
            return Reply([ask_category(self.municipality.name_th)])
        state.update(step=PHOTO, category=chosen)
        _save(self.user_id, state)
        return Reply([ask_photo()])

    def _photo(self, event, state: dict) -> Reply:
        if isinstance(event, PostbackEvent) and event.postback.data == SKIP_PHOTO_DATA:
            return self._to_location(state)
        if not (isinstance(event, MessageEvent) and isinstance(event.message, ImageMessageContent)):
            return Reply([ask_photo()])
        try:
            content = self.apis.blob.get_message_content(event.message.id, _request_timeout=TIMEOUT)
        except ApiException:
            return Reply([_text(_("The photo could not be received. Send it again or press “Skip”.")),
                          ask_photo()])
        content = bytes(content)
        try:
            validate_photo(io.BytesIO(content))
        except ValidationError as error:
            return Reply([_text(" ".join(error.messages)), ask_photo()])
        # Re-encoded (no EXIF or GPS) when the request is filed; until then only in the cache.
        cache.set(_photo_key(self.user_id), content, timeout=settings.LINE_CONVERSATION_SECONDS)
        state["photo"] = True
        return self._to_location(state)

    def _to_location(self, state: dict) -> Reply:
        state["step"] = LOCATION
        _save(self.user_id, state)
        return Reply([ask_location()])

    def _location(self, event, state: dict) -> Reply:
        if isinstance(event, MessageEvent) and isinstance(event.message, LocationMessageContent):
            message = event.message
            try:
                reported_location(float(message.latitude), float(message.longitude), self.municipality)
            except ValidationError as error:
                return Reply([_text(" ".join(error.messages)), ask_location()])
            state.update(lat=float(message.latitude), lon=float(message.longitude),
                         address_text=(message.address or "")[:ADDRESS_MAX])
        elif _is_text(event) and event.message.text.strip():
            # No GPS or no wish to share it: the place in words, pinned later by staff.
            state.update(lat=None, lon=None, address_text=event.message.text.strip()[:ADDRESS_MAX])
        else:
            return Reply([ask_location()])
        state["step"] = DESCRIPTION
        _save(self.user_id, state)
        return Reply([ask_description()])

    def _description(self, event, state: dict) -> Reply:
        if not (_is_text(event) and event.message.text.strip()):
            return Reply([ask_description()])
        description = event.message.text.strip()
        if len(description) > DESCRIPTION_MAX:
            return Reply([_text(_("Please describe it in at most %(count)s characters.")
                                % {"count": DESCRIPTION_MAX}), ask_description()])
        data = {
            "category": state["category"],
            "description": description,
            "address_text": state.get("address_text", ""),
            "location": None,
        }
        if state.get("lat") is not None:
            data["location"] = reported_location(state["lat"], state["lon"], self.municipality)
        photo = cache.get(_photo_key(self.user_id)) if state.get("photo") else None
        try:
            service_request = self.file_request(data, io.BytesIO(photo) if photo else None)
        except ValidationError as error:
            return Reply([_text(_("The report could not be filed: %(error)s")
                                % {"error": " ".join(error.messages)})])
        _forget(self.user_id)
        return Reply([], filed=service_request.tracking_code)

    def _is_cancel(self, event) -> bool:
        if isinstance(event, PostbackEvent):
            return event.postback.data == CANCEL_DATA
        return _is_text(event) and event.message.text.strip().lower() in CANCEL_WORDS


def _is_text(event) -> bool:
    return isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent)


def filed_message(code: str, status_url: str) -> TextMessage:
    return _text(_("Thank you, your report was received.\nTracking code: %(code)s\nFollow it here: "
                   "%(url)s\nWe will tell you here on LINE when its status changes.")
                 % {"code": code, "url": status_url})

