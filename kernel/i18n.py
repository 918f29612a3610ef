from typing import Any

from django.utils import translation


def bilingual(message: Any, params: dict[str, Any] | None = None) -> str:
    """`Thai / English` for places with no language switch (command output, logs for staff)."""
    rendered = []
    for language in ("th", "en"):
        with translation.override(language):
            # Interpolate the message itself: a lazy plural (Django's max_length…) picks its form
            # from the params, and would render empty if turned into text first.
            rendered.append(str(message % params if params else message))
    return rendered[0] if rendered[0] == rendered[1] else f"{rendered[0]} / {rendered[1]}"
