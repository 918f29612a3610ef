"""Re-encode the photos stored before uploads were re-encoded (issue 22): no EXIF/GPS left on
disk, a generated name with the real extension. Run once after deploying; running it again
changes nothing.

    manage.py photos_reencode                 # every municipality
    manage.py photos_reencode --schema kantang
"""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from tenants.models import Municipality

from ...services.photos import stored_photos_reencode


class Command(BaseCommand):
    help = "Re-encode stored service-request and asset photos (strip EXIF/GPS, rename by real format)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="one municipality's schema (default: every municipality)")

    def handle(self, *args, schema=None, **options):
        municipalities = Municipality.objects.exclude(schema_name="public").order_by("schema_name")
        if schema:
            municipalities = municipalities.filter(schema_name=schema)
            if not municipalities.exists():
                raise CommandError(f"There is no municipality with the schema {schema!r}.")
        for municipality in municipalities:
            with schema_context(municipality.schema_name):
                counts = stored_photos_reencode()
            self.stdout.write(f"{municipality.schema_name}: {counts['reencoded']} re-encoded, "
                              f"{counts['skipped']} already clean, {counts['unreadable']} unreadable")
