import re

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name

from kernel.geo import location_error, location_problem
from kernel.stored_text import message_read

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


class MunicipalityQuerySet(models.QuerySet):
    def local_governments(self) -> "MunicipalityQuerySet":
        """Every municipality, never the platform's own row (schema `public`, kind platform)."""
        return self.exclude(schema_name=get_public_schema_name()).exclude(kind=Municipality.Kind.PLATFORM)

    def live(self) -> "MunicipalityQuerySet":
        """Not archived (suspended ones included: they come back as they were)."""
        return self.filter(archived_at__isnull=True)

    def counted_nationally(self) -> "MunicipalityQuerySet":
        """What national figures, the national table and the national map count: neither archived
        nor a test municipality. The one definition national/ and the API ask."""
        return self.local_governments().live().filter(is_test=False)

    def matching(self, text: str) -> "MunicipalityQuerySet":
        """Search as the console and the national table offer it: Thai or English name, schema,
        or a DOPA code (a code matches its own and every code below it)."""
        text = text.strip()
        if not text:
            return self
        found = Q(name_th__icontains=text) | Q(name_en__icontains=text) | Q(schema_name__icontains=text)
        if text.isdigit():
            found |= (Q(subdistrict_code__startswith=text) | Q(district_code__startswith=text)
                      | Q(province_code=text))
        return self.filter(found)


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
    is_test = models.BooleanField(
        _("test municipality"), default=False,
        help_text=_("For trying things out: left out of national figures and the national map."),
    )
    # Archived: the host answers 410 Gone, the data stays, the console hides it by default and no
    # national figure counts it; restoring clears the date.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MunicipalityQuerySet.as_manager()

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

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

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


class ConsoleAuditEntry(models.Model):
    """One thing the platform team did to a municipality from the console (or the shell): who,
    when, what. The schema name is kept, so an entry outlives a deleted municipality."""

    class Action(models.TextChoices):
        CREATE = "create", pgettext_lazy("console audit", "created")
        EDIT = "edit", pgettext_lazy("console audit", "edited")
        SUSPEND = "suspend", pgettext_lazy("console audit", "suspended")
        ACTIVATE = "activate", pgettext_lazy("console audit", "activated again")
        ARCHIVE = "archive", pgettext_lazy("console audit", "archived")
        UNARCHIVE = "unarchive", pgettext_lazy("console audit", "brought back from the archive")
        DELETE = "delete", pgettext_lazy("console audit", "deleted")
        ADMIN_LINK = "admin_link", pgettext_lazy("console audit", "password link issued")
        BULK_ONBOARDING = "bulk_onboarding", pgettext_lazy("console audit", "bulk onboarding")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries",
        verbose_name=_("municipality"),
    )
    schema_name = models.CharField(pgettext_lazy("console audit", "schema"), max_length=63, blank=True)
    action = models.CharField(pgettext_lazy("console audit", "action"), max_length=20, choices=Action.choices)
    actor_username = models.CharField(pgettext_lazy("console audit", "by (username)"), max_length=150)
    actor_name = models.CharField(pgettext_lazy("console audit", "by"), max_length=200, blank=True)
    at = models.DateTimeField(pgettext_lazy("console audit", "when"), auto_now_add=True, db_index=True)
    # What changed (field: [before, after]) and similar facts; never a password or a link.
    details = models.JSONField(pgettext_lazy("console audit", "details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("console audit entry")
        verbose_name_plural = _("console audit entries")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.schema_name}"


class OnboardingRun(models.Model):
    """A bulk onboarding of a province's missing local governments from the gazetteer, run by a
    Celery worker; the console page polls this row for its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("bulk onboarding", "waiting")
        RUNNING = "running", pgettext_lazy("bulk onboarding", "running")
        DONE = "done", pgettext_lazy("bulk onboarding", "done")
        FAILED = "failed", pgettext_lazy("bulk onboarding", "failed")

    province_code = models.CharField(_("province code"), max_length=2)
    limit = models.PositiveIntegerField(pgettext_lazy("bulk onboarding", "at most"), null=True, blank=True)
    status = models.CharField(pgettext_lazy("bulk onboarding", "status"), max_length=10,
                              choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(pgettext_lazy("bulk onboarding", "to create"), default=0)
    created = models.PositiveIntegerField(pgettext_lazy("bulk onboarding", "created"), default=0)
    failed = models.PositiveIntegerField(pgettext_lazy("bulk onboarding", "failed"), default=0)
    # [{"code": subdistrict code, "message": why}], the last 50
    errors = models.JSONField(pgettext_lazy("bulk onboarding", "errors"), default=list, blank=True)
    message = models.TextField(pgettext_lazy("bulk onboarding", "message"), blank=True)
    # The same message as its msgid and values (kernel.stored_text), read in the reader's
    # language; `message` keeps it as "ไทย / English". Each entry of `errors` may carry its own
    # as "text".
    message_data = models.JSONField(pgettext_lazy("bulk onboarding", "message (stored)"), default=dict,
                                    blank=True)
    actor_username = models.CharField(pgettext_lazy("bulk onboarding", "by (username)"), max_length=150)
    actor_name = models.CharField(pgettext_lazy("bulk onboarding", "by"), max_length=200, blank=True)
    queued_at = models.DateTimeField(pgettext_lazy("bulk onboarding", "queued at"), auto_now_add=True)
    started_at = models.DateTimeField(pgettext_lazy("bulk onboarding", "started at"), null=True, blank=True)
    finished_at = models.DateTimeField(pgettext_lazy("bulk onboarding", "finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk onboarding")
        verbose_name_plural = _("bulk onboardings")
        ordering = ["-queued_at", "-id"]

    def __str__(self):
        return f"{self.province_code} {self.status} {self.created}/{self.total}"

    @property
    def is_waiting(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def message_text(self) -> str:
        """Why the run failed, in the reader's language (an older run: its half of "ไทย / English")."""
        return message_read(self.message_data, self.message)

    @property
    def error_texts(self) -> list[dict]:
        """The failed subdistricts, each with why in the reader's language."""
        return [{"code": error.get("code", ""),
                 "text": message_read(error.get("text"), error.get("message", ""))} for error in self.errors]

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * (self.created + self.failed) / self.total))


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
