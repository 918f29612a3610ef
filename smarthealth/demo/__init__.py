"""Demo data for smart health (`seed_demo`, registered in SmarthealthConfig.ready()).

`seed()` runs inside a pilot's schema and owns exactly these rows:
- households whose house ID lies in the demo range `<district code>8nnnnnn` (DEMO_HOUSE_DIGIT),
- persons whose public_id ends with DEMO_PUBLIC_ID_SUFFIX (with their ADL assessments, NCD
  screenings and home visits),
- the extra volunteer accounts `volunteer2`, `volunteer3` … (kept, never deleted).
A re-run deletes the demo rows and writes them again (same seed → same town), so counts never
grow; households and persons entered by hand stay. Everything is synthetic (see population.py);
rows are generated in Python and loaded with COPY, national IDs encrypted and keyed-hashed in bulk
with smarthealth.crypto: "small" takes about a second per pilot, "large" (≥ 100,000 persons)
well under a minute.
"""

import datetime as dt
import json
import os
import random
import time
import uuid

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from psycopg import sql

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_set_role

from .. import crypto
from ..models import AdlAssessment, HomeVisit, Household, NcdScreening, Person
from .care import adl_rows, assign_volunteers, ncd_rows, plan_adl, visit_rows
from .names import FEMALE_NAMES, SURNAMES, area_for
from .population import build_households, populate

HOUSEHOLDS = {"small": 700, "large": 31_000}  # ≈ 3.3 members each: ~2,300 / ~103,000 persons
EXTRA_VOLUNTEERS = {"small": 8, "large": 30}
HOUSEHOLDS_PER_VOLUNTEER = 25
DEMO_HOUSE_DIGIT = "8"
# Demo persons carry public_ids ending in these 32 bits: the marker that lets a re-run find and
# replace them without touching people entered by hand (a random uuid4 hits it 1 in 4·10⁹). At
# the end, not the start: str(person) and logs show the first 8 hex digits, which must differ.
DEMO_PUBLIC_ID_SUFFIX = 0xDE3A0000
_SUFFIX_BITS = 32


def demo_house_id_prefix(municipality) -> str:
    """The first five digits of the demo house IDs: the district's code and the demo digit."""
    office = (municipality.district_code or municipality.subdistrict_code[:4] or "9999")[:4]
    return office.rjust(4, "0") + DEMO_HOUSE_DIGIT


def demo_persons():
    return Person._base_manager.filter(public_id__endswith=f"{DEMO_PUBLIC_ID_SUFFIX:08x}")


def demo_households(municipality):
    return Household._base_manager.filter(house_id__regex=rf"^{demo_house_id_prefix(municipality)}\d{{6}}$")


def seed(*, municipality, size: str = "small", log=print) -> None:
    if size not in HOUSEHOLDS:
        raise ValueError(f"unknown demo size {size!r}")
    if municipality.centre is None:
        raise ValueError(f"{municipality.schema_name} has no centre: the demo town is laid out around it")
    started = time.monotonic()
    rng = random.Random(f"smarthealth:{municipality.schema_name}:{size}")
    today = timezone.localdate()
    prefix = demo_house_id_prefix(municipality)
    area = area_for(municipality.schema_name)
    with transaction.atomic():
        nurse = User.objects.filter(username="nurse", groups__name=Role.NURSE.value).first()
        volunteer = User.objects.filter(username="volunteer", groups__name=Role.VOLUNTEER.value).first()
        extras = _extra_volunteers(EXTRA_VOLUNTEERS[size], rng)
        nurse_id = nurse.pk if nurse else None

        households = build_households(
            count=HOUSEHOLDS[size], area=area, size=size, lon0=municipality.centre.x,
            lat0=municipality.centre.y, house_id_prefix=prefix, rng=rng)
        persons = populate(households, today=today, office=prefix[:4], rng=rng)
        scores = plan_adl(persons, rng)
        screenings = ncd_rows(persons, today=today, nurse=nurse_id, rng=rng)
        assign_volunteers(households, demo_volunteer=volunteer.pk if volunteer else None,
                          extra_volunteers=[u.pk for u in extras],
                          per_volunteer=HOUSEHOLDS_PER_VOLUNTEER, rng=rng)
        visits = visit_rows(persons, today=today, nurse=nurse_id, rng=rng)
        assessments = adl_rows(persons, scores, visits, today=today, nurse=nurse_id, rng=rng)

        _delete(Person, demo_persons())
        _delete(Household, demo_households(municipality))
        loader = _Loader(municipality.subdistrict_code, rng)
        loader.households(households)
        loader.persons(persons)
        loader.assessments(assessments)
        loader.screenings(screenings)
        loader.visits([v for person_visits in visits.values() for v in person_visits])
    log(f"  {len(households)} households, {len(persons)} persons, {len(assessments)} ADL, "
        f"{len(screenings)} NCD screenings, {sum(map(len, visits.values()))} home visits "
        f"({time.monotonic() - started:.1f} s)")


def _demo_password() -> str:
    from tenants.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD

    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def _extra_volunteers(count: int, rng: random.Random) -> list[User]:
    """volunteer2 … volunteer<count+1>: created or refreshed, never deleted. A hand-made account
    that happens to bear such a name (not an example.invalid address) is left alone."""
    password = make_password(_demo_password())  # one hash for all: they share the demo password
    users = []
    for n in range(2, count + 2):
        username = f"volunteer{n}"
        email = f"{username}@example.invalid"
        user = User.objects.filter(username=username).first()
        if user is not None and user.email != email:
            continue
        user = user or User(username=username)
        user.first_name, user.last_name = rng.choice(FEMALE_NAMES), rng.choice(SURNAMES)
        user.position = "อาสาสมัครสาธารณสุขประจำหมู่บ้าน (อสม.)"
        user.email, user.is_active, user.password = email, True, password
        user.save()
        user_set_role(user=user, role=Role.VOLUNTEER)
        users.append(user)
    return users


def _delete(model, queryset) -> None:
    """Delete the queryset's rows with set-based statements, honouring each foreign key's
    on_delete first (so a module that later points at persons is respected). QuerySet.delete()
    would load every row (100,000 on the large demo); demo rows need no signals."""
    for relation in model._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        pointing = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": queryset.values("pk")})
        if relation.on_delete is models.SET_NULL:
            pointing.update(**{relation.field.name: None})
        elif relation.on_delete is models.CASCADE:
            _delete(relation.related_model, pointing)
        elif relation.on_delete is not models.DO_NOTHING:  # PROTECT, RESTRICT…: the ORM's rules
            queryset.delete()
            return
    subquery, params = queryset.values("pk").query.sql_with_params()
    statement = sql.SQL("DELETE FROM {} WHERE {} IN ({})").format(
        sql.Identifier(model._meta.db_table), sql.Identifier(model._meta.pk.column), sql.SQL(subquery))
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(cursor.cursor), params)


def _next_ids(model, count: int) -> list[int]:
    """Reserve `count` primary keys from the table's sequence (so rows can point at each other
    before they are loaded)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


def _copy(model, fields: list[str], rows) -> None:
    """COPY rows into the model's table (columns named from the model, never from input)."""
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


class _Loader:
    """Turns the generated town into rows and COPYs them, table by table."""

    def __init__(self, subdistrict_code: str, rng: random.Random):
        self.subdistrict_code = subdistrict_code
        self.rng = rng
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()

    def _at(self, on: dt.date) -> dt.datetime:
        """When a record made on `on` was typed in: during office hours that day."""
        return dt.datetime.combine(on, dt.time(self.rng.randint(8, 16), self.rng.randint(0, 59)),
                                   tzinfo=self.tz)

    def _registered(self) -> dt.datetime:
        return self.now - dt.timedelta(days=self.rng.randint(30, 900), minutes=self.rng.randint(0, 600))

    def households(self, households) -> None:
        for household, pk in zip(households, _next_ids(Household, len(households)), strict=True):
            household.pk = pk
        rows = []
        for h in households:
            at = self._registered()
            rows.append((h.pk, h.house_id, h.house_no, h.moo, h.community, h.road, self.subdistrict_code,
                         f"SRID=4326;POINT({h.lon:.7f} {h.lat:.7f})", h.volunteer_id, at, at))
        _copy(Household, ["id", "house_id", "house_no", "moo", "community", "road", "subdistrict_code",
                          "location", "volunteer", "created_at", "updated_at"], rows)

    def persons(self, persons) -> None:
        rows = []
        for person, pk in zip(persons, _next_ids(Person, len(persons)), strict=True):
            person.pk = pk
            public_id = uuid.UUID(int=(self.rng.getrandbits(128 - _SUFFIX_BITS) << _SUFFIX_BITS)
                                  | DEMO_PUBLIC_ID_SUFFIX, version=4)
            at = self._registered()
            rows.append((
                pk, public_id, crypto.cid_hash(person.cid), crypto.cid_encrypt(person.cid), person.cid[-3:],
                person.prefix, person.first_name, person.last_name, person.sex, person.birth_date,
                person.household.pk, person.phone, person.conditions, person.disability, person.status,
                at, at,
            ))
        _copy(Person, ["id", "public_id", "cid_hash", "cid_encrypted", "cid_last3", "prefix", "first_name",
                       "last_name", "sex", "birth_date", "household", "phone", "chronic_conditions",
                       "disability", "status", "created_at", "updated_at"], rows)

    def assessments(self, assessments) -> None:
        for row, pk in zip(assessments, _next_ids(AdlAssessment, len(assessments)), strict=True):
            row.pk = pk
        _copy(AdlAssessment, ["id", "person", "assessed_on", "items", "score", "group", "assessed_by",
                              "source", "created_at"],
              ((a.pk, a.person.pk, a.assessed_on, json.dumps(a.items) if a.items else None, a.score,
                a.group, a.assessed_by, a.source, self._at(a.assessed_on)) for a in assessments))

    def screenings(self, screenings) -> None:
        _copy(NcdScreening, ["person", "screened_on", "sbp", "dbp", "fbs", "complication", "colour",
                             "screened_by", "created_at"],
              ((s.person.pk, s.screened_on, s.sbp, s.dbp, s.fbs, s.complication, s.colour, s.screened_by,
                self._at(s.screened_on)) for s in screenings))

    def visits(self, visits) -> None:
        _copy(HomeVisit, ["person", "visited_on", "visitor", "sbp", "dbp", "fbs", "weight_kg", "adl",
                          "notes", "next_visit_due", "created_at"],
              ((v.person.pk, v.visited_on, v.visitor, v.sbp, v.dbp, v.fbs, v.weight_kg,
                v.adl.pk if v.adl else None, v.notes, v.next_visit_due, self._at(v.visited_on))
               for v in visits))
