"""The form on an import's preview that maps each unknown value of the file to a known one. Its
fields come from the preview (ImportJob.preview["unknown_values"]), never from the request: the
browser sends only which known value each listed value is."""

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .vocab_services import MappingChoice

LEAVE = ("", _("Leave it: reject these rows"))


def _label(target: dict[str, Any]) -> str:
    """A value's label (vocab_preview.choice_targets) in the reader's language."""
    return str(target["label"]["en" if (get_language() or "").startswith("en") else "th"])


class UnknownValuesForm(forms.Form):
    def __init__(self, unknown: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        self._rows: list[list[tuple[dict[str, Any], str]]] = []
        for i, group in enumerate(unknown):
            options = [LEAVE, *((target["value"], _label(target)) for target in group["targets"])]
            names = []
            for j, value in enumerate(group["values"]):
                name = f"map_{i}_{j}"
                self.fields[name] = forms.ChoiceField(label=value["text"], choices=options, required=False)
                names.append((value, name))
            self._rows.append(names)

    def groups(self) -> list[dict[str, Any]]:
        """Per column: its label, its listed values with their fields, what else it counted and the
        remembered spellings the file uses (with the label of what they stand for)."""
        result = []
        for group, rows in zip(self.unknown, self._rows, strict=True):
            labels = {target["value"]: _label(target) for target in group["targets"]}
            result.append({
                **group,
                "rows": [(value, self[name]) for value, name in rows],
                "applied": [{**item, "label": labels.get(item["target"], item["target"])}
                            for item in group.get("applied", [])],
            })
        return result

    def choices(self) -> list[MappingChoice]:
        """The values the user mapped (those left alone are not remembered)."""
        chosen = []
        for group, rows in zip(self.unknown, self._rows, strict=True):
            for value, name in rows:
                target = self.cleaned_data.get(name)
                if target:
                    chosen.append(MappingChoice(column=group["column"], source=value["key"],
                                                source_text=value["text"], target=target))
        return chosen
