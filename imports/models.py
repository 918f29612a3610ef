"""One upload of one file into one dataset, and what became of it (tenant schema)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.stored_text import message_read


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
    # The same reason as its message and values (kernel.stored_text), read in the reader's
    # language; failure_reason keeps it as "ไทย / English" for the database, logs and backups.
    failure_message = models.JSONField(_("failure reason (message)"), default=dict, blank=True)
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
    # A dataset of several files in one upload (moph43): the counts of each file, in the order
    # imported, then the files it does not use ({"file", "used": false}); the job's counts are
    # the sums. Empty for a one-file dataset.
    file_results = models.JSONField(_("results per file"), default=list, blank=True)

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
        """The stored preview with every text in `language` (th or en)."""
        from .previews import preview_in_language  # previews imports this module

        return preview_in_language(self.preview, language)

    @property
    def failure_text(self) -> str:
        """Why the job failed, in the reader's language (a job failed before the message was kept:
        the reader's half of its stored "ไทย / English" reason)."""
        return message_read(self.failure_message, self.failure_reason)

    def summary(self) -> str:
        return (f"rows={self.rows} created={self.created} updated={self.updated} "
                f"unchanged={self.unchanged} rejected={self.rejected}")


class ValueMapping(models.Model):
    """A spelling a municipality's files use for a choice the platform does not recognise, mapped
    once by a user to a known value (`พิการซ้ำซ้อน` → physical) and applied to every later import
    of that dataset here, whichever way it comes (upload, API, import_data). One schema per
    municipality: a mapping is the municipality's own."""

    dataset = models.CharField(_("dataset"), max_length=40)
    column = models.CharField(_("column"), max_length=60)
    # kernel.text.spelling_key of the value: how the engine compares it (case and spaces ignored).
    source = models.CharField(_("value in the file"), max_length=200)
    # The value as first seen in a file, for people to read (the key has no spaces).
    source_text = models.CharField(_("value as written"), max_length=200)
    target = models.CharField(_("imported as"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("mapped by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("value mapping")
        verbose_name_plural = _("value mappings")
        ordering = ["dataset", "column", "source"]
        constraints = [models.UniqueConstraint(fields=["dataset", "column", "source"],
                                               name="imports_value_mapping_unique")]

    def __str__(self):
        return f"{self.dataset}.{self.column}: {self.source_text} → {self.target}"
