from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.services.backups import municipality_backup
from tenants.services.pg import BackupError


class Command(BaseCommand):
    help = (
        "Back up one municipality into one archive: its schema (pg_dump -Fc -n), its rows in public "
        "(municipality, domains, theme, components, versions, change requests) and its files, with a "
        "manifest. National IDs stay encrypted: store the archive encrypted and offline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="the municipality's schema, e.g. kantang")
        parser.add_argument("out", help="the archive to write, e.g. kantang-2025-01-31.tar")

    def handle(self, *args, **options):
        try:
            result = municipality_backup(schema_name=options["schema"], out=Path(options["out"]))
        except BackupError as error:
            raise CommandError(error.bilingual()) from error
        manifest = result.manifest
        rows = sum(manifest["counts"].values())
        files = sum(1 for name in manifest["files"] if name.startswith(("media/", "platform/")))
        size = result.path.stat().st_size
        self.stdout.write(self.style.SUCCESS(
            f"backed up {manifest['schema']} ({manifest['municipality']['name_th']}) to {result.path}: "
            f"{len(manifest['counts'])} tables, {rows} rows, {files} files, {size / 1e6:.1f} MB"
        ))
        self.stdout.write(
            "เก็บไฟล์นี้แบบเข้ารหัสและแยกจากระบบ: กู้คืนได้เฉพาะกับกุญแจ PDPA ชุดเดิม / "
            "store this archive encrypted and offline: it restores only with the same PDPA keys"
        )
