"""Service-request list exports, in the two variants of kernel.exports offered side by side:

- READABLE (the default): the queue as staff read it — category, priority, status and channel in
  words, who is in charge by name, received / due / resolved as day/month/Buddhist year and time.
  Its Thai headings are the request import's (request_imports.py), so it also imports again.
- FOR_IMPORT: exactly the request import's columns — English keys, stored codes, ISO local times.

Neither carries the reporter's name, phone or e-mail: the queue does not show them either.
"""

from django.contrib.gis.db.models.functions import GeoFunc
from django.db.models import FloatField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.exports import FOR_IMPORT, in_language, spreadsheet_response
from kernel.thaidate import export_datetime, is_thai

from .models import Channel, Priority, RequestCategory, RequestStatus
from .request_imports import SERVICE_REQUESTS

CHUNK_ROWS = 2000
IMPORT_COLUMNS = [column.key for column in SERVICE_REQUESTS.columns]
# The English headings of the import's columns (the Thai ones are the import's own labels).
_ENGLISH = {
    "tracking_code": gettext_lazy("Tracking code"), "category": gettext_lazy("Category"),
    "description": gettext_lazy("Description"), "priority": gettext_lazy("Priority"),
    "status": gettext_lazy("Status"), "channel": gettext_lazy("Channel"),
    "received_at": gettext_lazy("Received on"), "resolved_at": gettext_lazy("Resolved on"),
    "address_text": gettext_lazy("Address or landmark"), "lat": gettext_lazy("Latitude"),
    "lon": gettext_lazy("Longitude"),
}
# What the readable file adds, after the status: who is in charge and the SLA target.
# and the request's community from the register (communities.Community).
_EXTRA = {"assignee": gettext_lazy("Assignee"), "due_at": gettext_lazy("Due"),
          "community": gettext_lazy("Community")}
READABLE_COLUMNS = ["tracking_code", "category", "description", "priority", "status", "assignee",
                    "received_at", "due_at", "resolved_at", "channel", "address_text", "community", "lat",
                    "lon"]


class _Y(GeoFunc):
    function, output_field = "ST_Y", FloatField()


class _X(GeoFunc):
    function, output_field = "ST_X", FloatField()


def header(*, variant: str) -> list[str]:
    if variant == FOR_IMPORT:
        return list(IMPORT_COLUMNS)
    thai = {column.key: column.label_th for column in SERVICE_REQUESTS.columns} if is_thai() else {}
    return [thai.get(key) or str(_ENGLISH.get(key) or _EXTRA[key]) for key in READABLE_COLUMNS]


def _iso(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%dT%H:%M}" if value else ""


def table_rows(requests, *, variant: str):
    """One list per request in header order (a generator: run it through in_language)."""
    rows = (requests.select_related(None).select_related("assignee", "community_ref")
            .annotate(lat=_Y("location"), lon=_X("location"))
            .only("tracking_code", "category", "description", "priority", "status", "channel", "received_at",
                  "resolved_at", "due_at", "address_text", "location", "assignee__first_name",
                  "assignee__last_name", "assignee__username", "community_ref__name"))
    for obj in rows.iterator(chunk_size=CHUNK_ROWS):
        # A request reported in words only has no pin yet: its place is the address.
        lat, lon = (round(obj.lat, 7), round(obj.lon, 7)) if obj.lat is not None else ("", "")
        if variant == FOR_IMPORT:
            yield [obj.tracking_code, obj.category, obj.description, obj.priority, obj.status, obj.channel,
                   _iso(obj.received_at), _iso(obj.resolved_at), obj.address_text, lat, lon]
            continue
        yield [obj.tracking_code, RequestCategory.display(obj.category), obj.description,
               Priority.display(obj.priority), RequestStatus.display(obj.status),
               str(obj.assignee) if obj.assignee else _("Unassigned"), export_datetime(obj.received_at),
               export_datetime(obj.due_at), export_datetime(obj.resolved_at), Channel.display(obj.channel),
               obj.address_text, obj.community_ref.name if obj.community_ref else "", lat, lon]


def request_export_response(requests, *, fmt: str, stem: str, variant: str):
    return spreadsheet_response(
        fmt=fmt, stem=stem, header=header(variant=variant), variant=variant,
        rows=in_language(table_rows(requests, variant=variant)),
        sheet_title="service_requests" if variant == FOR_IMPORT else _("Service requests"))
