"""The asset registry (ทะเบียนทรัพย์สิน): roads, drains, lights… with their shape on the map."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import CharField, Func, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from kernel.choices import ThaiLabelChoices, set_thai_labels

from ..validators import (
    AREA_TYPES,
    DRAWABLE_TYPES,
    GEOMETRY_KINDS,
    may_wait_for_drawing,
    validate_asset_geometry,
)
from .attributes import clean_attributes


class AssetType(ThaiLabelChoices):
    ROAD = "road", _("Road")
    DRAIN = "drain", _("Drain")
    STREETLIGHT = "streetlight", _("Street light")
    WATER_PIPE = "water_pipe", _("Water pipe")
    BRIDGE = "bridge", _("Bridge")
    BUILDING = "building", _("Building")
    CCTV = "cctv", _("CCTV camera")
    HYDRANT = "hydrant", _("Fire hydrant")
    WASTE_BIN = "waste_bin", _("Waste bin")


class Condition(ThaiLabelChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")


class AssetStatus(ThaiLabelChoices):
    IN_USE = "in_use", _("In use")
    UNDER_REPAIR = "under_repair", _("Under repair")
    PLANNED = "planned", _("Planned")
    RETIRED = "retired", _("Retired")


set_thai_labels(AssetType, {
    "road": "ถนน", "drain": "ท่อระบายน้ำ", "streetlight": "ไฟฟ้าส่องสว่าง", "water_pipe": "ท่อประปา",
    "bridge": "สะพาน", "building": "อาคาร", "cctv": "กล้องวงจรปิด", "hydrant": "หัวดับเพลิง",
    "waste_bin": "ถังขยะ",
})
set_thai_labels(Condition, {"good": "ดี", "fair": "พอใช้", "poor": "ชำรุด", "out_of_service": "ใช้งานไม่ได้"})
set_thai_labels(AssetStatus, {
    "in_use": "ใช้งาน", "under_repair": "อยู่ระหว่างซ่อม", "planned": "วางแผน", "retired": "เลิกใช้",
})

# Asset types drawn as lines: their length_m attribute defaults to the drawn length.
LINE_TYPES = frozenset(t for t, kinds in GEOMETRY_KINDS.items() if "LineString" in kinds)
# PostGIS's name of a shape's kind ("POINT", "LINESTRING"…), for the database's own checks.
_SHAPE_KIND = Func("geometry", function="GeometryType", output_field=CharField())


class Asset(models.Model):
    """One piece of public infrastructure. `code` is the municipality's own asset number
    (one schema per municipality, so unique here means unique in the municipality)."""

    code = models.CharField(
        _("asset code"), max_length=40, unique=True,
        error_messages={"unique": _("An asset with this code already exists.")},
    )
    asset_type = models.CharField(_("asset type"), max_length=20, choices=AssetType.choices)
    name = models.CharField(_("name"), max_length=200)
    geometry = models.GeometryField(_("location"), srid=4326)
    condition = models.CharField(
        _("condition"), max_length=20, choices=Condition.choices, default=Condition.GOOD
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssetStatus.choices, default=AssetStatus.IN_USE
    )
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    # The register's community (communities.Community): from the location when a boundary
    # covers it, else chosen. `community` keeps its name for the SQL figures and exports, written
    # with it by the services and the import; the free text of before is merged by the
    # merge_communities command. Nullable while the merge has not run.
    community_ref = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="assets",
        verbose_name=_("community"),
    )
    community = models.CharField(_("community"), max_length=120, blank=True, db_index=True)
    # Type-specific facts (surface, watts…), checked against attributes.ATTRIBUTE_SPECS.
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # A line or area known only by one point (a register's GPS reading): held at that point until
    # someone draws its shape on the edit form. db_default: the import's SQL and raw loaders that
    # name no such column insert drawn assets.
    line_pending = models.BooleanField(_("line not drawn yet"), default=False, db_default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["asset_type", "condition"], name="asset_type_condition_idx"),
            # The "to draw" list: a few hundred rows among many thousands.
            models.Index(fields=["asset_type", "code"], condition=Q(line_pending=True),
                         name="asset_to_draw_idx"),
        ]
        constraints = [
            # Only a line or area type, held at a point, waits for its drawing.
            models.CheckConstraint(
                condition=Q(line_pending=False) | (
                    Q(asset_type__in=sorted(DRAWABLE_TYPES)) & Q(Exact(_SHAPE_KIND, "POINT"))
                ),
                name="asset_line_pending_is_a_point",
                violation_error_message=_("Only a line or area asset placed at a point can wait for its "
                                          "line to be drawn."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        super().clean()
        self.code = (self.code or "").strip()
        self.name = (self.name or "").strip()
        self.community = (self.community or "").strip()
        errors = {}
        if self.geometry is not None and self.asset_type:
            try:
                validate_asset_geometry(self.asset_type, self.geometry, line_pending=self.line_pending)
            except ValidationError as error:
                errors["geometry"] = error.error_list
        if self.asset_type:
            try:
                self.attributes = clean_attributes(self.asset_type, self.attributes)
            except ValidationError as error:
                errors["attributes"] = error.error_list
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None):
        # Name the duplicate code in the message: importers and forms show it as it is.
        if self.code and (exclude is None or "code" not in exclude):
            if Asset.objects.filter(code=self.code).exclude(pk=self.pk).exists():
                raise ValidationError({"code": ValidationError(
                    _("An asset with the code “%(code)s” already exists."),
                    params={"code": self.code}, code="unique",
                )})
            exclude = {*(exclude or ()), "code"}
        super().validate_unique(exclude=exclude)

    @property
    def is_line(self) -> bool:
        return self.geometry is not None and self.geometry.geom_type in ("LineString", "MultiLineString")

    @property
    def is_area_type(self) -> bool:
        """A building: what is drawn is its outline rather than a line (for the words shown)."""
        return self.asset_type in AREA_TYPES

    def settle_line_pending(self) -> None:
        """After a change of shape or type: a drawn line or area ends the wait; a point keeps a
        waiting asset waiting (an edit that only changes the condition need not draw anything)."""
        self.line_pending = self.line_pending and may_wait_for_drawing(self.asset_type, self.geometry)


class AssetPhoto(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="photos",
                              verbose_name=_("asset"))
    image = models.ImageField(_("photo"), upload_to="assets/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("asset photo")
        verbose_name_plural = _("asset photos")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.caption or f"{self.asset_id}/{self.pk}"


class AssetConditionChange(models.Model):
    """The condition history of an asset; services write one row per change (and one on
    creation, from "" to the first condition)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="condition_history",
                              verbose_name=_("asset"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("changed by"),
    )
    from_condition = models.CharField(_("from"), max_length=20, choices=Condition.choices, blank=True)
    to_condition = models.CharField(_("to"), max_length=20, choices=Condition.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("asset condition change")
        verbose_name_plural = _("asset condition changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.asset_id}: {self.from_condition or '—'} → {self.to_condition}"
