"""Who read or changed which personal data, when and from where (PDPA accountability)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The personal-data access log is append-only.")

    def delete(self):
        raise TypeError("The personal-data access log is append-only.")


class AccessLog(models.Model):
    """Append-only: rows are created by smarthealth.audit.audit_log() and never changed.

    object_ref holds an opaque reference (a person's public_id, a list's name), never a national
    ID or a name; detail holds filters and counts, never personal data.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        REVEAL_CID = "reveal_cid", _("Revealed national ID")
        EXPORT = "export", _("Exported")
        PRINT = "print", _("Printed")
        LIST = "list", _("Listed")
        # In context: a bare "Created" is a service request's state (สร้างคำร้อง) in Thai.
        CREATE = "create", pgettext_lazy("audit action", "Created")
        UPDATE = "update", _("Updated")
        IMPORT = "import", _("Imported")
        API_READ = "api_read", _("Read through the API")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        # Asked for a person or household the user may not see (outside the volunteer's
        # households, or without the permission): answered 404/403, and recorded so an
        # administrator sees who probes for records.
        DENIED = "denied", _("Denied")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("user"),
    )
    # Copied, so the row still says who it was after the account is renamed or deleted.
    username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices,
                               default=Outcome.ALLOWED)
    object_type = models.CharField(_("object type"), max_length=40)
    object_ref = models.CharField(_("object"), max_length=120, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data access log")
        ordering = ["-at", "-id"]
        # Only "view": no add/change/delete permission exists, so no role can be granted one.
        default_permissions = ("view",)
        indexes = [models.Index(fields=["object_type", "object_ref"], name="sh_accesslog_object")]

    def __str__(self):
        return f"{self.action} {self.object_type} {self.at:%Y-%m-%d %H:%M}" if self.at else self.action

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The personal-data access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The personal-data access log is append-only.")
