"""python manage.py migrate_municipalities [--schema S ...] [--check] [--no-template]

Brings public and every municipality's schema to this release, touching only the schemas that are
behind (tenants.services.schema_migrations), then makes sure the release's schema template exists
(new municipalities are restored from it). `migrate_schemas` still works and does the same slowly.
"""

from django.core.management.base import BaseCommand, CommandError

from tenants.services.pg import BackupError
from tenants.services.provisioning import schema_template_ensure
from tenants.services.schema_migrations import municipalities_migrate, schemas_behind


class Command(BaseCommand):
    help = ("Migrate the public schema and every municipality's schema that is behind, in batches, "
            "then build the release's schema template.")

    def add_arguments(self, parser):
        parser.add_argument("--schema", action="append", dest="schemas", metavar="S",
                            help="only this schema (repeatable)")
        parser.add_argument("--check", action="store_true",
                            help="only say which schemas are behind; exit 1 if any is")
        parser.add_argument("--no-template", action="store_true",
                            help="do not build the schema template of this release")

    def handle(self, *args, schemas=None, check=False, no_template=False, verbosity=1, **options):
        def log(line: str) -> None:
            if verbosity >= 1:
                self.stdout.write(line)

        if check:
            self._check(schemas)
            return
        result = municipalities_migrate(schemas=schemas, log=log)
        for failure in result.failures:
            self.stderr.write(f"{failure.schema}: {failure.error}")
        log(f"schemas={result.schemas} behind={len(result.behind)} migrated={len(result.migrated)} "
            f"sql={result.by_sql} django={result.by_django} failed={len(result.failures)} "
            f"longest_lock={result.longest_lock_s:.2f}s")
        if result.failures:
            raise CommandError(
                f"ย้ายข้อมูลไม่สำเร็จ {len(result.failures)} สคีมา (ที่เหลือเรียบร้อย; สั่งอีกครั้งเพื่อทำต่อ) / "
                f"{len(result.failures)} schemas failed (the others are done; run again to retry them)."
            )
        if not no_template and not schemas:
            try:
                schema_template_ensure(log=log)
            except BackupError as error:  # no pg_dump here: new municipalities are migrated instead
                self.stderr.write(f"no schema template: {error.bilingual()}")

    def _check(self, schemas):
        from django_tenants.utils import get_public_schema_name

        from tenants.models import Municipality

        public = get_public_schema_name()
        if not schemas:
            schemas = [public, *Municipality.objects.exclude(schema_name=public)
                       .order_by("schema_name").values_list("schema_name", flat=True)]
        behind = schemas_behind(schemas)
        for schema, missing in sorted(behind.items()):
            self.stdout.write(f"{schema}: {len(missing)} migrations behind")
        self.stdout.write(f"schemas={len(schemas)} behind={len(behind)}")
        if behind:
            raise CommandError(f"{len(behind)} schemas are behind.")
