"""Back up one municipality into one archive (issue 22); restores.py restores it.

An archive is one uncompressed tar (pg_dump's custom format is compressed already):

    manifest.json        format version, schema, migrations, row counts, a SHA-256 per member
    schema.dump          pg_dump -Fc -n <schema>: every table of the municipality, as stored
    public.json          its rows in `public` (PUBLIC_MODELS)
    media/<path>         MEDIA_ROOT/<schema>/<path>: the municipality's uploads
    platform/<path>      MEDIA_ROOT/platform/<path>: its theme files and change-request attachments

Personal data stays as stored: national IDs remain encrypted, so an archive restores only on a
platform with the same PDPA keys (the manifest carries fingerprints of them, never the keys).
"""

import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import tarfile
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, schema_exists
from psycopg import sql

from ..models import (
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
from . import pg
from .pg import BackupError

logger = logging.getLogger(__name__)

FORMAT = "cityplatform-municipality-backup"
FORMAT_VERSION = 1
MANIFEST, DUMP, PUBLIC = "manifest.json", "schema.dump", "public.json"
MEDIA_PREFIX, PLATFORM_PREFIX = "media/", "platform/"
PLATFORM_MEDIA_DIR = "platform"  # tenants/storage.py: MEDIA_ROOT/platform

# The rows in `public` that belong to one municipality, parents first (the order of a restore).
PUBLIC_MODELS: tuple[type[models.Model], ...] = (
    Municipality, Domain, Theme, ComponentSettings, CustomizationVersion,
    ChangeRequest, ChangeRequestComment, ChangeRequestAttachment, LineChannel,
)
# Rows in `public` that point at a municipality but are computed from its schema, so a backup
# leaves them out and the platform computes them again (tests check every such model is listed).
DERIVED_PUBLIC_MODELS = {
    "tenants.municipalitystats": "refreshed at the end of a restore (tenants.stats.stats_refresh)",
    "national.indicatorvalue": "published again by `publish_national_indicators --schema S`",
    "national.latestresults": "recomputed from the snapshot by that publish (national_latest_refresh)",
}
# Public rows about a municipality that are the platform team's own records, not the
# municipality's data: they stay in public (and outlive a deleted municipality), in no archive.
PLATFORM_RECORDS = {
    "tenants.consoleauditentry": "what the platform team did from the console; kept by the platform",
}
# Where each municipality's platform files live (tenants.models: theme_upload_to,
# attachment_upload_to); a restore under a new name or new ids moves them along.
THEME_DIR = "themes/{schema}/"
ATTACHMENT_RE = re.compile(r"^change-requests/(?P<schema>[^/]+)/(?P<id>\d+)/(?P<rest>.+)$")
_CHUNK = 1024 * 1024


# --- what a backup holds ------------------------------------------------------------------------
def tenant_media_dir(schema: str) -> Path:
    """MEDIA_ROOT/<schema>: django-tenants' TenantFileSystemStorage with
    MULTITENANT_RELATIVE_MEDIA_ROOT = "%s" (settings)."""
    relative = getattr(settings, "MULTITENANT_RELATIVE_MEDIA_ROOT", "%s") or "%s"
    return Path(str(settings.MEDIA_ROOT)) / (relative % schema if "%s" in relative else relative)


def platform_media_dir() -> Path:
    return Path(str(settings.MEDIA_ROOT)) / PLATFORM_MEDIA_DIR


def pdpa_fingerprints() -> dict[str, Any]:
    """Short one-way fingerprints of the PDPA keys: enough to tell whether two platforms share
    their keys, useless for recovering one."""

    def mark(key: str | bytes) -> str:
        raw = key.encode() if isinstance(key, str) else key
        return hashlib.sha256(b"cityplatform pdpa key fingerprint\0" + raw).hexdigest()[:16]

    return {"encryption_keys": [mark(k) for k in settings.PDPA_ENCRYPTION_KEYS],
            "hash_key": mark(settings.PDPA_HASH_KEY)}


def _rows_of(municipality: Municipality) -> dict[type[models.Model], models.QuerySet[Any]]:
    return {
        Municipality: Municipality.objects.filter(pk=municipality.pk),
        Domain: Domain.objects.filter(tenant=municipality).order_by("-is_primary", "domain"),
        Theme: Theme.objects.filter(municipality=municipality),
        ComponentSettings: ComponentSettings.objects.filter(municipality=municipality),
        CustomizationVersion: CustomizationVersion.objects.filter(municipality=municipality)
        .order_by("kind", "number"),
        ChangeRequest: ChangeRequest.objects.filter(municipality=municipality).order_by("pk"),
        ChangeRequestComment: ChangeRequestComment.objects.filter(request__municipality=municipality)
        .order_by("pk"),
        ChangeRequestAttachment: ChangeRequestAttachment.objects.filter(request__municipality=municipality)
        .order_by("pk"),
        # Still sealed in the archive: it opens only where the same PDPA keys are configured.
        LineChannel: LineChannel.objects.filter(municipality=municipality),
    }


class _ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds (ECMA-262); a restore keeps them exact."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _public_rows(municipality: Municipality) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for model, rows in _rows_of(municipality).items():
        records = serializers.serialize("python", rows)
        out[model._meta.label_lower] = [{"pk": r["pk"], **r["fields"]} for r in records]
    return out


def _platform_files(municipality: Municipality) -> set[str]:
    """Names under MEDIA_ROOT/platform that belong to the municipality: its theme folder, its
    attachments' folder, and any file its rows name elsewhere."""
    root = platform_media_dir()
    names: set[str] = set()
    for folder in (THEME_DIR.format(schema=municipality.schema_name),
                   f"change-requests/{municipality.schema_name}/"):
        names.update(_files_under(root / folder, prefix=folder))
    rows = _rows_of(municipality)
    for theme in rows[Theme]:
        names.update(f.name for f in (theme.logo, theme.favicon) if f.name)
    for attachment in rows[ChangeRequestAttachment]:
        names.add(attachment.file.name)
    for version in rows[CustomizationVersion]:
        names.update(n for n in _strings(version.snapshot) if n.startswith(("themes/", "change-requests/")))
    return {n for n in names if (root / n).is_file()}


def _files_under(folder: Path, *, prefix: str = "") -> Iterator[str]:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield prefix + path.relative_to(folder).as_posix()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- backup -------------------------------------------------------------------------------------
@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def municipality_backup(*, schema_name: str, out: Path) -> BackupResult:
    """Write one municipality's archive to `out` (written beside it and renamed when complete,
    so a failed backup never leaves a half archive under that name; mode 0600)."""
    municipality = Municipality.objects.filter(schema_name=schema_name).first()
    if municipality is None or municipality.is_platform:
        raise BackupError(_("There is no municipality with the schema “%(schema)s”."),
                          {"schema": schema_name})
    if not schema_exists(schema_name):
        raise BackupError(_("The schema “%(schema)s” does not exist in this database."),
                          {"schema": schema_name})
    major = pg.server_major()
    pg_dump, dump_major = pg.pg_tool("pg_dump", at_least=major)
    pg.catalog_analyze()
    out = Path(out)
    if out.is_dir():
        raise BackupError(_("%(path)s is a folder: give the archive's file name."), {"path": out})

    with tempfile.TemporaryDirectory(prefix="cp-backup-") as tmp:
        dump = Path(tmp) / DUMP
        # The counts and the migration state come from the very snapshot pg_dump copies, so the
        # manifest describes the dump exactly even while the municipality keeps working.
        with pg.side_connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            row = conn.execute("SELECT pg_export_snapshot(), current_setting('server_version')").fetchone()
            assert row is not None
            snapshot, server_version = row
            pg.run_tool([pg_dump, "--format=custom", f"--schema={schema_name}", f"--snapshot={snapshot}",
                         "--no-owner", "--no-privileges", f"--file={dump}", f"--dbname={pg.database_name()}"])
            counts = pg.schema_counts(conn, schema_name)
            migrations = _applied_migrations(conn, schema_name)
            public_migrations = _applied_migrations(conn, get_public_schema_name(), apps_only={"tenants"})
            conn.execute("COMMIT")

        public_json = json.dumps(_public_rows(municipality), cls=_ExactJSONEncoder, ensure_ascii=False,
                                 indent=1).encode()
        members: list[tuple[str, Path | bytes]] = [(DUMP, dump), (PUBLIC, public_json)]
        media = tenant_media_dir(schema_name)
        members += [(MEDIA_PREFIX + name, media / name) for name in _files_under(media)]
        members += [(PLATFORM_PREFIX + name, platform_media_dir() / name)
                    for name in sorted(_platform_files(municipality))]

        files: dict[str, dict[str, Any]] = {}
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "schema": schema_name,
            "municipality": {"name_th": municipality.name_th, "name_en": municipality.name_en},
            "domains": list(Domain.objects.filter(tenant=municipality).order_by("-is_primary", "domain")
                            .values_list("domain", flat=True)),
            "postgresql": {"server": server_version, "pg_dump_major": dump_major},
            "migrations": {"tenant": migrations, "public": public_migrations},
            "counts": counts,
            "pdpa": pdpa_fingerprints(),
            "files": files,
        }
        out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with (os.fdopen(fd, "wb") as raw,
                  tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar):
                # Each file is hashed as it is written, so the checksum is of what the archive
                # holds even if a file changes meanwhile; the manifest goes last, when all are known.
                for name, content in members:
                    files[name] = _tar_add(tar, name, content)
                _tar_add(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    logger.info("municipality %s backed up to %s", schema_name, out)
    return BackupResult(path=out, manifest=manifest)


class _Hashing(io.RawIOBase):
    """A file read through SHA-256."""

    def __init__(self, fh: io.BufferedReader):
        self.fh, self.digest, self.size = fh, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.fh.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def _tar_add(tar: tarfile.TarFile, name: str, content: bytes | Path) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    if isinstance(content, bytes):
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
        return {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    with content.open("rb") as fh:
        info.size = os.fstat(fh.fileno()).st_size
        reader = _Hashing(fh)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": reader.size}


def _applied_migrations(conn: Any, schema: str, apps_only: set[str] | None = None) -> dict[str, list[str]]:
    rows = conn.execute(sql.SQL("SELECT app, name FROM {}.django_migrations ORDER BY app, name").format(
        sql.Identifier(schema))).fetchall()
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        if apps_only is None or app in apps_only:
            applied.setdefault(app, []).append(name)
    return applied


# --- reading an archive -------------------------------------------------------------------------
class Archive:
    """An archive opened for a restore: its manifest read and every member checked against it
    before anything is written anywhere."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.tar = tarfile.open(self.path, mode="r:")
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(_("%(path)s is not a municipality backup archive."), {"path": path}) from exc
        try:
            self.members = {m.name: m for m in self.tar.getmembers()}
            self.manifest = self._manifest()
            self._verify()
        except Exception:
            self.tar.close()
            raise

    def close(self) -> None:
        self.tar.close()

    def _manifest(self) -> dict[str, Any]:
        if MANIFEST not in self.members:
            raise BackupError(_("%(path)s is not a municipality backup archive."), {"path": self.path})
        try:
            manifest = json.loads(self.read(MANIFEST))
        except ValueError as exc:
            raise BackupError(_("The archive's manifest is damaged.")) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(_("%(path)s is not a municipality backup archive."), {"path": self.path})
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                _("The archive is in format version %(found)s; this platform reads version %(supported)s."),
                {"found": manifest.get("format_version"), "supported": FORMAT_VERSION},
            )
        return manifest

    def _verify(self) -> None:
        files = self.manifest.get("files") or {}
        unexpected = set(self.members) - set(files) - {MANIFEST}
        missing = set(files) - set(self.members)
        if unexpected or missing or DUMP not in files or PUBLIC not in files:
            raise BackupError(_("The archive does not hold the files its manifest lists: %(names)s."),
                              {"names": ", ".join(sorted(unexpected | missing)[:5]) or DUMP})
        for name, expected in files.items():
            member = self.members[name]
            if not member.isfile() or not _safe_member_name(name):
                raise BackupError(_("The archive holds an unsafe entry: %(name)s."), {"name": name})
            digest = hashlib.sha256()
            for chunk in self.chunks(name):
                digest.update(chunk)
            if digest.hexdigest() != expected.get("sha256"):
                raise BackupError(_("The archive is damaged: %(name)s does not match its checksum."),
                                  {"name": name})

    def read(self, name: str) -> bytes:
        return b"".join(self.chunks(name))

    def chunks(self, name: str) -> Iterator[bytes]:
        fh = self.tar.extractfile(self.members[name])
        if fh is None:
            raise BackupError(_("The archive holds an unsafe entry: %(name)s."), {"name": name})
        with fh:
            while chunk := fh.read(_CHUNK):
                yield chunk

    def copy_to(self, name: str, destination: Path) -> None:
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.partial")
        try:
            with partial.open("wb") as out:
                for chunk in self.chunks(name):
                    out.write(chunk)
            os.replace(partial, destination)
        finally:
            partial.unlink(missing_ok=True)

    def names(self, prefix: str) -> list[str]:
        return sorted(n[len(prefix):] for n in self.manifest["files"] if n.startswith(prefix))


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in name and name == path.as_posix()


def public_models_pointing_at_municipality() -> Iterable[str]:
    """Every installed model with a relation to Municipality (for the test that keeps
    PUBLIC_MODELS and DERIVED_PUBLIC_MODELS complete)."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is Municipality:
                yield model._meta.label_lower
                break
