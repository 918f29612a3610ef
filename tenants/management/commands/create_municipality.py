import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kernel.thaidate import thai_datetime
from tenants.models import Municipality
from tenants.services.console_audit import Actor
from tenants.services.first_admin import FirstAdmin, site_base
from tenants.services.lifecycle import municipality_onboard
from tenants.services.municipalities import MunicipalityError, platform_tenant_ensure


def default_link_base(domain: str) -> str:
    """Where the new administrator will open the link: under `make run` (DEBUG) the development
    server on $PORT (8000); otherwise the production site over https."""
    if settings.DEBUG:
        return site_base(host=domain, scheme="http", port=os.environ.get("PORT", "8000"))
    return site_base(host=domain, scheme="https")


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
        parser.add_argument("--subdistrict-code", default="",
                            help="6-digit DOPA code (the district and province codes are taken from it)")
        parser.add_argument("--lat", type=float, help="centre latitude (WGS 84)")
        parser.add_argument("--lon", type=float, help="centre longitude (WGS 84)")
        parser.add_argument("--test", action="store_true",
                            help="a test municipality: left out of national figures and the national map")
        parser.add_argument(
            "--admin-username", default="",
            help="also create the first administrator with this username (needs --admin-email)")
        parser.add_argument("--admin-email", default="", help="the first administrator's e-mail address")
        parser.add_argument("--admin-first-name", default="", help="the first administrator's first name")
        parser.add_argument("--admin-last-name", default="", help="the first administrator's last name")
        parser.add_argument(
            "--link-base", default="",
            help="scheme://host[:port] the password link starts with (default: http://DOMAIN:$PORT "
                 "(8000) in development, https://DOMAIN otherwise)",
        )

    def handle(self, *args, **options):
        admin = None
        if options["admin_username"] or options["admin_email"]:
            if not (options["admin_username"] and options["admin_email"]):
                raise CommandError("ระบุ --admin-username และ --admin-email คู่กัน / "
                                   "give --admin-username and --admin-email together")
            admin = FirstAdmin(username=options["admin_username"], email=options["admin_email"],
                               first_name=options["admin_first_name"], last_name=options["admin_last_name"])
        domain = options["domain"].strip().lower()
        platform_tenant_ensure()
        try:
            onboarded = municipality_onboard(
                actor=Actor.shell(), admin=admin, base=options["link_base"] or default_link_base(domain),
                schema_name=options["schema"], domain=domain,
                name_th=options["name_th"], name_en=options["name_en"], kind=options["kind"],
                province_code=options["province_code"], district_code=options["district_code"],
                subdistrict_code=options["subdistrict_code"], lat=options["lat"], lon=options["lon"],
                is_test=options["test"],
            )
        except MunicipalityError as error:
            raise CommandError(error.bilingual()) from error
        municipality = onboarded.municipality
        if not options["kind"] and Municipality.kind_from_thai_name(options["name_th"]) is None:
            self.stderr.write(self.style.WARNING(
                f"ระบุประเภทจากชื่อไม่ได้ จึงตั้งเป็น {municipality.get_kind_display()} / the kind could not "
                "be read from the Thai name; set it with --kind if this is wrong"
            ))
        self.stdout.write(self.style.SUCCESS(
            f"created {municipality.schema_name}: {municipality.name_th} "
            f"({municipality.get_kind_display()}) at http://{domain}/"
        ))
        if onboarded.link is not None:
            link = onboarded.link
            with translation.override("th"):
                until_th = thai_datetime(link.expires_at)
            with translation.override("en"):
                until_en = thai_datetime(link.expires_at)
            self.stdout.write(
                f"ผู้ดูแลระบบ {link.username}: ตั้งรหัสผ่านที่ลิงก์นี้ (ใช้ได้ครั้งเดียว ถึง {until_th}) / "
                f"administrator {link.username}: set the password at this link (once, until {until_en}):"
            )
            self.stdout.write(link.url)
            if link.mailed:
                self.stdout.write(
                    f"ส่งลิงก์ทางอีเมลถึง {link.email} แล้ว / the link was also mailed to {link.email}")
