from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual
from tenants.services.municipalities import platform_tenant_ensure
from tenants.services.pg import BackupError
from tenants.services.restores import municipality_restore


class Command(BaseCommand):
    help = (
        "Restore a municipality from an archive of backup_municipality as a new municipality. Refuses "
        "when its schema or host is taken; --schema NEW --domain HOST restores it under a new name."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="an archive written by backup_municipality")
        parser.add_argument("--schema", help="restore under this schema name instead of the archive's")
        parser.add_argument("--domain", help="serve it on this host (the only one) instead of the archive's")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(bilingual(_("There is no file %(path)s."), {"path": archive}))
        try:
            result = municipality_restore(
                archive_path=archive, schema_name=options["schema"], domain=options["domain"],
                log=lambda line: self.stdout.write(f"  {line}"),
            )
        except BackupError as error:
            raise CommandError(error.bilingual()) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        platform_tenant_ensure()  # a fresh platform's console, as create_municipality does
        municipality = result.municipality
        host = municipality.primary_domain
        self.stdout.write(self.style.SUCCESS(
            f"restored {municipality.schema_name} ({municipality.name_th}) at http://{host}/: "
            f"{sum(result.counts.values())} rows in {len(result.counts)} tables as in the manifest, "
            f"{result.files} files"
            + (f", {len(result.migrated)} newer migrations applied" if result.migrated else "")
        ))
        self.stdout.write(
            "ข้อมูลสรุประดับประเทศยังไม่รวมเทศบาลนี้จนกว่าจะเผยแพร่ใหม่ / national indicators include it "
            f"after: manage.py publish_national_indicators --schema {municipality.schema_name}"
        )
