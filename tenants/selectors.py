from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_tenants.utils import get_public_schema_name

from .models import Municipality, Subdistrict


def municipality_place(municipality: Municipality) -> Subdistrict | None:
    """The municipality's subdistrict with its district and province, when the gazetteer has it."""
    if not municipality.subdistrict_code:
        return None
    return (
        Subdistrict.objects.select_related("district__province")
        .filter(code=municipality.subdistrict_code)
        .first()
    )


def console_municipalities() -> QuerySet[Municipality]:
    """The municipalities the console lists and edits: never the platform's own row (schema
    `public`, or anything of the platform kind), whose look and components are not a
    municipality's. Suspended ones are included: the console is where they are restored."""
    return Municipality.objects.exclude(schema_name=get_public_schema_name()).exclude(
        kind=Municipality.Kind.PLATFORM
    )


def console_municipality_get(*, schema_name: str) -> Municipality:
    """The municipality a console page is about, by the schema in its URL; 404 for the platform
    itself or an unknown schema."""
    return get_object_or_404(
        console_municipalities().select_related("stats").prefetch_related("domains"),
        schema_name=schema_name,
    )
