"""Demo data for the two pilot municipalities (CONTRACT §2–§4).

Modules add their synthetic data with `register_seeder()` in their AppConfig.ready(); each
seeder runs inside the municipality's schema.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django_tenants.utils import schema_context, tenant_context

from accounts.models import User
from accounts.roles import Role, roles_sync
from accounts.services import user_set_role

from .models import Domain, Municipality
from .routing import tenant_cache_clear
from .services.municipalities import municipality_create, platform_tenant_ensure
from .stats import stats_refresh


@dataclass(frozen=True)
class Pilot:
    schema_name: str
    name_th: str
    name_en: str
    kind: str
    province_code: str
    district_code: str
    subdistrict_code: str
    lat: float
    lon: float

    @property
    def domain(self) -> str:
        return f"{self.schema_name}.{settings.PLATFORM_DOMAIN}"


PILOTS = (
    Pilot("kantang", "เทศบาลเมืองกันตัง", "Kantang Town Municipality", Municipality.Kind.TOWN,
          "92", "9202", "920201", 7.41, 99.519),
    Pilot("nueaklong", "เทศบาลตำบลเหนือคลอง", "Nuea Khlong Subdistrict Municipality",
          Municipality.Kind.SUBDISTRICT, "81", "8108", "810801", 8.086, 98.99),
)

# username, role, first name, last name, position
DEMO_ACCOUNTS = (
    ("admin", Role.ADMIN, "วิไลวรรณ", "ศรีสุข", "นักวิชาการคอมพิวเตอร์"),
    ("executive", Role.EXECUTIVE, "ประยูร", "ทองคำ", "นายกเทศมนตรี"),
    ("engineer", Role.ENGINEER, "ธนากร", "แก้วมณี", "วิศวกรโยธา กองช่าง"),
    ("nurse", Role.NURSE, "สุนิสา", "รักษ์ดี", "พยาบาลวิชาชีพ กองสาธารณสุขฯ"),
    ("volunteer", Role.VOLUNTEER, "มาลี", "บุญมา", "อาสาสมัครสาธารณสุขประจำหมู่บ้าน (อสม.)"),
    # Long-term care (issue 23): ltc's demo seed gives the caregiver her CG row and her people.
    ("caregiver", Role.CAREGIVER, "บุญเรือน", "ใจดี", "ผู้ช่วยเหลือดูแลผู้ที่มีภาวะพึ่งพิง (CG)"),
    ("ltc_fund", Role.LTC_FUND_OFFICER, "อรุณี", "มั่นคง", "เจ้าหน้าที่กองทุน LTC"),
)
PLATFORM_ACCOUNT = ("platform", Role.PLATFORM, "ทีมแพลตฟอร์ม", "ARV", "Platform team")

Seeder = Callable[..., None]
_seeders: list[tuple[str, Seeder]] = []


def register_seeder(name: str, seeder: Seeder) -> None:
    """`seeder(municipality=…, size="small"|"large", log=callable)` runs in the pilot's schema."""
    _seeders.append((name, seeder))


def _account_ensure(username, role, first_name, last_name, position, *, password: str) -> User:
    user, _created = User.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.position = first_name, last_name, position
    user.email = f"{username}@example.invalid"
    user.is_active = True
    user.set_password(password)
    user.save()
    user_set_role(user=user, role=role)
    return user


def _pilot_ensure(pilot: Pilot) -> Municipality:
    municipality = Municipality.objects.filter(schema_name=pilot.schema_name).first()
    if municipality is None:
        return municipality_create(
            schema_name=pilot.schema_name, domain=pilot.domain, name_th=pilot.name_th,
            name_en=pilot.name_en, kind=pilot.kind, province_code=pilot.province_code,
            district_code=pilot.district_code, subdistrict_code=pilot.subdistrict_code,
            lat=pilot.lat, lon=pilot.lon,
        )
    municipality.name_th, municipality.name_en = pilot.name_th, pilot.name_en
    municipality.kind = pilot.kind
    municipality.province_code = pilot.province_code
    municipality.district_code = pilot.district_code
    municipality.subdistrict_code = pilot.subdistrict_code
    municipality.centre = Point(pilot.lon, pilot.lat, srid=4326)
    municipality.is_active = True
    municipality.save()
    Domain.objects.get_or_create(
        domain=pilot.domain, defaults={"tenant": municipality, "is_primary": True}
    )
    return municipality


def demo_seed(
    *, size: str = "small", password: str, log: Callable[[str], None] = print
) -> list[Municipality]:
    """Create or refresh the platform tenant, the two pilots and every demo account."""
    with transaction.atomic():
        platform_tenant_ensure()
        with schema_context("public"):
            roles_sync()
            _account_ensure(*PLATFORM_ACCOUNT, password=password)
        pilots = [_pilot_ensure(pilot) for pilot in PILOTS]
        for municipality in pilots:
            with tenant_context(municipality):
                roles_sync()
                for account in DEMO_ACCOUNTS:
                    _account_ensure(*account, password=password)
    tenant_cache_clear()
    for municipality in pilots:
        with tenant_context(municipality):
            for name, seeder in _seeders:
                log(f"{municipality.schema_name}: {name}")
                seeder(municipality=municipality, size=size, log=log)
        # The console shows the new figures at once instead of after the hourly refresh.
        stats_refresh(municipality=municipality)
    return pilots
