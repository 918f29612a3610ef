"""Choice vocabularies matched the way staff write them.

A choice (a sex, a disability type, an asset condition…) is written many ways in a municipality's
files: its code, its English or Thai label, a national code (`3` for a movement disability, `003`
for นาย), and Thai forms the official label does not list but any clerk recognises. The Thai law
names disability types "ความพิการทางการเคลื่อนไหวหรือทางร่างกาย"; staff write `การเคลื่อนไหว`,
`ทางการเคลื่อนไหว`, `พิการทางการเคลื่อนไหว`, `ร่างกาย`. A `Vocabulary` is built once from a
choice's accepted spellings and answers for any such form, after `spelling_key` (case, spaces,
zero-width characters and Thai digits ignored).

What it derives, both from the accepted spellings and from the value looked up:
- the Thai category words in front (`ทาง`, `พิการทาง`, `ความพิการทาง`, `ผู้พิการทาง`, `โรค`), in
  front of each alternative of a "…หรือ…" label as well;
- each alternative of a label on its own (`การเคลื่อนไหวหรือร่างกาย` → `การเคลื่อนไหว`, `ร่างกาย`;
  `Physical or movement (…)` → `physical`, `movement`, and the text in the brackets);
- dots left out (`น.ส.` / `นส`, `ช.` / `ช`) and leading zeros of a number (`003` / `3`).
A derived form that two values share is dropped: the vocabulary never guesses between two.
"""

import re
from collections.abc import Iterator, Mapping

from .text import spelling_key

# Longest first: the first that fits is removed. Each is a word staff put before a category name.
THAI_FORM_PREFIXES: tuple[str, ...] = (
    "ความพิการทาง", "ผู้พิการทาง", "คนพิการทาง", "พิการทาง", "ทาง", "โรค",
)
_THAI_OR = "หรือ"
_BRACKETS = re.compile(r"\(([^()]*)\)")
_ENGLISH_OR = re.compile(r"\s+or\s+|\s*/\s*", re.IGNORECASE)


def _strip_prefix(part: str) -> str:
    for prefix in THAI_FORM_PREFIXES:
        if part.startswith(prefix) and len(part) > len(prefix):
            return part[len(prefix):]
    return part


def reduce_key(key: str) -> str:
    """A spelling key without the Thai category words in front of each alternative:
    `ทางการเคลื่อนไหวหรือทางร่างกาย` → `การเคลื่อนไหวหรือร่างกาย`."""
    return _THAI_OR.join(_strip_prefix(part) for part in key.split(_THAI_OR))


def key_forms(key: str) -> tuple[str, ...]:
    """The forms a spelling key is compared in, most literal first: the first form that names a
    value decides (`ทางเดิน` is looked up as written before as `เดิน`)."""
    forms: list[str] = []
    for form in (key, key.replace(".", "")):
        for candidate in (form, reduce_key(form)):
            if candidate.isdigit():
                candidate = candidate.lstrip("0") or "0"
            if candidate and candidate not in forms:
                forms.append(candidate)
    return tuple(forms)


def _alternatives(spelling: str) -> Iterator[str]:
    """A label and the parts a person may write alone: the text in brackets and beside it, each
    side of an English "or" or a slash, each side of Thai "หรือ"."""
    texts = [spelling]
    inside = _BRACKETS.findall(spelling)
    if inside:
        texts += [*inside, _BRACKETS.sub(" ", spelling)]
    for text in texts:
        yield text
        if "(" in text:  # split only what is in the brackets and what is beside them
            continue
        english = [part for part in _ENGLISH_OR.split(text) if part.strip()]
        if len(english) > 1:
            yield from english
        key = spelling_key(text)
        thai = [part for part in key.split(_THAI_OR) if part]
        if len(thai) > 1:
            yield from thai


class Vocabulary:
    """The values of one choice by every spelling it accepts and the forms derived from them."""

    def __init__(self, spellings: Mapping[str, str]) -> None:
        self.exact: dict[str, str] = {}
        for spelling, value in spellings.items():
            key = spelling_key(spelling)
            if key:
                self.exact[key] = value
        candidates: dict[str, set[str]] = {}
        for spelling, value in spellings.items():
            for alternative in _alternatives(spelling):
                for form in key_forms(spelling_key(alternative)):
                    candidates.setdefault(form, set()).add(value)
        self.derived: dict[str, str] = {
            form: next(iter(values)) for form, values in candidates.items()
            if len(values) == 1 and form not in self.exact
        }

    def values(self) -> set[str]:
        return set(self.exact.values())

    def match(self, text: object) -> str | None:
        """The value `text` names, or None."""
        return self.match_key(spelling_key(text))

    def match_key(self, key: str) -> str | None:
        """`match` for a text already made a spelling key."""
        if not key:
            return None
        found = self.exact.get(key)
        if found is not None:
            return found
        for form in key_forms(key):
            found = self.exact.get(form) or self.derived.get(form)
            if found is not None:
                return found
        # Alternatives written in another order or form ("ร่างกายหรือการเคลื่อนไหว"): each names
        # the same value.
        parts = [part for part in key.split(_THAI_OR) if part]
        if len(parts) > 1:
            answers = {self.match_key(part) for part in parts}
            if len(answers) == 1:
                return answers.pop()
        return None
