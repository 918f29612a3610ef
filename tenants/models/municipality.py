import re

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name

from kernel.geo import location_error, location_problem

SCHEMA_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,61}$")
# Rough bounding box of Thailand (WGS 84), generous by a few km for border towns and islands.
# Official Thai names start with the kind of administration (เทศบาลเมืองกันตัง).
THAI_KIND_PREFIXES = (
    ("เทศบาลนคร", "city"),
    ("เทศบาลเมือง", "town"),
    ("เทศบาลตำบล", "subdistrict"),
    ("องค์การบริหารส่วนตำบล", "sao"),
    ("อบต.", "sao"),
    ("องค์การบริหารส่วนจังหวัด", "pao"),
    ("อบจ.", "pao"),
)


class Municipality(TenantMixin):
    """A local administration (เทศบาล / อบต.): one PostgreSQL schema holds all of its data.

    The row with the `public` schema stands for the platform itself (the console host).
    """

    class Kind(models.TextChoices):
        CITY = "city", _("City municipality (Thesaban Nakhon)")
        TOWN = "town", _("Town municipality (Thesaban Mueang)")
        SUBDISTRICT = "subdistrict", _("Subdistrict municipality (Thesaban Tambon)")
        SAO = "sao", _("Subdistrict administrative organisation (SAO)")
        PAO = "pao", _("Provincial administrative organisation (PAO)")
        SPECIAL = "special", _("Special local administration")
        PLATFORM = "platform", _("Platform (central)")

    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    province_code = models.CharField(
        _("province code"), max_length=2, blank=True,
        validators=[RegexValidator(r"^\d{2}$", _("A province code has 2 digits."))],
    )
    district_code = models.CharField(
        _("district code"), max_length=4, blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("A district code has 4 digits."))],
    )
    subdistrict_code = models.CharField(
        _("subdistrict code"), max_length=6, blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("A subdistrict code has 6 digits."))],
    )
    centre = models.PointField(_("centre"), srid=4326, null=True, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False  # dropping a municipality's data is never a side effect

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_th"]

    def __str__(self):
        return self.name_th

    @property
    def is_platform(self) -> bool:
        return self.schema_name == get_public_schema_name()

    @staticmethod
    def kind_from_thai_name(name_th: str) -> str | None:
        """The kind a Thai official name announces (เทศบาลเมือง… → town), or None."""
        for prefix, kind in THAI_KIND_PREFIXES:
            if name_th.strip().startswith(prefix):
                return kind
        return None

    @property
    def monogram(self) -> str:
        """One letter for the logo slot: the first consonant of the place name, so
        เทศบาลเมืองกันตัง gives ก and เทศบาลตำบลเหนือคลอง gives ห."""
        name = self.name_th.strip()
        for prefix, _kind in THAI_KIND_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix):].strip()
                break
        # Thai leading vowels (เ แ โ ใ ไ) are written before the consonant they follow.
        letters = [c for c in name if c.isalpha() and c not in "เแโใไ"]
        return letters[0] if letters else (self.name_en[:1] or "?")

    @property
    def primary_domain(self):
        return self.domains.filter(is_primary=True).first()

    def clean(self):
        super().clean()
        errors = {}
        if not self.is_platform and not SCHEMA_NAME_RE.match(self.schema_name or ""):
            errors["schema_name"] = _(
                "A schema name is 2–62 lowercase Latin letters, digits or underscores, "
                "starting with a letter (e.g. kantang)."
            )
        if self.district_code and self.province_code and not self.district_code.startswith(
            self.province_code
        ):
            errors["district_code"] = _("The district code must start with the province code.")
        if self.subdistrict_code and self.district_code and not self.subdistrict_code.startswith(
            self.district_code
        ):
            errors["subdistrict_code"] = _(
                "The subdistrict code must start with the district code."
            )
        if self.centre is not None:
            if problem := location_problem(self.centre.y, self.centre.x):
                errors["centre"] = location_error(problem)
        if errors:
            raise ValidationError(errors)


class Domain(DomainMixin):
    """A host name that routes to a municipality (e.g. kantang.localhost)."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self):
        return self.domain


class Province(models.Model):
    """จังหวัด, from the Department of Provincial Administration (DOPA) gazetteer.

    The gazetteer tables are small, shared by every municipality and live in `public` only
    (reference tables when sharded, SCALE.md rule 1). Load them with `load_thai_admin`.
    """

    code = models.CharField(_("province code"), max_length=2, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self):
        return self.name_th


class District(models.Model):
    """อำเภอ / เขต; the first two digits of its code are the province's."""

    code = models.CharField(_("district code"), max_length=4, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self):
        return self.name_th


class Subdistrict(models.Model):
    """ตำบล / แขวง; the first four digits of its code are the district's."""

    code = models.CharField(_("subdistrict code"), max_length=6, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="subdistricts")
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    zip_code = models.CharField(_("postcode"), max_length=5, blank=True)
    centre = models.PointField(_("centre"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["code"]

    def __str__(self):
        return self.name_th
