from django.utils import translation


def bilingual(message, params: dict | None = None) -> str:
    """`Thai / English` for places with no language switch (command output, logs for staff)."""
    rendered = []
    for language in ("th", "en"):
        with translation.override(language):
            text = str(message)
            rendered.append(text % params if params else text)
    return rendered[0] if rendered[0] == rendered[1] else f"{rendered[0]} / {rendered[1]}"
