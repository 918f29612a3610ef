"""The `service_requests` dataset for the import engine: the request list's export read back
(request_exports.py), or a register of requests kept elsewhere (a phone book, another system).

What it may do, and why:
- A tracking code it does not know registers a new request: received when the file says (now when
  it does not), its due time from the SLA targets, resolved or closed at the given time, and a
  "created" line on its timeline.
- For a request already registered, only the words and the place follow the file (description,
  address, a pin set or moved); an empty address or pin keeps the stored one. Its category,
  priority and status are the workflow's: a row that changes one is rejected with the reason,
  because on the request's page the change is recorded with who made it (and the due time follows
  the priority); the same file with the same values changes nothing, so an export imports again
  cleanly.
- The reporter's contact details are neither exported nor imported.

Declared next to the ServiceRequest model; registered from InfrastructureConfig.ready().
"""

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from imports.geo import check_lat_lon
from imports.parsing import parse_dates, reason
from imports.registry import CHOICE, DECIMAL, TEXT, Column, Dataset, choice_labels, register

from .imports import municipal_area, reject_points_outside
from .models import (
    DEFAULT_SLA_HOURS,
    PLACE_NEEDED,
    Channel,
    Priority,
    RequestCategory,
    RequestStatus,
    ServiceRequest,
    tracking_code_normalise,
)

# The moment a request was received or resolved: a date as the imports read it (dd/mm/yyyy in the
# Buddhist Era or CE, ISO, `5 ม.ค. 2510`), then optionally the local time `HH:MM[:SS]` (`น.` allowed)
# after a space or ISO's `T`. No time zone: times are Thailand's, as the export writes them.
_MOMENT = (r"^(?P<date>.*?)(?:(?:\s+|T)(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
           r"(?::(?P<second>\d{2})(?:\.\d+)?)?(?:\s*น\.?)?)?$")
WORKFLOW_COLUMNS = ("category", "priority", "status")


def _moments(text: pd.Series, column: str, reject) -> pd.Series:
    """`yyyy-mm-dd HH:MM:SS` local time ("" when empty or unreadable: such a row is rejected)."""
    parts = text.str.extract(_MOMENT)
    dates, bad = parse_dates(parts["date"].fillna(""))
    for reason_, mask in bad.items():
        reject.add(mask, column, reason_)
    hour = pd.to_numeric(parts["hour"], errors="coerce").fillna(0)
    minute = pd.to_numeric(parts["minute"], errors="coerce").fillna(0)
    second = pd.to_numeric(parts["second"], errors="coerce").fillna(0)
    no_time = (hour > 23) | (minute > 59) | (second > 59)
    reject.add(no_time & (text != ""), column,
               reason(_("The time of day is not a time (use HH:MM, e.g. 14:30).")))
    clock = (hour.astype(int).map("{:02d}".format) + ":" + minute.astype(int).map("{:02d}".format) + ":"
             + second.astype(int).map("{:02d}".format))
    return (dates + " " + clock).where((dates != "") & ~no_time, "")


def _registered(codes: pd.Series) -> pd.DataFrame:
    """The category, priority and status of the requests already registered under `codes`."""
    wanted = sorted(set(codes) - {""})
    rows = ServiceRequest.objects.filter(tracking_code__in=wanted).values_list("tracking_code",
                                                                                 *WORKFLOW_COLUMNS)
    return pd.DataFrame.from_records(list(rows), columns=["tracking_code", *WORKFLOW_COLUMNS],
                                     index="tracking_code")


def _prepare_requests(parsed: pd.DataFrame, reject) -> pd.DataFrame:
    codes = parsed["tracking_code"].map(lambda text: tracking_code_normalise(text) or "")
    reject((parsed["tracking_code"] != "") & (codes == ""), "tracking_code",
           _("Not a tracking code: eight letters and digits like ABCD-2345 (no 0, 1, I or O)."))
    parsed["tracking_code"] = codes
    has_point = check_lat_lon(parsed, reject)
    reject_points_outside(parsed, has_point, municipal_area(), reject)
    # A request reported in words only has no pin yet (models: PLACE_NEEDED).
    nowhere = (parsed["lat"] == "") & (parsed["lon"] == "") & (parsed["address_text"] == "")
    reject(nowhere, "lat", PLACE_NEEDED)
    parsed["received_at"] = _moments(parsed["received_at"], "received_at", reject)
    parsed["resolved_at"] = _moments(parsed["resolved_at"], "resolved_at", reject)

    registered = _registered(codes)
    known = codes.isin(registered.index)
    for column in WORKFLOW_COLUMNS:
        stored = codes.map(registered[column]) if len(registered) else pd.Series("", index=codes.index)
        reject(known & (parsed[column] != "") & (parsed[column] != stored), column,
               _("This request is already registered with another value here: change it on the request's "
                 "page, where each change is recorded with who made it."))
        parsed[column] = parsed[column].where(~known, stored)
    parsed["priority"] = parsed["priority"].where(parsed["priority"] != "", Priority.NORMAL.value)
    parsed["status"] = parsed["status"].where(parsed["status"] != "", RequestStatus.RECEIVED.value)
    parsed["channel"] = parsed["channel"].where(parsed["channel"] != "", Channel.STAFF.value)
    return parsed


# The default SLA hours as a table for the SQL (constants from code, never from a file); a
# municipality's own SlaRule wins.
_DEFAULT_HOURS = ", ".join(f"('{category}', '{priority}', {hours})"
                           for (category, priority), hours in sorted(DEFAULT_SLA_HOURS.items()))
_ZONE = settings.TIME_ZONE.replace("'", "")
# Moved further than this (degrees, about 10 cm) the pin follows the file: the export writes
# coordinates to 7 decimals, so a round trip never moves one.
_MOVED = 1e-6
_PIN_CHANGED = (f"(excluded.location IS NOT NULL AND (t.location IS NULL"
                f" OR NOT ST_DWithin(t.location, excluded.location, {_MOVED})))")

SERVICE_REQUESTS = Dataset(
    key="service_requests", label=_("Service requests"), permission="infrastructure.add_servicerequest",
    list_url="infrastructure:request-list", key_columns=("tracking_code",),
    columns=(
        Column("tracking_code", "รหัสติดตาม", required=True, max_length=20, example="ABCD-2345"),
        Column("category", "ประเภทเรื่อง", CHOICE, required=True, choices=RequestCategory.label_map(),
               labels=choice_labels(RequestCategory), example="ท่อระบายน้ำ"),
        Column("description", "รายละเอียด", required=True, max_length=5000, example="ท่อระบายน้ำอุดตัน"),
        Column("priority", "ความเร่งด่วน", CHOICE, choices=Priority.label_map(), labels=choice_labels(Priority),
               example="ปกติ"),
        Column("status", "สถานะ", CHOICE, choices=RequestStatus.label_map(),
               labels=choice_labels(RequestStatus), example="รับเรื่องแล้ว"),
        Column("channel", "ช่องทาง", CHOICE, choices=Channel.label_map(), labels=choice_labels(Channel),
               example="โทรศัพท์"),
        Column("received_at", "วันที่รับเรื่อง", TEXT, max_length=40, example="05/12/2569 09:30"),
        Column("resolved_at", "แก้ไขเมื่อ", TEXT, max_length=40, example=""),
        Column("address_text", "ที่อยู่หรือจุดสังเกต", max_length=300, example="หน้าตลาดสด"),
        Column("lat", "ละติจูด", DECIMAL, example="7.4101"),
        Column("lon", "ลองจิจูด", DECIMAL, example="99.5190"),
    ),
    stage_columns=("tracking_code", "category", "description", "priority", "status", "channel", "received_at",
                   "resolved_at", "address_text", "lat", "lon"),
    prepare=_prepare_requests,
    upsert_sql=f"""
        INSERT INTO infrastructure_servicerequest AS t (tracking_code, category, description, location,
            address_text, reporter_name, reporter_phone, reporter_email, channel, priority, status,
            due_at, received_at, resolved_at, closed_at, updated_at)
        SELECT s.tracking_code, s.category, s.description,
               ST_SetSRID(ST_MakePoint(NULLIF(s.lon, '')::double precision,
                                       NULLIF(s.lat, '')::double precision), 4326),
               s.address_text, '', '', '', s.channel, s.priority, s.status,
               s.received + make_interval(hours => COALESCE(r.hours, d.hours)), s.received,
               CASE WHEN s.status IN ('resolved', 'closed') THEN COALESCE(s.resolved, s.received) END,
               CASE WHEN s.status = 'closed' THEN COALESCE(s.resolved, s.received) END,
               now()
        FROM (SELECT st.*,
                     COALESCE(NULLIF(st.received_at, '')::timestamp AT TIME ZONE '{_ZONE}', now())
                         AS received,
                     NULLIF(st.resolved_at, '')::timestamp AT TIME ZONE '{_ZONE}' AS resolved
              FROM _import_stage st) s
        JOIN (VALUES {_DEFAULT_HOURS}) AS d (category, priority, hours)
          ON d.category = s.category AND d.priority = s.priority
        LEFT JOIN infrastructure_slarule r ON r.category = s.category AND r.priority = s.priority
        WHERE true
        ON CONFLICT (tracking_code) DO UPDATE SET
            description = excluded.description,
            address_text = COALESCE(NULLIF(excluded.address_text, ''), t.address_text),
            location = CASE WHEN {_PIN_CHANGED} THEN excluded.location ELSE t.location END,
            updated_at = excluded.updated_at
        WHERE t.description IS DISTINCT FROM excluded.description
           OR (excluded.address_text <> '' AND t.address_text IS DISTINCT FROM excluded.address_text)
           OR {_PIN_CHANGED}
        RETURNING (xmax = 0) AS inserted""",
    # A new request's timeline starts like one taken down by hand: "created", in its first status.
    after_upsert=("""
        INSERT INTO infrastructure_servicerequestevent (request_id, at, kind, from_value, to_value, comment)
        SELECT r.id, r.received_at, 'created', '', r.status, ''
        FROM _import_stage s JOIN infrastructure_servicerequest r ON r.tracking_code = s.tracking_code
        WHERE NOT EXISTS (SELECT 1 FROM infrastructure_servicerequestevent e WHERE e.request_id = r.id)""",),
)

register(SERVICE_REQUESTS)
