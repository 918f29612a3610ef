import json
import os
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from smarthealth.services.pdpa import PdpaError, person_for_request, person_pdpa_export

from ._pdpa import (
    add_common_arguments,
    municipality_or_error,
    permission_error,
    staff_or_error,
)


class Command(BaseCommand):
    help = (
        "PDPA access request: write everything held about one person (national ID in clear, household, "
        "care records, who saw their data when) as UTF-8 JSON. Writes an 'export' row to the access log."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("out", help="the JSON file to write (mode 0600), or - for standard output")

    def handle(self, *args, **options):
        municipality = municipality_or_error(options["schema"])
        with tenant_context(municipality):
            user = staff_or_error(options["by"], schema=municipality.schema_name)
            try:
                person = person_for_request(user=user, public_id=options["public_id"], cid=options["cid"])
                data = person_pdpa_export(user=user, person=person)
            except PermissionDenied as error:
                raise permission_error(options["by"]) from error
            except PdpaError as error:
                raise CommandError(error.bilingual()) from error
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if options["out"] == "-":
            self.stdout.write(text, ending="")
            return
        out = Path(options["out"])
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        self.stdout.write(self.style.SUCCESS(
            f"exported person {data['person']['public_id']} to {out}: {len(data['adl_assessments'])} ADL, "
            f"{len(data['ncd_screenings'])} screenings, {len(data['home_visits'])} visits, "
            f"{len(data['access_log'])} access-log rows"
        ))
