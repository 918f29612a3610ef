"""Maintenance / service requests (คำร้อง) with their timeline and SLA targets."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.choices import ThaiLabelChoices, set_thai_labels

from .assets import Asset, AssetType


class RequestCategory(ThaiLabelChoices):
    ROAD = "road", _("Road")
    FOOTPATH = "footpath", _("Footpath")
    LIGHTING = "lighting", _("Street lighting")
    DRAIN = "drain", _("Drain")
    FLOOD = "flood", _("Flooding")
    CLEANLINESS = "cleanliness", _("Cleanliness")
    TREE = "tree", _("Tree")
    POWER_LINE = "power_line", _("Power line")
    WATER_SUPPLY = "water_supply", _("Water supply")
    OTHER = "other", _("Other")


class Priority(ThaiLabelChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class RequestStatus(ThaiLabelChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


class Channel(ThaiLabelChoices):
    PUBLIC_WEB = "public_web", _("Public web page")
    STAFF = "staff", _("Staff")
    PHONE = "phone", _("Phone")
    LINE = "line", _("LINE")
    OPEN311 = "open311", _("Open311 API")


class NotifyChannel(ThaiLabelChoices):
    """How the reporter (or a follower) wants to hear about changes; NONE = not at all."""

    NONE = "", _("No notifications")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LINE = "line", _("LINE")


set_thai_labels(NotifyChannel, {"": "ไม่ต้องแจ้ง", "email": "อีเมล", "sms": "SMS", "line": "ไลน์"})
set_thai_labels(RequestCategory, {
    "road": "ถนน", "footpath": "ทางเท้า", "lighting": "แสงสว่าง", "drain": "ท่อระบายน้ำ",
    "flood": "น้ำท่วม", "cleanliness": "ความสะอาด", "tree": "ต้นไม้", "power_line": "สายไฟ",
    "water_supply": "ประปา", "other": "อื่นๆ",
})
set_thai_labels(Priority, {"low": "ต่ำ", "normal": "ปกติ", "high": "สูง", "urgent": "เร่งด่วน"})
set_thai_labels(RequestStatus, {
    "received": "รับเรื่องแล้ว", "assigned": "มอบหมายแล้ว", "in_progress": "กำลังดำเนินการ",
    "resolved": "แก้ไขแล้ว", "closed": "ปิดเรื่อง", "rejected": "ไม่รับเรื่อง", "duplicate": "เรื่องซ้ำ",
})
set_thai_labels(Channel, {
    "public_web": "เว็บไซต์", "staff": "เจ้าหน้าที่", "phone": "โทรศัพท์", "line": "ไลน์",
    "open311": "Open311",
})

# What each status means for the person who reported it.
STATUS_EXPLANATIONS = {
    RequestStatus.RECEIVED: _("We have received your report and will pass it to the team in charge."),
    RequestStatus.ASSIGNED: _("A team has been given your report and will go and look."),
    RequestStatus.IN_PROGRESS: _("The team is working on it."),
    RequestStatus.RESOLVED: _("The team reports that the problem has been fixed."),
    RequestStatus.CLOSED: _("The work is finished and the report is closed. Thank you."),
    RequestStatus.REJECTED: _("The municipality cannot act on this report. The reason is below."),
    RequestStatus.DUPLICATE: _("Someone reported the same problem before you; follow that report instead."),
}

# A request says where it is with a pin on the map, or in words (an address, a landmark).
PLACE_NEEDED = _("Say where the problem is: put a pin on the map, or type the address or a landmark.")

# Which asset types to look for near a reported problem (nearest one within 50 m is linked).
CATEGORY_ASSET_TYPES: dict[str, tuple[str, ...]] = {
    RequestCategory.ROAD: (AssetType.ROAD, AssetType.BRIDGE),
    RequestCategory.FOOTPATH: (AssetType.ROAD,),
    RequestCategory.LIGHTING: (AssetType.STREETLIGHT,),
    RequestCategory.DRAIN: (AssetType.DRAIN,),
    RequestCategory.FLOOD: (AssetType.DRAIN,),
    RequestCategory.WATER_SUPPLY: (AssetType.WATER_PIPE, AssetType.HYDRANT),
    RequestCategory.CLEANLINESS: (AssetType.WASTE_BIN,),
    RequestCategory.TREE: (),
    RequestCategory.POWER_LINE: (),
    RequestCategory.OTHER: (),
}

# The workflow, in one place: status → the statuses it may move to.
S = RequestStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.REJECTED, S.DUPLICATE}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.RECEIVED, S.REJECTED, S.DUPLICATE}),
    S.IN_PROGRESS: frozenset({S.RESOLVED, S.ASSIGNED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),  # back to in progress = reopen
    S.REJECTED: frozenset({S.RECEIVED}),  # reopen
    S.CLOSED: frozenset(),
    S.DUPLICATE: frozenset(),
}
OPEN_STATUSES: frozenset[str] = frozenset({S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS})
del S

# SLA targets in CALENDAR hours (nights, weekends and holidays count): simple to explain to a
# citizen; business hours can come later. Used when no SlaRule is stored for the pair.
_BASE_HOURS = {Priority.URGENT: 24, Priority.HIGH: 72, Priority.NORMAL: 168, Priority.LOW: 720}
_FASTER = {  # dangerous problems get shorter targets
    (RequestCategory.FLOOD, Priority.URGENT): 4,
    (RequestCategory.POWER_LINE, Priority.URGENT): 4,
    (RequestCategory.FLOOD, Priority.HIGH): 24,
    (RequestCategory.POWER_LINE, Priority.HIGH): 24,
    (RequestCategory.WATER_SUPPLY, Priority.URGENT): 12,
    (RequestCategory.ROAD, Priority.URGENT): 12,
    (RequestCategory.TREE, Priority.URGENT): 12,
}
DEFAULT_SLA_HOURS: dict[tuple[str, str], int] = {
    (category.value, priority.value): _FASTER.get((category, priority), _BASE_HOURS[priority])
    for category in RequestCategory
    for priority in Priority
}

# Unambiguous when read aloud or copied by hand: no 0/O, no 1/I. 32 symbols × 8 = 40 bits.
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def tracking_code_generate() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def tracking_code_normalise(text: str) -> str | None:
    """`XXXX-XXXX` from what a citizen typed (lower case, spaces, missing dash), or None."""
    raw = "".join(ch for ch in str(text or "").upper() if ch.isalnum())
    if len(raw) != 8 or any(ch not in TRACKING_ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


class SlaRule(models.Model):
    """A municipality's own target for one category and priority (else DEFAULT_SLA_HOURS)."""

    category = models.CharField(_("category"), max_length=20, choices=RequestCategory.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    hours = models.PositiveIntegerField(_("hours"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["category", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="slarule_category_priority"),
            models.CheckConstraint(condition=models.Q(hours__gte=1), name="slarule_hours_gte_1"),
        ]
        permissions = [("manage_sla", _("Can set SLA targets"))]

    def __str__(self):
        return f"{self.category}/{self.priority}: {self.hours} h"


def sla_hours(category: str, priority: str) -> int:
    """Target hours for the pair: the stored rule, else the default."""
    stored = SlaRule.objects.filter(category=category, priority=priority).values_list("hours", flat=True)
    for hours in stored:
        return hours
    return DEFAULT_SLA_HOURS[(str(category), str(priority))]


def sla_due_at(received_at: datetime, category: str, priority: str) -> datetime:
    return received_at + timedelta(hours=sla_hours(category, priority))


class ServiceRequest(models.Model):
    """A problem reported by a citizen or staff member. The reporter's name, phone and e-mail
    are personal data: never put them in __str__, logs or events."""

    tracking_code = models.CharField(
        _("tracking code"), max_length=9, unique=True, default=tracking_code_generate, editable=False
    )
    category = models.CharField(_("category"), max_length=20, choices=RequestCategory.choices)
    description = models.TextField(_("description"))
    # Empty when the reporter could only say where in words (no GPS, no map): `address_text`
    # then holds the place, and staff set the pin later (services.service_request_set_location).
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    address_text = models.CharField(_("address or landmark"), max_length=300, blank=True)
    # From the register: the community whose boundary covers the pin, else the one chosen.
    community_ref = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, null=True, blank=True,
        related_name="service_requests", verbose_name=_("community"),
    )
    photo = models.ImageField(_("photo"), upload_to="requests/%Y/%m/", null=True, blank=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # Where news of this request goes: the reporter's chosen channel (its address is the phone,
    # the e-mail or the LINE user id above/below). Opting out keeps the choice but stops sending.
    notify_channel = models.CharField(
        _("notify by"), max_length=10, choices=NotifyChannel.choices, default="", db_default="", blank=True
    )
    # Database defaults too: the demo seed COPYs rows without naming these columns.
    reporter_line_user_id = models.CharField(
        _("reporter's LINE user id"), max_length=64, blank=True, default="", db_default=""
    )
    notify_opted_out_at = models.DateTimeField(_("notifications stopped at"), null=True, blank=True)
    after_photo = models.ImageField(
        _("photo after repair"), upload_to="requests/%Y/%m/", null=True, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(
        _("times reopened by the citizen"), default=0, db_default=0
    )
    citizen_confirmed_at = models.DateTimeField(_("fix confirmed by the citizen at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="service_requests",
        verbose_name=_("asset"),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_service_requests", verbose_name=_("assignee"),
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    due_at = models.DateTimeField(_("due"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="servicerequest_status_due_idx"),
            models.Index(fields=["category", "status"], name="servicerequest_cat_status_idx"),
            models.Index(fields=["-received_at"], name="servicerequest_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(location__isnull=False) | ~models.Q(address_text=""),
                name="servicerequest_pin_or_place",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="servicerequest_satisfaction_1_5",
            ),
        ]

    def __str__(self):
        return self.tracking_code

    def clean(self):
        super().clean()
        if self.location is None and not (self.address_text or "").strip():
            raise ValidationError({"location": PLACE_NEEDED})

    @property
    def has_pin(self) -> bool:
        return self.location is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at

    @property
    def resolved_late(self) -> bool:
        """Resolved after the target (False while unresolved)."""
        return self.resolved_at is not None and self.resolved_at > self.due_at

    def time_left(self, now: datetime | None = None) -> timedelta | None:
        """Time until the target, negative once overdue; None when the request is no longer open."""
        if not self.is_open:
            return None
        return self.due_at - (now or timezone.now())

    def can_transition_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, ())


class ServiceRequestEvent(models.Model):
    """One line of a request's timeline. `actor` None = the citizen or the system."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY = "priority", _("Priority changed")
        COMMENT = "comment", _("Comment")
        ASSET_LINKED = "asset_linked", _("Asset linked")
        LOCATED = "located", _("Pin set on the map")
        REOPENED = "reopened", _("Reopened by the citizen")
        CONFIRMED = "confirmed", _("Fix confirmed by the citizen")
        RATED = "rated", _("Rated by the citizen")
        FOLLOWED = "followed", _("Another citizen follows it")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("service request"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_value = models.CharField(_("from"), max_length=200, blank=True)
    to_value = models.CharField(_("to"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # Shown on the citizen's status page and sent to the reporter and followers.
    public = models.BooleanField(_("public"), default=False, db_default=False)

    class Meta:
        verbose_name = _("service request event")
        verbose_name_plural = _("service request events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.request_id} {self.kind} {self.from_value}→{self.to_value}"
