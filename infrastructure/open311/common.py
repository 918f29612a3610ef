"""What the Open311 modules share: the spec's error shape, names and times."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual
from kernel.thaidate import is_thai


@dataclass(eq=False)
class Open311Error(Exception):
    """An answer in the GeoReport v2 error shape: `[{"code": status, "description": …}, …]`."""

    status: int
    descriptions: list[str]
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> list[dict]:
        return [{"code": self.status, "description": text} for text in self.descriptions]


def param_error(status: int, param: str, message, params: dict | None = None, *,
                headers: dict[str, str] | None = None) -> Open311Error:
    """One error naming the parameter, the message in Thai and English."""
    return Open311Error(status, [f"{param}: {bilingual(message, params)}"], headers=dict(headers or {}))


def iso(value: datetime | None) -> str | None:
    """ISO 8601 / W3C with the offset (+07:00 in Thailand)."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def agency_name(municipality) -> str:
    if is_thai():
        return municipality.name_th
    return municipality.name_en or municipality.name_th


def jurisdiction_check(value: str | None, *, municipality, host: str) -> None:
    """`jurisdiction_id` may name this municipality (its schema or one of its hosts); each host
    serves one municipality, so anything else is not here."""
    value = (value or "").strip().lower()
    if not value:
        return
    names = {municipality.schema_name.lower(), host.split(":")[0].lower()}
    names.update(d.lower() for d in municipality.domains.values_list("domain", flat=True))
    if value not in names:
        raise param_error(
            404, "jurisdiction_id", _("“%(value)s” is not served here; this host serves %(schema)s."),
            {"value": value[:100], "schema": municipality.schema_name},
        )
