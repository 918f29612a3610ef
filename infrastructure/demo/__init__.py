"""Demo data for the asset registry and the service requests (`seed_demo`, registered in
InfrastructureConfig.ready()).

`seed()` runs inside a pilot's schema. It owns two kinds of rows, and only those: assets whose
code has a demo prefix (`RD-0001`, `SL-00001` …) and no creator, and requests whose tracking code
is one of the seeded sequence of demo codes (`requests.demo_tracking_codes`). A re-run deletes
them and writes them again, so counts never grow; what people entered by hand stays, and a demo
code someone took by hand is skipped. Rows are generated in Python from a seeded random.Random
(the same town every time) and loaded with COPY: "small" takes about a second per pilot.
"""

import json
import random
import time
from datetime import datetime

from django.contrib.gis.geos import Point
from django.db import connection, models, transaction
from django.utils import timezone
from psycopg import sql

from accounts.models import User

from ..geo import degrees_margin
from ..models import (
    CATEGORY_ASSET_TYPES,
    Asset,
    AssetConditionChange,
    ServiceRequest,
    ServiceRequestEvent,
    clean_attributes,
)
from ..selectors import NEAREST_ASSET_METRES, sla_table
from .assets import CODE_REGEX, add_history, build_register
from .places import place_for
from .requests import DEMO_CHANNELS, build_requests, demo_tracking_codes
from .town import build_town

REQUESTS = {"small": 300, "large": 2000}  # per municipality
_ALL_DEMO_CODES = max(REQUESTS.values())


def seed(*, municipality, size: str = "small", log=print, now: datetime | None = None) -> None:
    """`now` anchors the generated history; a test that compares two runs passes the same one,
    since a few minutes' drift can move a request across midnight and change its story."""
    if size not in REQUESTS:
        raise ValueError(f"unknown demo size {size!r}")
    started = time.monotonic()
    schema = municipality.schema_name
    rng = random.Random(f"{schema}:{size}")
    now = (now or timezone.now()).replace(microsecond=0)
    centre = municipality.centre
    if centre is None:
        raise ValueError(f"{schema} has no centre: the demo town is laid out around it")
    place = place_for(schema, municipality.name_th)
    staff = {u.username: u for u in User.objects.filter(username__in=("engineer", "admin"), is_active=True)}
    with transaction.atomic():
        tracking_codes = demo_tracking_codes(schema, _ALL_DEMO_CODES)
        _clear(tracking_codes)
        taken = set(Asset.objects.filter(code__regex=CODE_REGEX).values_list("code", flat=True))
        town = build_town(place, lon0=centre.x, lat0=centre.y, size=size, rng=rng)
        assets = build_register(town, rng, timezone.localdate(now), taken)
        add_history(assets, rng, now)
        ids = _load_assets(assets, staff.get("engineer"))

        in_use = set(ServiceRequest.objects.filter(tracking_code__in=tracking_codes)
                     .values_list("tracking_code", flat=True))
        codes = [code for code in tracking_codes if code not in in_use][: REQUESTS[size]]
        requests = build_requests(town=town, assets=assets, codes=codes, rng=rng, now=now,
                                  sla=sla_table(), staff=staff)
        _load_requests(requests, town)
    log(f"  {len(ids)} assets, {len(requests)} service requests ({time.monotonic() - started:.1f} s)")


def _clear(tracking_codes: list[str]) -> None:
    """Delete the rows an earlier run made."""
    _delete(ServiceRequest, ServiceRequest.objects.filter(tracking_code__in=tracking_codes,
                                                          channel__in=DEMO_CHANNELS))
    _delete(Asset, Asset.objects.filter(code__regex=CODE_REGEX, created_by__isnull=True))


def _delete(model, queryset) -> None:
    """Delete the queryset's rows in a few set-based statements: first what points at them, as
    each foreign key's on_delete says (so a module that later links to assets is honoured), then
    the rows. QuerySet.delete() would load every row first (deletion signals are connected, so
    Django cannot take its fast path): seconds on the large demo. Demo rows need no signals."""
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return
    for relation in model._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        pointing = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
        if relation.on_delete is models.SET_NULL:
            pointing.update(**{relation.field.name: None})
        elif relation.on_delete is models.CASCADE:
            _delete(relation.related_model, pointing)
        elif relation.on_delete is not models.DO_NOTHING:  # PROTECT, RESTRICT…: the ORM's rules apply
            queryset.delete()
            return
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
                sql.Identifier(model._meta.db_table), sql.Identifier(model._meta.pk.column)
            ).as_string(cursor.cursor),
            [ids],
        )


def _copy(model, fields: list[str], rows) -> None:
    """COPY rows into the model's table (columns named from the model, never from input)."""
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _load_assets(assets, engineer) -> dict[str, int]:
    engineer_id = engineer.pk if engineer is not None else None
    rows = []
    for a in assets:
        changed = len(a.history) > 1
        updated_at = a.history[-1][0] if changed else a.created_at
        rows.append((
            a.code, a.asset_type, a.name, a.geometry, a.condition, a.status, a.installed_on, a.community,
            json.dumps(clean_attributes(a.asset_type, a.attributes), ensure_ascii=False), a.notes,
            a.created_at, updated_at, None, engineer_id if changed else None,
        ))
    _copy(Asset, ["code", "asset_type", "name", "geometry", "condition", "status", "installed_on",
                  "community", "attributes", "notes", "created_at", "updated_at", "created_by",
                  "updated_by"], rows)
    ids = dict(Asset.objects.filter(code__regex=CODE_REGEX, created_by__isnull=True)
               .values_list("code", "id"))
    history = (
        (ids[a.code], at, engineer_id if before else None, before, after, note)
        for a in assets for at, before, after, note in a.history
    )
    _copy(AssetConditionChange, ["asset", "changed_at", "changed_by", "from_condition", "to_condition",
                                 "note"], history)
    return ids


def _load_requests(requests, town) -> None:
    locations = [town.frame.lonlat(req.at) for req in requests]
    linked = _nearest_assets(locations, [req.category for req in requests])
    rows = []
    for req, (lon, lat), asset in zip(requests, locations, linked, strict=True):
        name, phone, email = req.reporter
        rows.append((
            req.tracking_code, req.category, req.description, Point(lon, lat, srid=4326).ewkt,
            req.address_text[:300], None, name, phone, email, req.channel, asset[0] if asset else None,
            req.priority, req.status,
            _pk(req.assignee), req.due_at, req.received_at, req.resolved_at, req.closed_at,
            req.events[-1][0], _pk(req.created_by),
        ))
    _copy(ServiceRequest, ["tracking_code", "category", "description", "location", "address_text", "photo",
                           "reporter_name", "reporter_phone", "reporter_email", "channel", "asset",
                           "priority", "status", "assignee", "due_at", "received_at", "resolved_at",
                           "closed_at", "updated_at", "created_by"], rows)
    ids = dict(ServiceRequest.objects.filter(tracking_code__in=[r.tracking_code for r in requests])
               .values_list("tracking_code", "id"))
    for req in requests:
        if req.duplicate_of is not None:
            original = requests[req.duplicate_of]
            ServiceRequest.objects.filter(pk=ids[req.tracking_code]).update(
                duplicate_of_id=ids[original.tracking_code])

    def events():
        for req, asset in zip(requests, linked, strict=True):
            request_id = ids[req.tracking_code]
            for k, (at, actor, kind, before, after, comment) in enumerate(req.events):
                yield (request_id, at, _pk(actor), kind, before, after, comment)
                if k == 0 and asset is not None:  # linked by the system as the request came in
                    yield (request_id, at, None, ServiceRequestEvent.Kind.ASSET_LINKED, "", asset[1], "")

    _copy(ServiceRequestEvent, ["request", "at", "actor", "kind", "from_value", "to_value", "comment"],
          events())


def _nearest_assets(locations: list[tuple[float, float]], categories: list[str]) -> list[tuple | None]:
    """(id, code) of the asset selectors.nearest_asset() would link to each location, or None:
    the same rule (types by category, nearest on the spheroid, at most 50 m, then lowest id),
    in one query instead of one per request."""
    field = Asset._meta.get_field("geometry")
    statement = sql.SQL("""
        SELECT p.i, a.id, a.code
        FROM unnest(%(i)s::int[], %(lon)s::float8[], %(lat)s::float8[], %(types)s::text[])
             AS p(i, lon, lat, types)
        CROSS JOIN LATERAL (
            SELECT a.id, a.code
            FROM {table} a
            WHERE a.{type} = ANY(string_to_array(p.types, ','))
              AND ST_DWithin(a.{geom}, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), %(margin)s)
              AND ST_DistanceSpheroid(a.{geom}, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326),
                                      %(spheroid)s::spheroid) <= %(within)s
            ORDER BY ST_DistanceSpheroid(a.{geom}, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326),
                                         %(spheroid)s::spheroid), a.id
            LIMIT 1
        ) a
    """).format(table=sql.Identifier(Asset._meta.db_table),
                type=sql.Identifier(Asset._meta.get_field("asset_type").column),
                geom=sql.Identifier(field.column))
    wanted = [(k, lon, lat, ",".join(CATEGORY_ASSET_TYPES.get(category, ())))
              for k, ((lon, lat), category) in enumerate(zip(locations, categories, strict=True))]
    wanted = [w for w in wanted if w[3]]
    params = {
        "i": [w[0] for w in wanted], "lon": [w[1] for w in wanted], "lat": [w[2] for w in wanted],
        "types": [w[3] for w in wanted], "margin": degrees_margin(NEAREST_ASSET_METRES),
        "within": float(NEAREST_ASSET_METRES), "spheroid": field.spheroid(connection),
    }
    found: list[tuple | None] = [None] * len(locations)
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(cursor.cursor), params)
        for k, asset_id, code in cursor.fetchall():
            found[k] = (asset_id, code)
    return found


def _pk(user):
    return user.pk if user is not None else None
