from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.services.gazetteer import GazetteerError, gazetteer_load


class Command(BaseCommand):
    help = (
        "Load Thailand's provinces, districts and subdistricts (DOPA codes, centres, province "
        "boundaries) into the platform's reference tables. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", type=Path,
            help="folder with provinces.csv, districts.csv, sub_districts.csv [, provinces.geojson]",
        )

    def handle(self, *args, directory: Path, **options):
        try:
            counts = gazetteer_load(directory=directory)
        except GazetteerError as error:
            raise CommandError(
                f"ไม่พบไฟล์ข้อมูลเขตการปกครอง / {error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(
            "loaded {provinces} provinces ({boundaries} with boundaries), {districts} districts, "
            "{subdistricts} subdistricts".format(**counts)
        ))
