"""The components editor's form: modules, the menu and the home pages' layouts as lists whose
order is the order of the rows on the page (hidden `nav` / `widget` / `rwidget_<role>` inputs,
one per row: `widget` is the home page of accounts without a role, `rwidget_<role>` a role's).

Not a django.forms.Form: the rows are dynamic and the rules live in
tenants.services.components.components_validate(), which this form calls through the service.
"""

from django.http import QueryDict

from ..registry import WIDTH_LABELS, registered_modules
from ..services.components import HOME_ROLES, Components, resolve_components

ROLE_KIND = "role-"  # the move buttons of a role's rows: "role-<role>:<widget key>:up"


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
        # A role whose rows were not posted keeps its default home page.
        roles = {
            role.value: [
                {"widget": key, "width": data.get(f"rwidget_width_{role.value}_{key}", ""),
                 "enabled": f"rwidget_enabled_{role.value}_{key}" in data}
                for key in data.getlist(f"rwidget_{role.value}")
            ]
            for role in HOME_ROLES if data.getlist(f"rwidget_{role.value}")
        }
        return {"modules": modules, "navigation": navigation, "dashboard": dashboard, "roles": roles}

    def move(self, instruction: str) -> None:
        """Apply an up/down button without JavaScript: "nav:<key>:up", "widget:<key>:down",
        "role-nurse:<key>:up"."""
        kind, _sep, rest = instruction.partition(":")
        key, _sep, direction = rest.rpartition(":")
        if kind.startswith(ROLE_KIND):
            rows = self.data["roles"].get(kind[len(ROLE_KIND):], [])
        else:
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
        return resolve_components(data["modules"], data["navigation"], data["dashboard"], saved=True,
                                  roles=data["roles"])

    def module_rows(self) -> list[dict]:
        on = self.display.modules
        return [{"module": m, "on": on.get(m.key, False)} for m in registered_modules()]

    def nav_rows(self) -> list[dict]:
        labels = {m.key: m.label for m in registered_modules()}
        return [
            {**entry, "module_label": labels.get(entry["module"], "")} for entry in self.display.navigation
        ]

    def widget_rows(self) -> list[dict]:
        return self._rows(self.display.dashboard)

    def role_sections(self) -> list[dict]:
        """One section per role: its label, the name of its inputs and its rows."""
        display = self.display
        return [
            {"role": role, "key": role.value, "kind": f"{ROLE_KIND}{role.value}",
             "rows": self._rows(display.roles[role.value])}
            for role in HOME_ROLES
        ]

    @staticmethod
    def _rows(layout: list[dict]) -> list[dict]:
        labels = {m.key: m.label for m in registered_modules()}
        return [
            {**entry, "module_label": labels.get(entry["module"], ""),
             "width_choices": [(w, WIDTH_LABELS[w]) for w in entry["widths"]]}
            for entry in layout
        ]
