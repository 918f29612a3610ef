"""One upload of one file into one dataset, and what became of it (tenant schema)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("imported by"))
    dataset = models.CharField(_("dataset"), max_length=40)
    # Kept so a redelivered task (acks_late) re-reads exactly the same bytes.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    error_report = models.FileField(_("error report"), upload_to="imports/errors/%Y/%m/", blank=True)
    encoding = models.CharField(_("detected encoding"), max_length=20, blank=True)
    header_mapping = models.JSONField(_("header mapping"), default=dict, blank=True)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What the user checks before confirming, prepared by a task (never in a web request): the
    # facts of the file and its first rows, problems in Thai and English. Emptied on confirm.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    # When the job's task was last handed to the broker; empty while it could not be (broker
    # down): the recovery sweep sends it again.
    sent_at = models.DateTimeField(_("sent to the queue at"), null=True, blank=True)
    # When the retention rule deleted the uploaded file and the error report (the job stays).
    file_purged_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "started_at"], name="imports_status_started")]
        permissions = [
            ("import_assets", _("Can import infrastructure assets")),
            ("import_health", _("Can import health registry data")),
        ]

    def __str__(self):
        return f"{self.dataset} {self.original_name}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def preview_pending(self) -> bool:
        return self.status == self.Status.PREVIEW and not self.preview

    @property
    def is_waiting(self) -> bool:
        """Something is still to happen without the user: a preview to prepare, a run to finish."""
        return self.is_active or self.preview_pending

    @property
    def waits_for_queue(self) -> bool:
        return self.sent_at is None and (self.status == self.Status.QUEUED or self.preview_pending)

    def preview_in(self, language: str) -> dict:
        """The stored preview with its problems and date format in `language` (th or en)."""
        language = "en" if (language or "").startswith("en") else "th"
        preview = dict(self.preview)
        preview["date_format"] = (preview.get("date_format") or {}).get(language, "")
        preview["rows"] = [(number, cells, [problem[language] for problem in problems])
                           for number, cells, problems in preview.get("rows", [])]
        return preview

    def summary(self) -> str:
        return (f"rows={self.rows} created={self.created} updated={self.updated} "
                f"unchanged={self.unchanged} rejected={self.rejected}")
