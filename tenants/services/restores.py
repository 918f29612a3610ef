"""Restore a municipality from an archive of backups.municipality_backup (issue 22).

Everything that could refuse the restore is checked first (RestorePlan): the archive's checksums,
a free schema name, free hosts and media folders, the same PDPA keys, no migration this code
lacks. Only then is anything written, and a failure after the schema is restored drops it again.

Restoring under another schema name: a pg_dump archive names its schema in every statement, so
it cannot be renamed on the way in, and the original name may be taken by the live municipality
(restoring next to it to recover data is the usual reason to rename). So the dump is restored
under its own name in a scratch database, renamed there with ALTER SCHEMA … RENAME (PostgreSQL
follows object ids: defaults, sequences, indexes and constraints come along; the municipality's
schema holds no function or view that quotes its name), dumped again under the new name and
restored from that. The live schema is never touched, and the scratch database is dropped
whatever happens. It needs the CREATEDB privilege and CREATE EXTENSION postgis (a superuser, as
migrate_schemas needs anyway).
"""

import json
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, schema_exists
from psycopg import sql

from .. import citus
from ..models import (
    SCHEMA_NAME_RE,
    ChangeRequest,
    ChangeRequestAttachment,
    ChangeRequestComment,
    ComponentSettings,
    CustomizationVersion,
    Domain,
    LineChannel,
    Municipality,
    Theme,
)
from ..routing import tenant_cache_clear
from ..stats import stats_refresh
from . import pg
from .backups import (
    ATTACHMENT_RE,
    DUMP,
    MEDIA_PREFIX,
    PLATFORM_PREFIX,
    PUBLIC,
    PUBLIC_MODELS,
    THEME_DIR,
    Archive,
    pdpa_fingerprints,
    platform_media_dir,
    sha256_file,
    tenant_media_dir,
)
from .municipalities import HOSTNAME_RE
from .pg import BackupError


# --- restore ------------------------------------------------------------------------------------
@dataclass
class RestorePlan:
    """What a restore will create, worked out (and refused) before anything is written."""

    archive: Archive
    source_schema: str
    schema: str
    domains: list[str]
    public: dict[str, list[dict[str, Any]]]
    pending_migrations: list[tuple[str, str]]
    media: dict[str, Path] = field(default_factory=dict)        # archive member → destination
    platform: dict[str, str] = field(default_factory=dict)      # old name → new name (ids filled later)


@dataclass
class RestoreResult:
    municipality: Municipality
    counts: dict[str, int]
    migrated: list[tuple[str, str]]
    files: int


def municipality_restore(*, archive_path: Path, schema_name: str | None = None, domain: str | None = None,
                         log: Callable[[str], None] = lambda _line: None) -> RestoreResult:
    """Restore an archive as a new municipality: its schema, its public rows, its files.

    Refuses (BackupError, nothing written) when the schema or a domain is taken, unless a new
    schema name and host are given; when the archive is damaged, from a newer platform, or made
    with other PDPA keys. A failure after the schema is restored drops it again and removes the
    files copied so far: a restore lands whole or not at all."""
    archive = Archive(archive_path)
    try:
        plan = _plan(archive, schema_name=schema_name, domain=domain)
        return _execute(plan, log=log)
    finally:
        archive.close()


def _plan(archive: Archive, *, schema_name: str | None, domain: str | None) -> RestorePlan:
    manifest = archive.manifest
    source = str(manifest.get("schema", ""))
    schema = (schema_name or source).strip().lower()
    if schema != source and not domain:
        raise BackupError(_("Restoring under a new schema name needs a new host as well: add --domain."))
    domains = [domain.strip().lower()] if domain else list(manifest.get("domains") or [])
    if not domains:
        raise BackupError(_("The archive names no host for the municipality: add --domain."))

    if schema == get_public_schema_name() or schema.startswith("pg_") or not SCHEMA_NAME_RE.match(schema):
        raise BackupError(_("“%(schema)s” cannot be a municipality's schema name."), {"schema": schema})
    if Municipality.objects.filter(schema_name=schema).exists() or schema_exists(schema):
        raise BackupError(
            _("A municipality with the schema “%(schema)s” already exists; nothing was restored. "
              "Restore under a new name with --schema NEW --domain HOST."),
            {"schema": schema},
        )
    for host in domains:
        if not HOSTNAME_RE.match(host):
            raise BackupError(_("“%(domain)s” is not a valid host name (e.g. kantang.example.go.th)."),
                              {"domain": host})
    taken = list(Domain.objects.filter(domain__in=domains).values_list("domain", flat=True))
    if taken:
        raise BackupError(
            _("The domain “%(domain)s” is already in use; nothing was restored. Give another host with "
              "--domain."),
            {"domain": taken[0]},
        )
    media_dir = tenant_media_dir(schema)
    if media_dir.exists() and any(media_dir.iterdir()):
        raise BackupError(_("The media folder %(path)s already holds files; nothing was restored."),
                          {"path": media_dir})

    _check_pdpa_keys(manifest)
    pending = _check_migrations(manifest)
    public = json.loads(archive.read(PUBLIC))
    _check_public_fields(public)
    plan = RestorePlan(archive=archive, source_schema=source, schema=schema, domains=domains, public=public,
                       pending_migrations=pending)
    plan.media = {MEDIA_PREFIX + name: media_dir / name for name in archive.names(MEDIA_PREFIX)}
    _check_platform_destinations(plan)
    return plan


def _check_pdpa_keys(manifest: dict[str, Any]) -> None:
    archived, here = manifest.get("pdpa") or {}, pdpa_fingerprints()
    same_hash = archived.get("hash_key") == here["hash_key"]
    known = set(here["encryption_keys"])
    if not same_hash or not set(archived.get("encryption_keys") or []) <= known:
        raise BackupError(_(
            "This archive was made with other PDPA keys (PDPA_ENCRYPTION_KEYS, PDPA_HASH_KEY): its national "
            "IDs could not be read or searched here. Configure the keys of the platform it came from; "
            "nothing was restored."
        ))


def _check_migrations(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """The migrations this code would still apply to the restored schema; refuses an archive
    with migrations this code does not have (it comes from a newer platform)."""
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {(app, name) for app, names in (manifest.get("migrations", {}).get("tenant") or {}).items()
                for name in names}
    unknown = sorted(archived - on_disk)
    if unknown:
        raise BackupError(
            _("The archive comes from a newer version of the platform (unknown migration %(migration)s): "
              "update this platform first; nothing was restored."),
            {"migration": ".".join(unknown[0])},
        )
    return sorted(on_disk - archived)


def _check_public_fields(public: dict[str, list[dict[str, Any]]]) -> None:
    by_label = {m._meta.label_lower: m for m in PUBLIC_MODELS}
    for label, rows in public.items():
        model = by_label.get(label)
        if model is None:
            raise BackupError(_("The archive holds rows this platform does not know: %(name)s."),
                              {"name": label})
        names = {f.name for f in model._meta.concrete_fields} | {"pk"}
        for row in rows:
            if unknown := set(row) - names:
                raise BackupError(
                    _("The archive comes from a newer version of the platform (unknown field %(name)s): "
                      "update this platform first; nothing was restored."),
                    {"name": f"{label}.{sorted(unknown)[0]}"},
                )


def _platform_name(name: str, *, source: str, schema: str, request_ids: dict[int, int]) -> str:
    """Where a platform file goes: the schema's folders renamed, an attachment under its
    request's new id (ids are the restoring platform's)."""
    theme_dir = THEME_DIR.format(schema=source)
    if name.startswith(theme_dir):
        return THEME_DIR.format(schema=schema) + name[len(theme_dir):]
    match = ATTACHMENT_RE.match(name)
    if match and match["schema"] == source:
        old = int(match["id"])
        new = request_ids.get(old)
        folder = str(new) if new is not None else f"restored-{old}"
        return f"change-requests/{schema}/{folder}/{match['rest']}"
    return name


def _check_platform_destinations(plan: RestorePlan) -> None:
    """A platform file may only land where nothing is, or where the very same file already is.
    Attachments land under ids not known yet: their folder is checked for any file."""
    root = platform_media_dir()
    files = plan.archive.manifest["files"]
    for name in plan.archive.names(PLATFORM_PREFIX):
        if ATTACHMENT_RE.match(name):
            continue
        target = root / _platform_name(name, source=plan.source_schema, schema=plan.schema, request_ids={})
        if target.exists() and (not target.is_file()
                                or sha256_file(target) != files[PLATFORM_PREFIX + name]["sha256"]):
            raise BackupError(_("A different file is already at %(path)s; nothing was restored."),
                              {"path": target})
    attachments = root / "change-requests" / plan.schema
    if attachments.exists() and any(attachments.iterdir()):
        raise BackupError(_("The media folder %(path)s already holds files; nothing was restored."),
                          {"path": attachments})


def _execute(plan: RestorePlan, *, log: Callable[[str], None]) -> RestoreResult:
    _schema_restore(plan, log=log)
    written: list[Path] = []
    try:
        with transaction.atomic():
            municipality, request_ids = _public_restore(plan)
            log(f"public rows: {sum(len(rows) for rows in plan.public.values())}")
            for member, destination in plan.media.items():
                plan.archive.copy_to(member, destination)
                written.append(destination)
            root = platform_media_dir()
            for name in plan.archive.names(PLATFORM_PREFIX):
                target = root / _platform_name(name, source=plan.source_schema, schema=plan.schema,
                                               request_ids=request_ids)
                if not target.exists():
                    plan.archive.copy_to(PLATFORM_PREFIX + name, target)
                    written.append(target)
            log(f"files: {len(written)}")
            counts = _verify_counts(plan)
            log(f"verified {len(counts)} tables, {sum(counts.values())} rows, as in the manifest")
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        _remove_empty_dirs(tenant_media_dir(plan.schema))
        pg.schema_drop(plan.schema)
        raise
    tenant_cache_clear()
    # The console's figures once the rows are committed; they are refreshed hourly anyway.
    transaction.on_commit(lambda: stats_refresh(municipality=municipality))
    migrated = list(plan.pending_migrations)
    if migrated:
        # The archive predates some of this code's migrations: bring the schema up to date, as
        # `migrate_schemas` does after a deploy. The data restored is already checked above.
        log(f"applying {len(migrated)} newer migrations")
        call_command("migrate_schemas", tenant=True, schema_name=plan.schema, interactive=False, verbosity=0)
    return RestoreResult(municipality=municipality, counts=counts, migrated=migrated, files=len(written))


def _remove_empty_dirs(root: Path) -> None:
    if not root.is_dir():
        return
    folders = sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True)
    for folder in folders:
        if not any(folder.iterdir()):
            folder.rmdir()
    if not any(root.iterdir()):
        root.rmdir()


def _schema_restore(plan: RestorePlan, *, log: Callable[[str], None]) -> None:
    """pg_restore the archive's schema as `plan.schema` (see the module's doc for the renaming)."""
    manifest = plan.archive.manifest
    archive_major = int((manifest.get("postgresql") or {}).get("pg_dump_major") or pg.server_major())
    pg_restore, _major = pg.pg_tool("pg_restore", at_least=max(archive_major, pg.server_major()))
    with tempfile.TemporaryDirectory(prefix="cp-restore-") as tmp:
        dump = Path(tmp) / DUMP
        plan.archive.copy_to(DUMP, dump)
        restore = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if plan.schema == plan.source_schema:
            pg.run_tool([*restore, f"--dbname={pg.database_name()}", str(dump)])
            _distribute_on_citus(plan.schema)
            log(f"schema {plan.schema} restored")
            return
        renamed = Path(tmp) / "renamed.dump"
        with _scratch_database() as scratch:
            pg.run_tool([*restore, f"--dbname={scratch}", str(dump)])
            with pg.side_connection(scratch) as conn:
                conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    sql.Identifier(plan.source_schema), sql.Identifier(plan.schema)))
            pg_dump, _dump_major = pg.pg_tool("pg_dump", at_least=pg.server_major())
            pg.run_tool([pg_dump, "--format=custom", f"--schema={plan.schema}", "--no-owner",
                         "--no-privileges", f"--file={renamed}", f"--dbname={scratch}"])
        pg.run_tool([*restore, f"--dbname={pg.database_name()}", str(renamed)])
        _distribute_on_citus(plan.schema)
        log(f"schema {plan.source_schema} restored as {plan.schema} (renamed in a scratch database)")


def _distribute_on_citus(schema: str) -> None:
    """pg_restore creates a plain schema (Citus refuses the identity columns it adds with ALTER
    TABLE in a distributed one): on a Citus cluster it is distributed once restored."""
    if citus.enabled():
        with pg.side_connection() as conn, conn.cursor() as cursor:
            citus.schema_distribute(cursor, schema)


@contextmanager
def _scratch_database() -> Iterator[str]:
    """A throw-away database with this one's extensions (PostGIS), dropped afterwards. Needs the
    CREATEDB privilege, and a superuser for CREATE EXTENSION postgis, as migrate does."""
    name = f"{pg.database_name()[:40]}_restore_{uuid.uuid4().hex[:8]}"
    with pg.side_connection() as conn:
        wanted = pg.extensions(conn)
        try:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        except Exception as exc:
            raise BackupError(
                _("Could not create a scratch database to rename the schema in (%(error)s); restore into "
                  "the archive's own schema name, or grant CREATEDB."),
                {"error": str(exc).strip()},
            ) from exc
    try:
        with pg.side_connection(name) as conn:
            for extension in wanted:
                conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(extension)))
        yield name
    finally:
        with pg.side_connection() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _verify_counts(plan: RestorePlan) -> dict[str, int]:
    expected = {str(k): int(v) for k, v in (plan.archive.manifest.get("counts") or {}).items()}
    with pg.side_connection() as conn:
        found = pg.schema_counts(conn, plan.schema)
    differing = sorted(t for t in set(expected) | set(found) if expected.get(t) != found.get(t))
    if differing:
        table = differing[0]
        raise BackupError(
            _("The restored schema does not match the archive (%(table)s: %(found)s rows, %(expected)s "
              "expected); nothing was restored."),
            {"table": table, "found": found.get(table, 0), "expected": expected.get(table, 0)},
        )
    return found


# --- public rows ----------------------------------------------------------------------------------
def _build(model: type[models.Model], row: dict[str, Any], **overrides: Any) -> models.Model:
    """An unsaved instance from a serialized row: values through each field's to_python(),
    foreign keys given in `overrides` (by attname), no primary key."""
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name not in row:
            continue
        if f.is_relation:
            continue
        values[f.attname] = f.to_python(row[f.name])
    values.update(overrides)
    return model(**values)


def _keep_timestamps(instance: models.Model, row: dict[str, Any]) -> None:
    """auto_now / auto_now_add fields get the archive's values back (a thread keeps its dates)."""
    stamped = {f.attname: f.to_python(row[f.name]) for f in type(instance)._meta.concrete_fields
               if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) and row.get(f.name)}
    if stamped:
        type(instance)._default_manager.filter(pk=instance.pk).update(**stamped)


def _rename_strings(value: Any, rename: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return rename(value)
    if isinstance(value, dict):
        return {k: _rename_strings(v, rename) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename_strings(v, rename) for v in value]
    return value


def _rows(public: dict[str, list[dict[str, Any]]], model: type[models.Model]) -> list[dict[str, Any]]:
    return list(public.get(model._meta.label_lower) or [])


def _public_restore(plan: RestorePlan) -> tuple[Municipality, dict[int, int]]:
    public = plan.public
    rows = _rows(public, Municipality)
    if len(rows) != 1:
        raise BackupError(_("The archive's manifest is damaged."))

    def renamed(name: str) -> str:
        return _platform_name(name, source=plan.source_schema, schema=plan.schema, request_ids=request_ids)

    request_ids: dict[int, int] = {}
    municipality = _build(Municipality, rows[0], schema_name=plan.schema)
    assert isinstance(municipality, Municipality)
    municipality.auto_create_schema = False  # the schema is the archive's, restored already
    municipality.full_clean(validate_unique=False)
    municipality.save(verbosity=0)
    _keep_timestamps(municipality, rows[0])
    for i, host in enumerate(plan.domains):
        Domain.objects.create(domain=host, tenant=municipality, is_primary=(i == 0))

    for model in (Theme, ComponentSettings):
        for row in _rows(public, model):
            obj = _build(model, row, municipality_id=municipality.pk)
            for f in model._meta.concrete_fields:
                if isinstance(f, models.FileField):
                    stored = getattr(obj, f.attname)
                    if stored and stored.name:
                        setattr(obj, f.attname, renamed(stored.name))
            obj.save()
            _keep_timestamps(obj, row)
    for row in _rows(public, LineChannel):
        # Restored switched off: a copy must not answer the citizens of the original's Official
        # Account or push to them; the admin turns LINE on (and points the webhook) when it is
        # the one in service.
        channel = _build(LineChannel, row, municipality_id=municipality.pk)
        assert isinstance(channel, LineChannel)
        channel.enabled = False
        channel.save()
        _keep_timestamps(channel, row)
    versions = []
    for row in _rows(public, CustomizationVersion):
        version = _build(CustomizationVersion, row, municipality_id=municipality.pk)
        assert isinstance(version, CustomizationVersion)
        version.snapshot = _rename_strings(version.snapshot, renamed)
        versions.append((version, row))
    for version, row in versions:
        version.save()
        _keep_timestamps(version, row)

    for row in _rows(public, ChangeRequest):
        request = _build(ChangeRequest, row, municipality_id=municipality.pk)
        request.save()
        _keep_timestamps(request, row)
        request_ids[int(row["pk"])] = request.pk
    comment_ids: dict[int, int] = {}
    for row in _rows(public, ChangeRequestComment):
        comment = _build(ChangeRequestComment, row, request_id=request_ids[int(row["request"])])
        comment.save()
        _keep_timestamps(comment, row)
        comment_ids[int(row["pk"])] = comment.pk
    for row in _rows(public, ChangeRequestAttachment):
        attachment = _build(ChangeRequestAttachment, row, request_id=request_ids[int(row["request"])],
                            comment_id=comment_ids.get(int(row["comment"])) if row.get("comment") else None)
        assert isinstance(attachment, ChangeRequestAttachment)
        attachment.file.name = renamed(attachment.file.name or "")
        attachment.save()
        _keep_timestamps(attachment, row)
    return municipality, request_ids


