from typing import Any

from django.utils import translation
from django.utils.functional import lazy


def bilingual(message: Any, params: dict[str, Any] | None = None) -> str:
    """`Thai / English` for places with no language switch (command output, logs for staff)."""
    rendered = []
    for language in ("th", "en"):
        with translation.override(language):
            # Interpolate the message itself: a lazy plural (Django's max_length…) picks its form
            # from the params, and would render empty if turned into text first.
            rendered.append(str(message % params if params else message))
    return rendered[0] if rendered[0] == rendered[1] else f"{rendered[0]} / {rendered[1]}"


def _rendered(message: Any, params: dict[str, Any]) -> str:
    return str(message % params)


_lazy_rendered = lazy(_rendered, str)


def in_active_language(message: Any, params: dict[str, Any] | None = None) -> Any:
    """The message (with its params) as a lazy text, rendered in whichever language is active
    when it is read: a form error shows Thai on a Thai page and English on an English one, and
    the API (api.errors) renders the same error in both for its `message` / `message_en`.
    Use this, not bilingual(), for anything a page, a form or the API shows."""
    return _lazy_rendered(message, params) if params else message


def chosen_language(request: Any) -> str:
    """The language the person chose with the switch (its cookie), else Thai: the browser's own
    language does not count (cityplatform.middleware.ThaiFirstLocaleMiddleware). Readable before
    sessions and the database, so error pages answered early speak the reader's language too."""
    from django.conf import settings

    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE
