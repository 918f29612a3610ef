"""Change requests: a municipality asks the platform team (ARV) for a fix, a feature, a data job
or an appearance change, and both sides follow one thread. In `public`, because the console's
inbox lists every municipality's requests."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..storage import get_platform_storage
from .municipality import Municipality


class ChangeRequest(models.Model):
    class Category(models.TextChoices):
        BUG = "bug", _("Something is broken")
        FEATURE = "feature", _("New feature")
        DATA = "data", _("Data")
        APPEARANCE = "appearance", _("Appearance")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    # The platform team's workflow; done and declined can be reopened when the municipality
    # answers that it is not done after all.
    TRANSITIONS = {
        Status.NEW: frozenset({Status.ACCEPTED, Status.DECLINED}),
        Status.ACCEPTED: frozenset({Status.IN_PROGRESS, Status.DONE, Status.DECLINED}),
        Status.IN_PROGRESS: frozenset({Status.DONE, Status.ACCEPTED, Status.DECLINED}),
        Status.DONE: frozenset({Status.IN_PROGRESS}),
        Status.DECLINED: frozenset({Status.NEW}),
    }

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="change_requests",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(
        _("priority"), max_length=20, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    # The submitter is a user of the municipality's own schema: named, not referenced.
    submitted_by_username = models.CharField(_("submitted by (username)"), max_length=150)
    submitted_by_name = models.CharField(_("submitted by"), max_length=300, blank=True)
    submitted_by_email = models.EmailField(_("submitter's e-mail"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="change_request_status_idx")]

    def __str__(self):
        return f"CR-{self.pk:05d}" if self.pk else "CR-new"

    @property
    def reference(self) -> str:
        return str(self)

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class ChangeRequestComment(models.Model):
    """One entry of the thread: a comment, a status change, or both."""

    class Side(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        PLATFORM = "platform", _("Platform team")

    request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="comments", verbose_name=_("change request")
    )
    side = models.CharField(_("from"), max_length=20, choices=Side.choices)
    author_username = models.CharField(_("author (username)"), max_length=150)
    author_name = models.CharField(_("author"), max_length=300, blank=True)
    body = models.TextField(_("comment"), max_length=10000, blank=True)
    status_from = models.CharField(
        _("status from"), max_length=20, choices=ChangeRequest.Status.choices, blank=True
    )
    status_to = models.CharField(
        _("status to"), max_length=20, choices=ChangeRequest.Status.choices, blank=True
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change request comment")
        verbose_name_plural = _("change request comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.request} #{self.pk}"


def attachment_upload_to(instance, filename: str) -> str:
    return f"change-requests/{instance.request.municipality.schema_name}/{instance.request_id}/{filename}"


class ChangeRequestAttachment(models.Model):
    request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("change request")
    )
    comment = models.ForeignKey(
        ChangeRequestComment, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments",
        verbose_name=_("comment"),
    )
    file = models.FileField(
        _("file"), storage=get_platform_storage, upload_to=attachment_upload_to, max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.CharField(_("uploaded by"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
