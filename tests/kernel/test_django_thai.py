"""Every Django message the project gives Thai for is Thai on a Thai page, in each plural form:
a Django upgrade that rewords one fails here rather than putting English on a page."""

import re
from collections import defaultdict
from pathlib import Path

import django
from django.utils import translation

from kernel.django_thai import PLURAL, SINGLE


def _is_thai(text: str) -> bool:
    return any("\u0e00" <= char <= "\u0e7f" for char in text)


def test_each_single_message_is_thai():
    with translation.override("th"):
        untranslated = [msgid for msgid in SINGLE if not _is_thai(translation.gettext(msgid))]
    assert untranslated == []


def test_each_plural_message_is_thai_for_one_and_for_many():
    untranslated = []
    with translation.override("th"):
        for singular, plural in PLURAL:
            for count in (1, 10):
                form = translation.ngettext(singular, plural, count)
                # Every parameter set to the count ("%d" messages take it alone).
                text = form % count if "%(" not in form else form % defaultdict(lambda count=count: count)
                if not _is_thai(text) or str(count) not in text:
                    untranslated.append((text, count))
    assert untranslated == []


def test_each_message_is_still_worded_so_in_the_installed_django():
    """A msgid Django no longer uses would leave its new wording untranslated: English again."""
    root = Path(django.__file__).parent
    source = "".join(path.read_text(encoding="utf-8") for path in root.rglob("*.py")
                     if "locale" not in path.parts and "tests" not in path.parts)
    # Django splits long messages over lines: "…a-z "\n        "and…".
    flat = re.sub(r'"\s*\n\s*"', "", source)
    msgids = list(SINGLE) + [part for pair in PLURAL for part in pair]
    missing = [msgid for msgid in msgids if msgid not in flat and msgid.replace('"', '\\"') not in flat]
    assert missing == []
