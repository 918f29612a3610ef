"""The platform team's workflows on municipalities: creating one ready to use, the platform's own
row, suspending and restoring a host."""

import logging
import re

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.models import TenantMixin
from django_tenants.signals import post_schema_sync
from django_tenants.utils import get_public_schema_name, schema_exists

from kernel.geo import location_problem
from kernel.i18n import bilingual

from ..models import ConsoleAuditEntry, District, Domain, Municipality, Province, Subdistrict
from ..routing import tenant_cache_clear
from .console_audit import Actor, console_audit_record
from .gazetteer import gazetteer_loaded

logger = logging.getLogger(__name__)

_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOSTNAME_RE = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


class MunicipalityError(Exception):
    """A municipality cannot be created or changed as asked. `str()` is in the active language;
    `bilingual()` gives Thai and English for command-line output."""

    def __init__(self, message, params: dict | None = None, *, field: str | None = None):
        self.message, self.params, self.field = message, params or {}, field
        super().__init__(self._render())

    @classmethod
    def from_validation(cls, error: ValidationError) -> "MunicipalityError":
        first_field = next(iter(getattr(error, "error_dict", {}) or {}), None)
        return cls(_ValidationText(error), field=first_field)

    def _render(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)

    def __str__(self):
        return self._render()

    def bilingual(self) -> str:
        return bilingual(self.message, self.params)

    def as_validation_error(self) -> ValidationError:
        """The same message for a form (kernel.forms.form_add_service_errors), next to the field
        it names when there is one, in the language active now."""
        message = str(self)
        return ValidationError({self.field: [message]}) if self.field else ValidationError(message)


class _ValidationText:
    """A model ValidationError as one line, rendered in whichever language is active when read."""

    def __init__(self, error: ValidationError):
        self.error = error

    def __str__(self):
        if not hasattr(self.error, "error_dict"):
            return " ".join(self.error.messages)
        parts = []
        for field, errors in self.error.error_dict.items():
            label = Municipality._meta.get_field(field).verbose_name if field != "__all__" else ""
            text = " ".join(str(m) for e in errors for m in e.messages)
            parts.append(f"{label}: {text}" if label else text)
        return "; ".join(parts)


def platform_tenant_ensure() -> Municipality:
    """The `public` row that django-tenants needs for the console host (PLATFORM_DOMAIN)."""
    tenant, _created = Municipality.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={
            "name_th": "แพลตฟอร์มข้อมูลเมือง",
            "name_en": "City Data Platform",
            "kind": Municipality.Kind.PLATFORM,
        },
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": tenant, "is_primary": True}
    )
    tenant_cache_clear()
    return tenant


def _gazetteer_check(*, province_code: str, district_code: str, subdistrict_code: str):
    """Refuse codes the DOPA gazetteer does not know, when it is loaded; return the subdistrict."""
    if not gazetteer_loaded():
        return None
    # Most specific first: a mistyped subdistrict code is reported as such, not as the wrong
    # province its first two digits happen to spell.
    checks = (
        (Subdistrict, subdistrict_code, "subdistrict_code",
         _("There is no subdistrict with the code “%(code)s”.")),
        (District, district_code, "district_code", _("There is no district with the code “%(code)s”.")),
        (Province, province_code, "province_code", _("There is no province with the code “%(code)s”.")),
    )
    found = {}
    for model, code, field, message in checks:
        if code:
            found[model] = model.objects.filter(code=code).first()
            if found[model] is None:
                raise MunicipalityError(message, {"code": code}, field=field)
    return found.get(Subdistrict)


def codes_completed(*, province_code: str, district_code: str, subdistrict_code: str) -> tuple[str, str, str]:
    """(province, district, subdistrict) with the missing leading codes read off the longer ones
    (920201 → 9202 → 92)."""
    province_code, district_code, subdistrict_code = (
        (code or "").strip() for code in (province_code, district_code, subdistrict_code)
    )
    district_code = district_code or subdistrict_code[:4]
    province_code = province_code or district_code[:2]
    return province_code, district_code, subdistrict_code


def centre_for(*, lat: float | None, lon: float | None, subdistrict: Subdistrict | None,
               boundary: MultiPolygon | None) -> Point | None:
    """The centre given; else the subdistrict's, when it lies in the boundary (or there is none);
    else a point inside the boundary. A given centre outside the boundary is refused."""
    if lat is not None and lon is not None:
        centre = Point(lon, lat, srid=4326)
        # A centre outside Thailand is the model's to explain (swapped?), not the boundary's.
        if boundary is not None and location_problem(lat, lon) is None and not boundary.intersects(centre):
            raise MunicipalityError(_("The centre is outside the municipality's boundary."), field="centre")
        return centre
    if subdistrict is not None and subdistrict.centre is not None:
        if boundary is None or boundary.intersects(subdistrict.centre):
            return Point(subdistrict.centre.x, subdistrict.centre.y, srid=4326)
    if boundary is not None:
        inside = boundary.point_on_surface
        return Point(inside.x, inside.y, srid=4326)
    return None


@transaction.atomic
def municipality_create(
    *,
    schema_name: str,
    domain: str,
    name_th: str,
    name_en: str = "",
    kind: str | None = None,
    province_code: str = "",
    district_code: str = "",
    subdistrict_code: str = "",
    lat: float | None = None,
    lon: float | None = None,
    boundary: MultiPolygon | None = None,
    is_test: bool = False,
) -> Municipality:
    """Create a municipality ready to use: its schema made (restored from the release's template,
    else migrated), its host routed, its roles made.

    A subdistrict code carries its district and province codes in its leading digits: the codes
    left out are taken from it (the console, the shell and bulk onboarding agree). The centre left
    out is the subdistrict's (or a point inside the boundary). All or nothing: a failure leaves no
    schema, row or domain behind.
    """
    province_code, district_code, subdistrict_code = codes_completed(
        province_code=province_code, district_code=district_code, subdistrict_code=subdistrict_code
    )
    schema_name = schema_name.strip().lower()
    domain = domain.strip().lower()
    if schema_name == get_public_schema_name() or schema_name.startswith("pg_"):
        raise MunicipalityError(
            _("The schema name “%(schema)s” is reserved."), {"schema": schema_name}, field="schema_name"
        )
    if Municipality.objects.filter(schema_name=schema_name).exists() or schema_exists(schema_name):
        raise MunicipalityError(
            _("A municipality with the schema “%(schema)s” already exists."),
            {"schema": schema_name}, field="schema_name",
        )
    if not HOSTNAME_RE.match(domain):
        raise MunicipalityError(
            _("“%(domain)s” is not a valid host name (e.g. kantang.example.go.th)."),
            {"domain": domain}, field="domain",
        )
    if Domain.objects.filter(domain=domain).exists():
        raise MunicipalityError(
            _("The domain “%(domain)s” is already in use."), {"domain": domain}, field="domain"
        )
    if (lat is None) != (lon is None):
        raise MunicipalityError(_("Give both latitude and longitude, or neither."), field="centre")
    subdistrict = _gazetteer_check(
        province_code=province_code, district_code=district_code, subdistrict_code=subdistrict_code
    )
    centre = centre_for(lat=lat, lon=lon, subdistrict=subdistrict, boundary=boundary)

    municipality = Municipality(
        schema_name=schema_name,
        name_th=name_th.strip(),
        name_en=name_en.strip(),
        kind=kind or Municipality.kind_from_thai_name(name_th) or Municipality.Kind.SUBDISTRICT,
        province_code=province_code,
        district_code=district_code,
        subdistrict_code=subdistrict_code,
        centre=centre, boundary=boundary, is_test=is_test,
    )
    try:
        municipality.full_clean()
    except ValidationError as error:
        raise MunicipalityError.from_validation(error) from error
    _schema_create(municipality)
    Domain.objects.create(domain=domain, tenant=municipality, is_primary=True)
    transaction.on_commit(tenant_cache_clear)
    return municipality


def _schema_create(municipality: Municipality) -> None:
    """Save a new municipality with its schema: restored from the release's template when there
    is one (~0.15 s, provisioning.py), else migrated by django-tenants (~1.3 s). Either way the
    schema holds the same tables, migration records, content types, permissions and roles."""
    # Imported here: provisioning needs pg.py, which needs this module's MunicipalityError.
    from .provisioning import schema_restore_from_template

    if schema_restore_from_template(schema_name=municipality.schema_name):
        municipality.auto_create_schema = False
        municipality.save()
        del municipality.auto_create_schema  # the class's again, for later saves
        # What django-tenants announces after it created and migrated a schema.
        post_schema_sync.send(sender=TenantMixin, tenant=municipality.serializable_fields())
    else:
        municipality.save(verbosity=0)  # creates and migrates the schema; roles sync on migrate


@transaction.atomic
def municipality_set_active(*, municipality: Municipality, is_active: bool, actor: Actor) -> Municipality:
    """Suspend or restore a municipality's host. Nothing is deleted: a suspended host answers with
    a "suspended" page, its figures are no longer refreshed, and restoring it brings all back."""
    if municipality.is_platform:
        raise MunicipalityError(_("The platform itself cannot be deactivated."))
    if municipality.is_active == is_active:
        return municipality
    municipality.is_active = is_active
    municipality.save(update_fields=["is_active"])
    console_audit_record(
        municipality=municipality, actor=actor,
        action=ConsoleAuditEntry.Action.ACTIVATE if is_active else ConsoleAuditEntry.Action.SUSPEND,
    )
    logger.info(
        "municipality %s %s by %s", municipality.schema_name,
        "activated" if is_active else "deactivated", actor,
    )
    # This process routes the change at once; the others within TENANT_CACHE_SECONDS.
    transaction.on_commit(tenant_cache_clear)
    return municipality
