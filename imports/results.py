"""What an import did, in the reader's words: new, updated, unchanged, rejected rows.

The words carry their own context ("import result"): bare "Created" / "Rejected" are also a
service request's states, whose Thai (สร้างคำร้อง, ไม่รับเรื่อง) must never describe an import."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import pgettext_lazy

RESULT_WORDS = (
    ("rows", pgettext_lazy("import result", "Rows")),
    ("created", pgettext_lazy("import result", "Created")),
    ("updated", pgettext_lazy("import result", "Updated")),
    ("unchanged", pgettext_lazy("import result", "Unchanged")),
    ("rejected", pgettext_lazy("import result", "Rejected")),
)


def result_counts(counts: Mapping[str, Any] | Any) -> list[tuple[str, str, int]]:
    """(key, word in the active language, count) for a job or a dict of counts (an audit row's
    detail); a count the source lacks is left out."""
    lines = []
    for key, word in RESULT_WORDS:
        value = counts.get(key) if isinstance(counts, Mapping) else getattr(counts, key, None)
        if isinstance(value, int) and not isinstance(value, bool):
            lines.append((key, str(word), value))
    return lines


def result_text(counts: Mapping[str, Any] | Any) -> str:
    """`แถว 3 · นำเข้าใหม่ 2 · ปรับปรุง 0 · ไม่เปลี่ยนแปลง 0 · ปฏิเสธ 1`."""
    return " · ".join(f"{word} {value:,}" for _key, word, value in result_counts(counts))
