"""Provisioning N municipalities named and coded from the DOPA gazetteer.

Bulk onboarding (tenants.services.bulk_onboarding, what the console's and the shell's bulk
onboarding run) gives one SAO per subdistrict outside Bangkok: ~7,270 of them. Thailand has ~7,850
local governments: the rest are made as a province's PAO (องค์การบริหารส่วนจังหวัด) and a district
seat's town municipality (เทศบาลเมือง), as the country has them.
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command

from bench.harness import Report, fmt_time, median
from tenants.models import District, Municipality, Province
from tenants.services.bulk_onboarding import municipalities_onboard_from_gazetteer
from tenants.services.console_audit import Actor
from tenants.services.municipalities import municipality_create
from tenants.services.naming import domain_for_schema, schema_name_suggest

# Where `make run` reads it from (Makefile: THAI_ADMIN), unless BENCH_THAI_ADMIN says otherwise.
THAI_ADMIN = Path(os.environ.get("BENCH_THAI_ADMIN")
                  or Path(__file__).resolve().parents[3] / "shared" / "data" / "thai-admin")
ACTOR = Actor(username="bench", name="bench")


def gazetteer_load(report: Report) -> None:
    report.progress(f"loading the DOPA gazetteer from {THAI_ADMIN}")
    call_command("load_thai_admin", str(THAI_ADMIN), verbosity=0)


def municipalities_count() -> int:
    return Municipality.objects.local_governments().count()


def _extra_local_governments() -> Iterator[dict]:
    """PAOs, then district seats' town municipalities: what bulk onboarding does not make."""
    for province in Province.objects.exclude(code="10").order_by("code"):
        yield {"name_th": f"องค์การบริหารส่วนจังหวัด{province.name_th}",
               "name_en": f"{province.name_en} Provincial Administrative Organization",
               "kind": Municipality.Kind.PAO, "province_code": province.code}
    for district in District.objects.exclude(province__code="10").order_by("code"):
        name = district.name_th.removeprefix("อำเภอ")
        yield {"name_th": f"เทศบาลเมือง{name}", "name_en": f"{district.name_en} Town Municipality",
               "kind": Municipality.Kind.TOWN, "district_code": district.code}


def fill_to(report: Report, n: int) -> list[float]:
    """Create municipalities until there are `n`; the seconds each creation took."""
    times: list[float] = []
    missing = n - municipalities_count()
    if missing <= 0:
        return times
    report.progress(f"bulk onboarding from the gazetteer: {missing} municipalities")
    last = [time.perf_counter()]

    def progress(done, total, candidate, municipality, error):
        now = time.perf_counter()
        times.append(now - last[0])
        last[0] = now
        if error:
            raise RuntimeError(f"bulk onboarding of {candidate.subdistrict_code} failed: {error}")
        if done % 250 == 0 or done == total:
            report.progress(f"  {done}/{total} created, median {fmt_time(median(times[-250:]))} each lately")

    municipalities_onboard_from_gazetteer(province_code=None, limit=missing, actor=ACTOR, progress=progress)
    extras = _extra_local_governments()
    while (missing := n - municipalities_count()) > 0:
        fields = next(extras)
        schema = schema_name_suggest(name_en=fields["name_en"])
        started = time.perf_counter()
        municipality_create(schema_name=schema, domain=domain_for_schema(schema), **fields)
        times.append(time.perf_counter() - started)
        if missing % 100 == 1:
            report.progress(f"  {n - missing + 1}/{n} (PAOs and town municipalities)")
    return times


def one_more(i: int) -> Municipality:
    """A municipality beyond the gazetteer's: what 'create one more at size N' times."""
    schema = f"bench_extra_{i}"
    return municipality_create(schema_name=schema, domain=domain_for_schema(schema),
                               name_th=f"เทศบาลตำบลทดลอง {i}", name_en=f"Extra {i}", province_code="92",
                               lat=7.5, lon=99.6)
