from django.core.management.base import BaseCommand, CommandError

from tenants.models import Municipality
from tenants.services.municipalities import MunicipalityError, municipality_create, platform_tenant_ensure


class Command(BaseCommand):
    help = "Create a municipality (its own schema, host and roles), ready to use. CONTRACT §4."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="schema name, e.g. kantang")
        parser.add_argument("--domain", required=True, help="host name, e.g. kantang.localhost")
        parser.add_argument("--name-th", required=True, help="Thai name, e.g. เทศบาลเมืองกันตัง")
        parser.add_argument("--name-en", default="", help="English name")
        parser.add_argument(
            "--kind", choices=[k for k in Municipality.Kind.values if k != "platform"],
            help="kind; inferred from the Thai name when left out",
        )
        parser.add_argument("--province-code", default="", help="2-digit DOPA code")
        parser.add_argument("--district-code", default="", help="4-digit DOPA code")
        parser.add_argument("--subdistrict-code", default="", help="6-digit DOPA code")
        parser.add_argument("--lat", type=float, help="centre latitude (WGS 84)")
        parser.add_argument("--lon", type=float, help="centre longitude (WGS 84)")

    def handle(self, *args, **options):
        subdistrict = options["subdistrict_code"]
        # A subdistrict code carries its district and province codes in its leading digits.
        district = options["district_code"] or subdistrict[:4]
        province = options["province_code"] or district[:2]
        platform_tenant_ensure()
        try:
            municipality = municipality_create(
                schema_name=options["schema"], domain=options["domain"],
                name_th=options["name_th"], name_en=options["name_en"], kind=options["kind"],
                province_code=province, district_code=district, subdistrict_code=subdistrict,
                lat=options["lat"], lon=options["lon"],
            )
        except MunicipalityError as error:
            raise CommandError(error.bilingual()) from error
        if not options["kind"] and Municipality.kind_from_thai_name(options["name_th"]) is None:
            self.stderr.write(self.style.WARNING(
                f"ระบุประเภทจากชื่อไม่ได้ จึงตั้งเป็น {municipality.get_kind_display()} / the kind could not "
                "be read from the Thai name; set it with --kind if this is wrong"
            ))
        self.stdout.write(self.style.SUCCESS(
            f"created {municipality.schema_name}: {municipality.name_th} "
            f"({municipality.get_kind_display()}) at http://{options['domain'].lower()}/"
        ))
