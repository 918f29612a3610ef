from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ConsoleAuditEntry, District, Municipality, OnboardingRun, Province, Subdistrict
from .models.municipality import MunicipalityQuerySet


def municipality_place(municipality: Municipality) -> Subdistrict | None:
    """The municipality's subdistrict with its district and province, when the gazetteer has it."""
    if not municipality.subdistrict_code:
        return None
    return (
        Subdistrict.objects.select_related("district__province")
        .filter(code=municipality.subdistrict_code)
        .first()
    )


def console_municipalities() -> MunicipalityQuerySet:
    """The municipalities the console lists and edits: never the platform's own row (schema
    `public`, or anything of the platform kind), whose look and components are not a
    municipality's. Suspended ones are included: the console is where they are restored."""
    return Municipality.objects.local_governments()


def console_municipality_get(*, schema_name: str) -> Municipality:
    """The municipality a console page is about, by the schema in its URL; 404 for the platform
    itself or an unknown schema."""
    return get_object_or_404(
        console_municipalities().select_related("stats").prefetch_related("domains"),
        schema_name=schema_name,
    )


def console_municipality_list(
    *, search: str = "", province_code: str = "", include_archived: bool = False
) -> MunicipalityQuerySet:
    """The console's list: archived municipalities only when asked for."""
    municipalities = console_municipalities()
    if not include_archived:
        municipalities = municipalities.live()
    if province_code:
        municipalities = municipalities.filter(province_code=province_code)
    return municipalities.matching(search)


def province_choices(codes: "QuerySet | list[str] | None" = None) -> list[tuple[str, str]]:
    """(code, "NN name") of the provinces named by `codes` (every province when None), named from
    the gazetteer when it is loaded."""
    names = dict(Province.objects.values_list("code", "name_th"))
    if codes is None:
        wanted = sorted(names)
    else:
        wanted = sorted({code for code in codes if code})
    return [(code, f"{code} {names[code]}" if code in names else code) for code in wanted]


def gazetteer_districts(*, province_code: str) -> list[dict[str, Any]]:
    return [dict(row) for row in District.objects.filter(province__code=province_code).order_by("code")
            .values("code", "name_th", "name_en")]


def gazetteer_subdistricts(*, district_code: str) -> list[dict[str, Any]]:
    rows = Subdistrict.objects.filter(district__code=district_code).order_by("code")
    return [{"code": s.code, "name_th": s.name_th, "name_en": s.name_en,
             "lat": s.centre.y if s.centre else None, "lon": s.centre.x if s.centre else None}
            for s in rows.only("code", "name_th", "name_en", "centre")]


def console_audit_of(municipality: Municipality, *, limit: int = 20) -> QuerySet[ConsoleAuditEntry]:
    return ConsoleAuditEntry.objects.filter(municipality=municipality)[:limit]


def onboarding_runs_recent(*, limit: int = 5) -> QuerySet[OnboardingRun]:
    return OnboardingRun.objects.all()[:limit]
