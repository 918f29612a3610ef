"""Text the platform writes into the database for people to read later, read in the reader's language.

A note the platform adds to a request's timeline ("Photo added."), why an import failed, why a
bulk onboarding could not create a municipality: the person who reads it may have chosen Thai or
English, and may not be the one who caused it. Three ways, from the best:

- `message_store()` keeps the message's msgid (and context) with its values where the row has a
  JSON field for it; `message_read()` renders it in the language active when read.
- `system_messages_register()` names the messages the platform writes into a text column that
  people also write in (a timeline comment, a photo caption): `stored_text()` recognises them
  (as `kernel.i18n.bilingual` stored them, "ไทย / English") and renders them in the reader's
  language, line by line; what a person typed is shown as they typed it.
- Rows written before either: `bilingual_part()` takes the reader's half of "ไทย / English".

The stored text itself stays "ไทย / English" (bilingual), so a backup, the database or a log reads
in either language whatever the page does.
"""

import re
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

_THAI_LETTER = re.compile("[\u0e00-\u0e7f]")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_SEPARATOR = " / "


# --- A message kept as its msgid and values --------------------------------------------------------------


def _lazy_call(message: Any) -> tuple[Any, tuple[Any, ...]] | None:
    """(function, arguments) of a gettext_lazy / pgettext_lazy message, None for anything else
    (a text already made, a lazy plural). Read through the proxy's pickling, Django's public way to
    rebuild one."""
    if not isinstance(message, Promise):
        return None
    reduced = message.__reduce__()
    if not (isinstance(reduced, tuple) and len(reduced) == 2 and len(reduced[1]) >= 3):
        return None
    function, args, kwargs = reduced[1][:3]
    if kwargs or function not in (translation.gettext, translation.pgettext):
        return None
    return function, tuple(args)


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def message_store(message: Any, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """What to keep in a JSON field for `message` % `params`: {"msgid", "context"?, "params"} for a
    lazy gettext message; for any other (a text made elsewhere, a lazy plural) its Thai and English
    renderings {"th", "en"}. `message_read` turns either into the reader's language."""
    call = _lazy_call(message)
    values = {key: _plain(value) for key, value in (params or {}).items()}
    if call is None:
        texts = {}
        for language in ("th", "en"):
            with translation.override(language):
                texts[language] = str(message % params if params else message)
        return texts
    function, args = call
    stored: dict[str, Any] = {"msgid": args[-1], "params": values}
    if function is translation.pgettext:
        stored["context"] = args[0]
    return stored


def message_read(stored: dict[str, Any] | None, fallback: str = "") -> str:
    """The stored message in the active language; `fallback` (a row written before the message was
    kept, as "ไทย / English") read through bilingual_part."""
    if stored and stored.get("msgid"):
        msgid = str(stored["msgid"])
        text = (translation.pgettext(stored["context"], msgid) if stored.get("context")
                else translation.gettext(msgid))
        try:
            return str(text % stored["params"]) if stored.get("params") else text
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            return str(msgid % stored["params"]) if stored.get("params") else msgid
    if stored and stored.get("th"):
        return str(stored["th"] if _is_thai() else stored.get("en") or stored["th"])
    return bilingual_part(fallback)


# --- Messages recognised in a text column -----------------------------------------------------------------

_REGISTERED: list[Any] = []
_PATTERNS: list[tuple[re.Pattern[str], Any]] = []


def system_messages_register(*messages: Any) -> None:
    """The lazy messages the platform writes (through bilingual) into a column people write in."""
    _REGISTERED.extend(messages)
    _PATTERNS.clear()


def _template_regex(template: str, *, named: bool) -> str:
    parts, position = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position:match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)" if named else ".+?")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return "".join(parts)


def _patterns() -> list[tuple[re.Pattern[str], Any]]:
    # Built once, from the English msgid and its Thai form: bilingual() wrote "Thai / English", or
    # the English alone when both read the same.
    if not _PATTERNS:
        for message in _REGISTERED:
            with translation.override("en"):
                english = str(message)
            with translation.override("th"):
                thai = str(message)
            regex = _template_regex(english, named=True)
            if thai != english:
                regex = f"(?:{_template_regex(thai, named=False)}{re.escape(_SEPARATOR)})?{regex}"
            _PATTERNS.append((re.compile(f"^{regex}$"), message))
    return _PATTERNS


def stored_text(text: str) -> str:
    """`text` with every line that is one of the registered messages rendered in the active
    language; any other line (what a person typed) as it is."""
    if not text:
        return text
    lines = []
    for line in str(text).split("\n"):
        for pattern, message in _patterns():
            match = pattern.match(line.rstrip("\r"))
            if match:
                params = match.groupdict()
                line = str(message % params if params else message)
                break
        lines.append(line)
    return "\n".join(lines)


# --- Rows written before ----------------------------------------------------------------------------------


def _is_thai() -> bool:
    return (translation.get_language() or "th").startswith("th")


def bilingual_part(text: str) -> str:
    """The reader's half of a text kernel.i18n.bilingual wrote ("ไทย / English"): the Thai half for
    a Thai reader, the English half otherwise. The split is the middle " / " (both halves hold the
    same number of them: one message in two languages), else the last " / " before which there is
    Thai and after which there is none, else the last one followed by a Latin word. A text with no
    such split is returned as it is."""
    if not text or _SEPARATOR not in text:
        return text or ""
    starts = [m.start() for m in re.finditer(re.escape(_SEPARATOR), text)]
    candidates = [starts[len(starts) // 2]] if len(starts) % 2 else []
    candidates += [s for s in reversed(starts) if _THAI_LETTER.search(text[:s])
                   and not _THAI_LETTER.search(text[s + len(_SEPARATOR):])]
    # A Thai value (a name) inside the English half: the last " / " followed by a Latin word.
    candidates += [s for s in reversed(starts) if re.match(r"[A-Za-z]", text[s + len(_SEPARATOR):])]
    for start in candidates:
        thai, english = text[:start], text[start + len(_SEPARATOR):]
        if _THAI_LETTER.search(thai):
            return thai if _is_thai() else english
    return text

