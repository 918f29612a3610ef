from django.core.management.base import BaseCommand, CommandError

from tenants.services.bulk_onboarding import SAO_PREFIX_TH, municipalities_onboard_from_gazetteer
from tenants.services.console_audit import Actor
from tenants.services.municipalities import MunicipalityError, platform_tenant_ensure


class Command(BaseCommand):
    help = (
        "Create every missing local government of a province (or of the country) from the loaded "
        "DOPA gazetteer: one SAO per subdistrict no municipality covers yet. Safe to run again: a "
        "second run creates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from-gazetteer", action="store_true", required=True,
                            help="take the local governments from the gazetteer (load_thai_admin)")
        parser.add_argument("--province", default=None, help="2-digit DOPA province code, e.g. 92")
        parser.add_argument("--limit", type=int, default=None, help="create at most N")

    def handle(self, *args, from_gazetteer, province, limit, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit ต้องมากกว่า 0 / --limit must be at least 1")
        platform_tenant_ensure()

        def progress(n, total, candidate, municipality, error):
            if municipality is not None:
                self.stdout.write(f"[{n}/{total}] {candidate.subdistrict_code} created "
                                  f"{municipality.schema_name}: {municipality.name_th}")
            else:
                self.stderr.write(self.style.ERROR(
                    f"[{n}/{total}] {candidate.subdistrict_code} failed: {error}"))

        try:
            result = municipalities_onboard_from_gazetteer(province_code=province, limit=limit,
                                                           actor=Actor.shell(), progress=progress)
        except MunicipalityError as error:
            raise CommandError(error.bilingual()) from error
        summary = f"created={len(result.created)} failed={len(result.errors)} of {result.total} missing"
        if result.total == 0:
            self.stdout.write(self.style.SUCCESS(
                f"ไม่มีหน่วยงานที่ขาด / nothing is missing: {summary}"))
        elif result.errors:
            raise CommandError(f"{summary}; สร้างไม่สำเร็จบางแห่ง / some could not be created (see above)")
        else:
            self.stdout.write(self.style.SUCCESS(summary))
            self.stdout.write(
                f"ทุกแห่งสร้างเป็น {SAO_PREFIX_TH}… ตามตำบล: แก้ชื่อและประเภทของแห่งที่เป็นเทศบาลในคอนโซล / "
                "each was created as its subdistrict's SAO: correct the name and kind of those that are "
                "municipalities on the console"
            )
