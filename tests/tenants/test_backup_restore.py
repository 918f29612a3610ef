"""Issue 22: one municipality backed up (schema, public rows, files) and restored as a new one.

pg_dump and pg_restore are processes of their own: they see what is committed (the seeded pilots),
and a restored schema is committed at once. So every schema a test restores is dropped after the
test's transaction has rolled back (`restored`, requested first), and files go to a MEDIA_ROOT
under tmp_path."""

import io
import json
import subprocess
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from infrastructure.models import Asset, ServiceRequest
from smarthealth.models import Household, Person
from tenants.models import ChangeRequest, ChangeRequestAttachment, Domain, LineChannel, Municipality, Theme
from tenants.services import pg
from tenants.services.backups import (
    DERIVED_PUBLIC_MODELS,
    PLATFORM_RECORDS,
    PUBLIC_MODELS,
    public_models_pointing_at_municipality,
)
from tenants.services.line import line_channel_update

from ..helpers import host_client, login, manage

QUIET = {"stdout": io.StringIO()}


@pytest.fixture
def restored(django_db_setup, django_db_blocker):
    """Names of schemas the test restores: dropped after the test's transaction is over (its
    locks on them are released only then)."""
    schemas: list[str] = []
    yield schemas
    with django_db_blocker.unblock():
        for schema in schemas:
            pg.schema_drop(schema)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _write(path, content: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _counts(schema: str) -> dict:
    with schema_context(schema):
        return {"persons": Person.objects.count(), "households": Household.objects.count(),
                "assets": Asset.objects.count(), "requests": ServiceRequest.objects.count()}


def _scratch_databases() -> list[str]:
    with pg.side_connection() as conn:
        return [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                           [f"{pg.database_name()}_restore_%"]).fetchall()]


def _archive(tmp_path, schema="kantang", name="kantang.tar"):
    out = tmp_path / name
    call_command("backup_municipality", "--schema", schema, str(out), **QUIET)
    return out


def test_it_restores_a_municipality_under_a_new_schema_and_host(restored, kantang, media, tmp_path):
    _write(media / "kantang" / "assets" / "photos" / "drain-1.jpg", b"\xff\xd8 a drain photo")
    _write(media / "platform" / "themes" / "kantang" / "logo.png", b"\x89PNG the logo")
    Theme.objects.update_or_create(municipality=kantang, defaults={"logo": "themes/kantang/logo.png",
                                                                   "display_name_th": "กันตังเมืองน่าอยู่"})
    request = ChangeRequest.objects.create(municipality=kantang, title="โลโก้ใหม่", description="ขอเปลี่ยนโลโก้",
                                           category="appearance", submitted_by_username="admin")
    attachment_name = f"change-requests/kantang/{request.pk}/แบบโลโก้.pdf"
    ChangeRequestAttachment.objects.create(request=request, file=attachment_name, original_name="แบบโลโก้.pdf",
                                           content_type="application/pdf", size=9)
    _write(media / "platform" / attachment_name, b"%PDF logo")
    line_channel_update(municipality=kantang, enabled=True, channel_secret="ab" * 16, access_token="t" * 60)
    with schema_context("kantang"):
        someone = Person.objects.order_by("pk").first()
        cid = someone.cid
    archive = _archive(tmp_path)

    restored.append("kantang_copy")
    call_command("restore_municipality", str(archive), "--schema", "kantang_copy",
                 "--domain", "copy.localhost", **QUIET)

    copy = Municipality.objects.get(schema_name="kantang_copy")
    assert copy.name_th == kantang.name_th
    assert [d.domain for d in copy.domains.all()] == ["copy.localhost"]
    assert _counts("kantang_copy") == _counts("kantang")
    assert _counts("kantang_copy")["persons"] > 0
    with schema_context("kantang_copy"):
        assert Person.objects.get(public_id=someone.public_id).cid == cid
    photo = media / "kantang_copy" / "assets" / "photos" / "drain-1.jpg"
    assert photo.read_bytes() == b"\xff\xd8 a drain photo"
    theme = Theme.objects.get(municipality=copy)
    assert theme.display_name_th == "กันตังเมืองน่าอยู่"
    assert theme.logo.name == "themes/kantang_copy/logo.png"
    assert (media / "platform" / "themes" / "kantang_copy" / "logo.png").read_bytes() == b"\x89PNG the logo"
    copied = ChangeRequestAttachment.objects.get(request__municipality=copy)
    assert copied.request.title == "โลโก้ใหม่" and copied.request.created_at == request.created_at
    assert copied.file.name == f"change-requests/kantang_copy/{copied.request_id}/แบบโลโก้.pdf"
    assert (media / "platform" / copied.file.name).read_bytes() == b"%PDF logo"
    # The LINE credentials come along, still sealed, but off: a copy must not talk to citizens.
    line = LineChannel.objects.get(municipality=copy)
    assert line.channel_secret == "ab" * 16 and line.access_token == "t" * 60 and not line.enabled
    assert _scratch_databases() == []

    page = host_client("copy.localhost").get("/accounts/login/")
    assert page.status_code == 200 and kantang.name_th in page.text
    persons = login(host_client("copy.localhost"), "kantang_copy", "nurse").get("/health/persons/")
    assert persons.status_code == 200


def test_it_restores_into_a_fresh_platform_under_the_archives_own_name(restored, kantang, media, tmp_path):
    """A fresh platform is one where the schema name and the host are free: here, a copy is
    restored, backed up, removed, and its archive restored under its own name."""
    restored.append("kantang_old")
    call_command("restore_municipality", str(_archive(tmp_path)), "--schema", "kantang_old",
                 "--domain", "old.localhost", **QUIET)
    archive = _archive(tmp_path, schema="kantang_old", name="old.tar")
    Municipality.objects.get(schema_name="kantang_old").delete()  # the row; the schema next
    pg.schema_drop("kantang_old")
    assert not schema_exists("kantang_old")

    out = io.StringIO()
    call_command("restore_municipality", str(archive), stdout=out)

    assert "schema kantang_old restored" in out.getvalue()
    assert Domain.objects.get(domain="old.localhost").tenant.schema_name == "kantang_old"
    assert _counts("kantang_old") == _counts("kantang")
    assert host_client("old.localhost").get("/accounts/login/").status_code == 200


def test_it_refuses_a_schema_or_host_that_exists_and_changes_nothing(restored, kantang, media, tmp_path):
    archive = _archive(tmp_path)
    before = (Municipality.objects.count(), Domain.objects.count())

    with pytest.raises(CommandError, match="already exists"):
        call_command("restore_municipality", str(archive), **QUIET)
    with pytest.raises(CommandError, match="already in use"):
        call_command("restore_municipality", str(archive), "--schema", "kantang_two", "--domain",
                     "nueaklong.localhost", **QUIET)
    with pytest.raises(CommandError, match="--domain"):
        call_command("restore_municipality", str(archive), "--schema", "kantang_two", **QUIET)

    assert (Municipality.objects.count(), Domain.objects.count()) == before
    assert not schema_exists("kantang_two")
    assert not (media / "kantang_two").exists()
    assert _scratch_databases() == []


def test_the_refusal_exits_non_zero_in_thai_and_english(db, tmp_path):
    archive = tmp_path / "kantang.tar"
    backup = manage("backup_municipality", "--schema", "kantang", str(archive),
                    MEDIA_ROOT=str(tmp_path / "m"))
    assert backup.returncode == 0, backup.stderr

    refused = manage("restore_municipality", str(archive), MEDIA_ROOT=str(tmp_path / "m"))

    assert refused.returncode != 0
    assert "อยู่แล้ว" in refused.stderr and "already exists" in refused.stderr


def _rewrite(archive, out, change):
    """A copy of `archive` with `change(name, bytes) -> bytes` applied to each member."""
    with tarfile.open(archive) as src, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as dst:
        for member in src.getmembers():
            content = change(member.name, src.extractfile(member).read())
            member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    return out


def test_it_refuses_a_damaged_archive(restored, kantang, media, tmp_path):
    archive = _archive(tmp_path)

    def flip_a_bit(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name == "schema.dump" else data

    damaged = _rewrite(archive, tmp_path / "damaged.tar", flip_a_bit)

    with pytest.raises(CommandError, match="checksum"):
        call_command("restore_municipality", str(damaged), "--schema", "kantang_bad", "--domain",
                     "bad.localhost", **QUIET)

    assert not schema_exists("kantang_bad")
    assert not Municipality.objects.filter(schema_name="kantang_bad").exists()


def test_it_refuses_an_archive_made_with_other_pdpa_keys(restored, kantang, media, settings, tmp_path):
    archive = _archive(tmp_path)
    settings.PDPA_HASH_KEY = "another platform's hash key"

    with pytest.raises(CommandError, match="PDPA"):
        call_command("restore_municipality", str(archive), "--schema", "kantang_keys", "--domain",
                     "keys.localhost", **QUIET)

    assert not schema_exists("kantang_keys")


def test_it_refuses_an_archive_from_a_newer_platform(restored, kantang, media, tmp_path):
    archive = _archive(tmp_path)

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["tenant"]["smarthealth"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    future = _rewrite(archive, tmp_path / "future.tar", newer)

    with pytest.raises(CommandError, match="newer version"):
        call_command("restore_municipality", str(future), "--schema", "kantang_new", "--domain",
                     "new.localhost", **QUIET)

    assert not schema_exists("kantang_new")


def test_a_failed_restore_drops_the_schema_it_restored(restored, kantang, media, tmp_path):
    """Rows counted differently from the manifest (here: a manifest that promises one person
    more) undo everything: schema, rows and files."""
    _write(media / "kantang" / "a.txt", b"a file")

    def more(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["counts"]["smarthealth_person"] += 1
        return json.dumps(manifest).encode()

    archive = _rewrite(_archive(tmp_path), tmp_path / "more.tar", more)
    restored.append("kantang_short")

    with pytest.raises(CommandError, match="smarthealth_person"):
        call_command("restore_municipality", str(archive), "--schema", "kantang_short", "--domain",
                     "short.localhost", **QUIET)

    assert not schema_exists("kantang_short")
    assert not Municipality.objects.filter(schema_name="kantang_short").exists()
    assert not Domain.objects.filter(domain="short.localhost").exists()
    assert not (media / "kantang_short").exists()


def test_every_public_row_that_points_at_a_municipality_is_backed_up_or_derived():
    known = {m._meta.label_lower for m in PUBLIC_MODELS} | set(DERIVED_PUBLIC_MODELS) | set(PLATFORM_RECORDS)
    assert set(public_models_pointing_at_municipality()) <= known


def test_the_archive_keeps_national_ids_encrypted(kantang, media, tmp_path):
    archive = _archive(tmp_path)
    with schema_context("kantang"):
        person = Person.objects.order_by("pk").first()
    with tarfile.open(archive) as tar:
        dump = tar.extractfile("schema.dump").read()
        manifest = tar.extractfile("manifest.json").read()
    (tmp_path / "schema.dump").write_bytes(dump)
    # pg_dump's custom format compresses table data: read it as pg_restore gives it back.
    tool, _major = pg.pg_tool("pg_restore", at_least=pg.server_major())
    data = subprocess.run([tool, "--data-only", "--table=smarthealth_person", "-f", "-",
                           str(tmp_path / "schema.dump")], capture_output=True, check=True).stdout.decode()

    assert person.cid_encrypted in data and str(person.public_id) in data
    assert person.cid not in data and person.cid.encode() not in manifest


def test_an_archive_from_an_older_platform_is_migrated_after_the_restore(restored, kantang, media, tmp_path):
    """An archive whose schema lacks this code's latest smart-health migrations (made here by
    unapplying them from a restored copy, in a process of its own so that it commits) is restored
    and then brought up to date."""
    restored.extend(["kantang_older", "kantang_newer"])
    call_command("restore_municipality", str(_archive(tmp_path)), "--schema", "kantang_older",
                 "--domain", "older.localhost", **QUIET)
    back = manage("migrate_schemas", "--schema", "kantang_older", "smarthealth", "0002")
    assert back.returncode == 0, back.stderr
    older = _archive(tmp_path, schema="kantang_older", name="older.tar")
    with tarfile.open(older) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    archived = manifest["migrations"]["tenant"]["smarthealth"]
    assert "0003_person_cid_hash_constraint" not in archived

    out = io.StringIO()
    call_command("restore_municipality", str(older), "--schema", "kantang_newer",
                 "--domain", "newer.localhost", stdout=out)

    assert "newer migrations applied" in out.getvalue()
    with connection.cursor() as cursor:  # migrated in this test's transaction
        cursor.execute("SELECT name FROM kantang_newer.django_migrations WHERE app = 'smarthealth'")
        applied = {row[0] for row in cursor.fetchall()}
    assert "0003_person_cid_hash_constraint" in applied
    assert _counts("kantang_newer") == _counts("kantang")
