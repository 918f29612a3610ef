"""The components editor's form: modules, the menu and the dashboard layout as lists whose
order is the order of the rows on the page (hidden `nav` / `widget` inputs, one per row).

Not a django.forms.Form: the rows are dynamic and the rules live in
tenants.services.components.components_validate(), which this form calls through the service.
"""

from django.http import QueryDict

from ..registry import WIDTH_LABELS, registered_modules
from ..services.components import Components, resolve_components


class ComponentsForm:
    def __init__(self, components: Components, data: QueryDict | None = None):
        self.components = components
        self.errors: list[str] = []
        self.bound = data is not None
        self.data = self._parse(data) if data is not None else components.as_data()

    @staticmethod
    def _parse(data: QueryDict) -> dict:
        modules = {m.key: False for m in registered_modules()}
        # A posted module_<key> that is not registered stays in, so validation names it.
        modules.update({name[len("module_"):]: True for name in data if name.startswith("module_")})
        navigation = [
            {"key": key, "label_th": data.get(f"nav_label_th_{key}", ""),
             "label_en": data.get(f"nav_label_en_{key}", ""), "hidden": f"nav_hidden_{key}" in data}
            for key in data.getlist("nav")
        ]
        dashboard = [
            {"widget": key, "width": data.get(f"widget_width_{key}", ""),
             "enabled": f"widget_enabled_{key}" in data}
            for key in data.getlist("widget")
        ]
        return {"modules": modules, "navigation": navigation, "dashboard": dashboard}

    def move(self, instruction: str) -> None:
        """Apply an up/down button without JavaScript: "nav:<key>:up", "widget:<key>:down"."""
        kind, _sep, rest = instruction.partition(":")
        key, _sep, direction = rest.rpartition(":")
        rows = self.data["navigation" if kind == "nav" else "dashboard"]
        field = "key" if kind == "nav" else "widget"
        index = next((i for i, row in enumerate(rows) if row.get(field) == key), None)
        if index is None or direction not in ("up", "down"):
            return
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]

    @property
    def display(self) -> Components:
        """What the page shows: the posted state (known keys only) or the saved one."""
        if not self.bound:
            return self.components
        data = self.data
        return resolve_components(data["modules"], data["navigation"], data["dashboard"], saved=True)

    def module_rows(self) -> list[dict]:
        on = self.display.modules
        return [{"module": m, "on": on.get(m.key, False)} for m in registered_modules()]

    def nav_rows(self) -> list[dict]:
        labels = {m.key: m.label for m in registered_modules()}
        return [
            {**entry, "module_label": labels.get(entry["module"], "")} for entry in self.display.navigation
        ]

    def widget_rows(self) -> list[dict]:
        labels = {m.key: m.label for m in registered_modules()}
        return [
            {**entry, "module_label": labels.get(entry["module"], ""),
             "width_choices": [(w, WIDTH_LABELS[w]) for w in entry["widths"]]}
            for entry in self.display.dashboard
        ]
