"""python manage.py publish_national_indicators [--schema S]: publish now, in this process.
--latest-only: publish nothing, recompute every municipality's stored latest results from the rows
already published (after an indicator is added or its computation changes)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q
from django.utils import timezone

from national.models import IndicatorValue
from national.services import (
    NationalSnapshotError,
    municipalities_to_publish,
    national_latest_rebuild,
    national_snapshot_publish,
)
from tenants.models import Municipality


class Command(BaseCommand):
    help = "Publish the national indicator snapshot of one municipality (--schema) or of every active one."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="the municipality's schema name (default: every active one)")
        parser.add_argument("--latest-only", action="store_true",
                            help="recompute the stored latest results from the published rows only")

    def handle(self, *args, schema=None, latest_only=False, **options):
        if latest_only:
            self.stdout.write(f"latest results recomputed: municipalities={national_latest_rebuild()}")
            return
        if schema:
            municipalities = list(Municipality.objects.filter(schema_name=schema).exclude(
                kind=Municipality.Kind.PLATFORM))
            if not municipalities:
                raise CommandError(f"ไม่พบหน่วยงาน schema '{schema}' / No municipality with schema '{schema}'.")
        else:
            municipalities = list(municipalities_to_publish())
        day = timezone.localdate()
        total = 0
        for municipality in municipalities:
            try:
                rows = national_snapshot_publish(municipality=municipality)
            except NationalSnapshotError as error:
                raise CommandError(f"{municipality.schema_name}: {error}") from error
            hidden = IndicatorValue.objects.filter(municipality=municipality, snapshot_date=day).aggregate(
                n=Count("id", filter=Q(suppressed=True)))["n"]
            total += rows
            self.stdout.write(f"{municipality.schema_name}: rows={rows} suppressed={hidden}")
        self.stdout.write(f"municipalities={len(municipalities)} rows={total} date={day.isoformat()}")
