"""What the Open311 modules share: the spec's field lists, its error shape, labels and times."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# The spec's field lists, in its order (the tests compare key sets against these).
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
REQUEST_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
    "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
)
CREATED_FIELDS = ("service_request_id", "service_notice", "account_id")


@dataclass(eq=False)
class Open311Error(Exception):
    """An answer in the GeoReport v2 error shape: `[{"code": status, "description": …}, …]`."""

    status: int
    descriptions: list[str]
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> list[dict]:
        return [{"code": self.status, "description": text} for text in self.descriptions]


def bilingual(message, params: dict | None = None) -> str:
    """`Thai / English`, like cityplatform.i18n.bilingual, but interpolating the lazy message
    itself: Django's plural messages (max_length…) only pick their form that way."""
    rendered = []
    for language in ("th", "en"):
        with translation.override(language):
            rendered.append(str(message % params if params else message))
    return rendered[0] if rendered[0] == rendered[1] else f"{rendered[0]} / {rendered[1]}"


def param_error(status: int, param: str, message, params: dict | None = None) -> Open311Error:
    """One error naming the parameter, the message in Thai and English."""
    return Open311Error(status, [f"{param}: {bilingual(message, params)}"])


def is_thai() -> bool:
    return (translation.get_language() or "th").split("-")[0] == "th"


def choice_label(choices, value: str) -> str:
    """The official Thai term in Thai (as on the status page), else the translated label."""
    if value not in choices.values:
        return value
    if is_thai():
        return choices.thai_labels().get(value) or str(choices(value).label)
    return str(choices(value).label)


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
