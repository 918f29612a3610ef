from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from kernel.i18n import bilingual
from smarthealth.services.pdpa import PdpaError, person_erase, person_for_request

from ._pdpa import (
    add_common_arguments,
    municipality_or_error,
    permission_error,
    staff_or_error,
)


class Command(BaseCommand):
    help = (
        "PDPA erasure on request: empty one person's names, phone, national ID, household link, visit notes "
        "and birth day (the year stays); keep their non-identifying care records and the whole access log. "
        "Cannot be undone: needs --reason and --yes-erase."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("--reason", default="",
                            help="why (e.g. the request's reference); recorded in the access log, so no "
                                 "personal data in it")
        parser.add_argument("--yes-erase", action="store_true",
                            help="confirm: the erasure cannot be undone")

    def handle(self, *args, **options):
        if not options["yes_erase"]:
            raise CommandError(bilingual(_(
                "An erasure cannot be undone: confirm it with --yes-erase. Nothing was changed."
            )))
        municipality = municipality_or_error(options["schema"])
        with tenant_context(municipality):
            user = staff_or_error(options["by"], schema=municipality.schema_name)
            try:
                person = person_for_request(user=user, public_id=options["public_id"], cid=options["cid"])
                summary = person_erase(user=user, person=person, reason=options["reason"])
            except PermissionDenied as error:
                raise permission_error(options["by"]) from error
            except PdpaError as error:
                raise CommandError(error.bilingual()) from error
        kept = summary["kept"]
        self.stdout.write(self.style.SUCCESS(
            f"erased person {person.public_id} in {municipality.schema_name}: names, national ID, phone, "
            f"household, birth day and {summary['visit_notes_cleared']} visit notes; kept "
            f"{kept['adl_assessments']} ADL, {kept['ncd_screenings']} screenings, "
            f"{kept['home_visits']} visits (no personal data) and the access log"
        ))
