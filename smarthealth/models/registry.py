"""Who lives where: households, persons and the coded list of chronic conditions."""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.gis.db import models as gis
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from kernel.i18n import in_active_language
from kernel.national_id import mask_national_id, normalise_national_id

from .. import crypto
from ..rules import NEED_BY_LEVEL, Disability, Need
from ..rules import age_on as _age_on


class ChronicCondition(models.Model):
    """A coded chronic condition (DM, HT, …); seeded by migration 0002, extensible per tenant."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_th = models.CharField(_("Thai name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("chronic condition")
        verbose_name_plural = _("chronic conditions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name_th}"

    @property
    def name(self) -> str:
        """The name in the reader's language: what every page shows (เบาหวาน, not DM)."""
        return (self.name_en or self.name_th) if (get_language() or "th").startswith("en") else self.name_th


class Household(models.Model):
    # The DOPA house ID (รหัสบ้าน, 11 digits) when known. A house the health centre registered
    # without it (the 43-file HOME row's HOUSE_ID is often empty) is known by (hospcode, hid).
    house_id = models.CharField(
        _("house ID"), max_length=11, unique=True, null=True, blank=True,
        validators=[RegexValidator(r"^\d{11}$", _("A house ID has exactly 11 digits."))],
    )
    # HOME.HOUSE is up to 75 characters in the 43-file standard.
    house_no = models.CharField(_("house number"), max_length=75)
    moo = models.PositiveSmallIntegerField(_("moo (village no.)"), null=True, blank=True)
    # The register's community (communities.Community), from the location when a boundary covers
    # it, else chosen, else from the moo (43-file import); `community` keeps its name for the SQL
    # figures, filters and exports. Nullable until merge_communities has run. A person belongs to
    # their household's community.
    community_ref = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, null=True, blank=True,
        related_name="households", verbose_name=_("community"),
    )
    community = models.CharField(_("community"), max_length=120, blank=True, db_index=True)
    road = models.CharField(_("road"), max_length=120, blank=True)
    subdistrict_code = models.CharField(_("subdistrict code"), max_length=6, blank=True)
    location = gis.PointField(_("location"), srid=4326, null=True, blank=True)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("health volunteer"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="assigned_households",
        limit_choices_to={"groups__name": Role.VOLUNTEER.value},
    )
    # The health centre's own key of the house (43-file HOME: HOSPCODE + HID), and what its row
    # says: the อสม. and the householder as the centre's person IDs (PID), the row's D_UPDATE.
    hospcode = models.CharField(_("health centre code (HOSPCODE)"), max_length=5, null=True, blank=True)
    hid = models.CharField(_("health centre house ID (HID)"), max_length=14, null=True, blank=True)
    # Kept when no volunteer user matches yet; every later import tries again.
    # db_default: rows written by SQL that does not know these columns (the demo seed, the Excel
    # dataset, the benchmarks) get "" too.
    volunteer_pid = models.CharField(_("health volunteer (PID at the health centre)"), max_length=15,
                                     blank=True, default="", db_default="")
    head_pid = models.CharField(_("householder (PID at the health centre)"), max_length=15, blank=True,
                                default="", db_default="")
    source_updated = models.DateTimeField(_("last changed at the source (D_UPDATE)"), null=True,
                                          blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["house_id"]
        constraints = [models.UniqueConstraint(fields=["hospcode", "hid"], name="sh_household_hid_unique")]

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:
        """The house ID, or the health centre's HID when the house has no DOPA house ID."""
        if self.house_id:
            return self.house_id
        if self.hid:
            return str(_("HID %(hid)s (health centre %(hospcode)s)") % {"hid": self.hid,
                                                                        "hospcode": self.hospcode or "—"})
        return f"#{self.pk}" if self.pk else str(_("no house ID"))

    @property
    def need(self) -> Need:
        """The code of `need_level`, which selectors.household_need_levels annotates (computed in
        Python: a SQL CASE over the level would run the members' subquery once per branch)."""
        return NEED_BY_LEVEL.get(getattr(self, "need_level", None), Need.NONE)


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male (ชาย)")
        FEMALE = "F", _("Female (หญิง)")

    class Status(models.TextChoices):
        LIVING = "living", _("Living here (อาศัยอยู่)")
        # Registered here but living elsewhere (43-file TYPEAREA 2 and 4, DISCHARGE 3 missing):
        # kept with their history, counted in no figure, list or map.
        AWAY = "away", _("Not living in the area (ไม่ได้อาศัยในเขต)")
        MOVED = "moved", _("Moved out (ย้ายออก)")
        DECEASED = "deceased", _("Deceased (เสียชีวิต)")

    # The only identifier that ever appears in a URL, an API answer or an audit row.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The national ID is never stored in plain text (see crypto.py). NULL for a person without
    # one (migrant workers, stateless people): then the health centre's (hospcode, pid) and the
    # passport number identify them.
    # Unique through Meta.constraints, not unique=True: that would add a second, varchar_pattern_ops
    # index nobody queries (a hash is never searched by prefix), paid on every insert.
    cid_hash = models.CharField(max_length=64, editable=False, null=True, blank=True)
    cid_encrypted = models.TextField(editable=False, blank=True)
    cid_last3 = models.CharField(max_length=3, editable=False, blank=True)
    # The person as the health centre knows them (43-file PERSON: HOSPCODE + PID).
    hospcode = models.CharField(_("health centre code (HOSPCODE)"), max_length=5, null=True, blank=True)
    pid = models.CharField(_("person ID at the health centre (PID)"), max_length=15, null=True, blank=True)
    # A foreigner's passport: encrypted like the national ID, shown masked.
    # db_default: rows written by SQL that does not know these columns get "" too.
    passport_encrypted = models.TextField(editable=False, blank=True, default="", db_default="")
    passport_last3 = models.CharField(max_length=3, editable=False, blank=True, default="", db_default="")
    nationality = models.CharField(_("nationality code (NATION)"), max_length=3, blank=True, default="",
                                   db_default="")
    prefix = models.CharField(_("prefix"), max_length=30, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    household = models.ForeignKey(
        Household, verbose_name=_("household"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    chronic_conditions = ArrayField(
        models.CharField(max_length=16), verbose_name=_("chronic conditions"),
        default=list, blank=True,
    )
    disability = models.CharField(
        _("disability"), max_length=16, choices=Disability.choices, default=Disability.NONE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LIVING
    )
    # Since when a person died or moved out (43-file DDISCHARGE).
    status_since = models.DateField(_("status since"), null=True, blank=True)
    source_updated = models.DateTimeField(_("last changed at the source (D_UPDATE)"), null=True,
                                          blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["first_name", "last_name", "id"]
        indexes = [
            models.Index(fields=["status", "birth_date"], name="sh_person_status_birth"),
            GinIndex(fields=["chronic_conditions"], name="sh_person_conditions_gin"),
        ]
        # NULLs are distinct: many persons without a national ID, or without a health-centre key.
        constraints = [models.UniqueConstraint(fields=["cid_hash"], name="sh_person_cid_hash_unique"),
                       models.UniqueConstraint(fields=["hospcode", "pid"], name="sh_person_pid_unique")]
        permissions = [
            ("reveal_cid", _("Can reveal a person's full national ID")),
            ("export_personal", _("Can export personal data")),
            ("view_health_aggregates", _("Can view health aggregates")),
        ]

    def __str__(self):
        # Never the name or the ID: str() ends up in logs, admin and error reports.
        return f"person {str(self.public_id)[:8]}" if self.public_id else "person"

    # --- the national ID --------------------------------------------------------------------
    def set_cid(self, cid) -> None:
        """Store a national ID (normalised and checked; ValidationError when it is not valid)."""
        cid = normalise_national_id(cid)
        self.cid_hash = crypto.cid_hash(cid)
        self.cid_encrypted = crypto.cid_encrypt(cid)
        self.cid_last3 = cid[-3:]

    @property
    def has_cid(self) -> bool:
        return bool(self.cid_encrypted)

    @property
    def cid(self) -> str:
        """The decrypted national ID ("" when the person has none). Call it only from an audited
        service (services.person_cid_reveal, exports): every read of a full ID must leave an
        AccessLog row."""
        return crypto.cid_decrypt(self.cid_encrypted) if self.cid_encrypted else ""

    @property
    def cid_masked(self) -> str:
        """The national ID with all but its last three digits hidden; "" when there is none."""
        return mask_national_id(self.cid_last3) if self.cid_last3 else ""

    def set_passport(self, number: str) -> None:
        number = (number or "").strip()
        self.passport_encrypted = crypto.passport_encrypt(number) if number else ""
        self.passport_last3 = number[-3:]

    @property
    def passport(self) -> str:
        """The decrypted passport number ("" when none): audited reads only, like `cid`."""
        return crypto.passport_decrypt(self.passport_encrypted) if self.passport_encrypted else ""

    @property
    def passport_masked(self) -> str:
        return f"xxxxx{self.passport_last3}" if self.passport_encrypted else ""

    @property
    def identity_masked(self) -> str:
        """What screens show for who the person is: the masked national ID, else the masked
        passport, else that there is no national ID."""
        if self.cid_last3:
            return self.cid_masked
        if self.passport_encrypted:
            return str(_("Passport %(number)s") % {"number": self.passport_masked})
        return str(_("No national ID"))

    # --- age ----------------------------------------------------------------------------------
    def age_on(self, date: dt.date) -> int:
        return _age_on(self.birth_date, date)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (f"{self.prefix}{self.first_name}", self.last_name) if part)

    def clean(self):
        errors = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("The birth date cannot be in the future.")
        codes = set(self.chronic_conditions or [])
        if codes:
            known = set(ChronicCondition.objects.filter(code__in=codes, active=True)
                        .values_list("code", flat=True))
            if codes - known:
                errors["chronic_conditions"] = in_active_language(
                    _("Unknown chronic condition code: %(codes)s."),
                    {"codes": ", ".join(sorted(codes - known))})
        if errors:
            raise ValidationError(errors)
