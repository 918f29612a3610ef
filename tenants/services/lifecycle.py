"""A municipality's life after the platform team creates it: onboarding with its first
administrator, edits, archiving (and back), and deleting one that holds no data yet. Every step
writes one console audit entry in the same transaction."""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context
from psycopg import sql

from accounts.models import User

from ..models import ChangeRequest, ConsoleAuditEntry, Domain, Municipality
from ..routing import tenant_cache_clear
from .console_audit import Actor, console_audit_record
from .first_admin import AdminLink, FirstAdmin, first_admin_create
from .municipalities import (
    HOSTNAME_RE,
    MunicipalityError,
    _gazetteer_check,
    centre_for,
    codes_completed,
    municipality_create,
)

# Filled by the migrations of every new schema (roles, permissions, the chronic-condition
# vocabulary, the long-term care settings and group table): rows there are not the
# municipality's data. tests/tenants/test_municipality_delete.py checks that a new municipality
# has nothing else, so a migration that seeds another table is seen.
SEEDED_TABLES = frozenset({
    "django_migrations", "django_content_type", "auth_permission", "auth_group", "auth_group_permissions",
    "smarthealth_chroniccondition", "smarthealth_chronicicdmapping", "ltc_ltcsettings", "ltc_grouprule",
})
# Accounts nobody has signed in with yet (the first administrator waiting for their link) are not
# data; an account that has been used is (see municipality_data_found).
_USER_TABLES = frozenset({"accounts_user", "accounts_user_groups", "accounts_user_user_permissions"})
KEEP = object()  # municipality_update(boundary=KEEP): leave the boundary as it is


@dataclass(frozen=True)
class Onboarded:
    municipality: Municipality
    link: AdminLink | None


@transaction.atomic
def municipality_onboard(*, actor: Actor, admin: FirstAdmin | None, base: str | None = None,
                         **fields: Any) -> Onboarded:
    """municipality_create(**fields), its first administrator with their password link (when
    `admin` is given; `base`: scheme://host[:port] of the link) and the audit entry: all or nothing."""
    municipality = municipality_create(**fields)
    console_audit_record(municipality=municipality, actor=actor, action=ConsoleAuditEntry.Action.CREATE,
                         details={"domain": fields.get("domain", ""), "is_test": bool(fields.get("is_test"))})
    link = None
    if admin is not None:
        link = first_admin_create(municipality=municipality, admin=admin, actor=actor,
                                  base=base or f"https://{fields['domain']}")
    return Onboarded(municipality=municipality, link=link)


def _domains_clean(domains: list[str], *, municipality: Municipality) -> list[str]:
    cleaned: list[str] = []
    for domain in (d.strip().lower().rstrip(".") for d in domains):
        if domain and domain not in cleaned:
            cleaned.append(domain)
    if not cleaned:
        raise MunicipalityError(_("A municipality needs at least one host name."), field="domains")
    for domain in cleaned:
        if not HOSTNAME_RE.match(domain):
            raise MunicipalityError(_("“%(domain)s” is not a valid host name (e.g. kantang.example.go.th)."),
                                    {"domain": domain}, field="domains")
        if Domain.objects.filter(domain=domain).exclude(tenant=municipality).exists():
            raise MunicipalityError(_("The domain “%(domain)s” is already in use."), {"domain": domain},
                                    field="domains")
    return cleaned


def _domains_apply(municipality: Municipality, domains: list[str]) -> None:
    municipality.domains.exclude(domain__in=domains).delete()
    for position, domain in enumerate(domains):
        Domain.objects.update_or_create(domain=domain, defaults={"tenant": municipality,
                                                                 "is_primary": position == 0})


@transaction.atomic
def municipality_update(
    *, municipality: Municipality, actor: Actor, name_th: str, name_en: str, kind: str | None,
    province_code: str, district_code: str, subdistrict_code: str, lat: float | None, lon: float | None,
    domains: list[str], is_test: bool, boundary: Any = KEEP,
) -> Municipality:
    """Names, kind, codes, centre, boundary, host names and the test flag; the schema stays.
    `boundary`: a MultiPolygon, None to remove it, KEEP to leave it."""
    if municipality.is_platform:
        raise MunicipalityError(_("The platform itself is not edited here."))
    locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if (lat is None) != (lon is None):
        raise MunicipalityError(_("Give both latitude and longitude, or neither."), field="centre")
    province_code, district_code, subdistrict_code = codes_completed(
        province_code=province_code, district_code=district_code, subdistrict_code=subdistrict_code)
    subdistrict = _gazetteer_check(province_code=province_code, district_code=district_code,
                                   subdistrict_code=subdistrict_code)
    new_boundary = locked.boundary if boundary is KEEP else boundary
    centre = centre_for(lat=lat, lon=lon, subdistrict=subdistrict, boundary=new_boundary)
    domains = _domains_clean(domains, municipality=locked)

    before = {f: getattr(locked, f) for f in ("name_th", "name_en", "kind", "province_code", "district_code",
                                               "subdistrict_code", "is_test")}
    old_centre = locked.centre
    old_domains = [d.domain for d in locked.domains.order_by("-is_primary", "domain")]
    locked.name_th, locked.name_en = name_th.strip(), name_en.strip()
    locked.kind = kind or Municipality.kind_from_thai_name(name_th) or locked.kind
    locked.province_code, locked.district_code = province_code, district_code
    locked.subdistrict_code, locked.is_test = subdistrict_code, is_test
    locked.centre, locked.boundary = centre, new_boundary
    try:
        locked.full_clean(exclude=["schema_name"])
    except ValidationError as error:
        raise MunicipalityError.from_validation(error) from error
    locked.save()
    _domains_apply(locked, domains)

    changes: dict[str, Any] = {
        f: [old, getattr(locked, f)] for f, old in before.items() if old != getattr(locked, f)
    }
    if (old_centre.wkt if old_centre else None) != (centre.wkt if centre else None):
        changes["centre"] = [old_centre.wkt if old_centre else None, centre.wkt if centre else None]
    if boundary is not KEEP:
        changes["boundary"] = "removed" if boundary is None else "replaced"
    if domains != old_domains:
        changes["domains"] = [old_domains, domains]
    if changes:
        console_audit_record(municipality=locked, actor=actor, action=ConsoleAuditEntry.Action.EDIT,
                             details=changes)
    transaction.on_commit(tenant_cache_clear)
    return locked


@transaction.atomic
def municipality_archive(*, municipality: Municipality, actor: Actor) -> Municipality:
    """Its host answers 410 Gone with a Thai page; nothing is deleted; the console hides it unless
    asked and no national figure counts it. municipality_unarchive brings it back as it was."""
    if municipality.is_platform:
        raise MunicipalityError(_("The platform itself cannot be archived."))
    locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if locked.archived_at is None:
        locked.archived_at = timezone.now()
        locked.save(update_fields=["archived_at"])
        console_audit_record(municipality=locked, actor=actor, action=ConsoleAuditEntry.Action.ARCHIVE)
        transaction.on_commit(tenant_cache_clear)
    return locked


@transaction.atomic
def municipality_unarchive(*, municipality: Municipality, actor: Actor) -> Municipality:
    locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if locked.archived_at is not None:
        locked.archived_at = None
        locked.save(update_fields=["archived_at"])
        console_audit_record(municipality=locked, actor=actor, action=ConsoleAuditEntry.Action.UNARCHIVE)
        transaction.on_commit(tenant_cache_clear)
    return locked


def municipality_data_found(municipality: Municipality) -> list[str]:
    """What the municipality holds beyond what creating it made: the tables with rows (outside
    SEEDED_TABLES), accounts that have signed in, change requests sent. Empty: nothing to lose."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname", [municipality.schema_name])
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            if table in SEEDED_TABLES or table in _USER_TABLES:
                continue
            cursor.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {}.{})").format(
                sql.Identifier(municipality.schema_name), sql.Identifier(table)))
            row = cursor.fetchone()
            if row and row[0]:
                found.append(table)
    with tenant_context(municipality):
        if User.objects.filter(last_login__isnull=False).exists():
            found.append("accounts_user")
    if ChangeRequest.objects.filter(municipality=municipality).exists():
        found.append("tenants_changerequest")
    return found


def data_labels(tables: list[str]) -> list[str]:
    """What municipality_data_found found, in words in the reader's language (the tables' models'
    plural names: สินทรัพย์, คำร้อง…), not table names."""
    names = {model._meta.db_table: str(model._meta.verbose_name_plural) for model in apps.get_models()}
    return [names.get(table, table) for table in tables]


@transaction.atomic
def municipality_delete(*, municipality: Municipality, actor: Actor, typed_name: str) -> str:
    """Drop the schema and the row of a municipality that holds no data yet (a mistaken or test
    creation), once its Thai name is typed exactly. Anything with data is archived instead."""
    if municipality.is_platform:
        raise MunicipalityError(_("The platform itself cannot be deleted."))
    locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if typed_name.strip() != locked.name_th:
        raise MunicipalityError(_("Type the municipality's name exactly as shown to confirm."),
                                field="typed_name")
    found = municipality_data_found(locked)
    if found:
        raise MunicipalityError(
            _("%(name)s already holds data (%(tables)s), so it cannot be deleted. Archive it instead: "
              "its data is kept and it can be restored."),
            {"name": locked.name_th,
             "tables": ", ".join(data_labels(found[:5])) + ("…" if len(found) > 5 else "")},
            field="typed_name",
        )
    schema_name = locked.schema_name
    console_audit_record(municipality=locked, actor=actor, action=ConsoleAuditEntry.Action.DELETE,
                         details={"name_th": locked.name_th,
                                  "domains": [d.domain for d in locked.domains.all()]})
    with connection.cursor() as cursor:
        # Deferred foreign-key checks still pending in this transaction (a schema created in it,
        # as in tests) would make PostgreSQL refuse to drop their tables: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    locked.delete(force_drop=True)
    transaction.on_commit(tenant_cache_clear)
    return schema_name


def boundary_or_keep(*, uploaded: MultiPolygon | None, remove: bool) -> Any:
    """What municipality_update's `boundary` should be for an edit form's upload and remove box."""
    if uploaded is not None:
        return uploaded
    return None if remove else KEEP
