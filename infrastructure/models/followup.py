"""Who hears about a request (followers besides the reporter) and what was sent to them."""

from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .requests import NotifyChannel, ServiceRequest, ServiceRequestEvent


class RequestFollower(models.Model):
    """A citizen who said "this is my problem too" instead of filing a duplicate. The address
    (e-mail, phone or LINE user id) is personal data: used only to send this request's news."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="followers", verbose_name=_("service request")
    )
    channel = models.CharField(_("notify by"), max_length=10, choices=NotifyChannel.choices)
    address = models.CharField(_("address"), max_length=254)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    opted_out_at = models.DateTimeField(_("notifications stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "channel", "address"], name="requestfollower_unique"),
            models.CheckConstraint(condition=~models.Q(channel=""), name="requestfollower_has_channel"),
        ]

    def __str__(self):
        return f"{self.request_id} follower #{self.pk}"


class NotificationDelivery(models.Model):
    """One message to one recipient about one public change, as staff see it on the request
    page. No address is stored here: it is read from the request or follower when sending."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("service request")
    )
    event = models.ForeignKey(
        ServiceRequestEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("change"),
    )
    follower = models.ForeignKey(
        RequestFollower,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("follower"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=NotifyChannel.choices)
    subject = models.CharField(_("subject"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]

    # The reason stored when there is nobody to send to (the platform's own, unlike a backend's
    # error text, which is kept as the gateway said it).
    NO_ADDRESS = "no address (opted out or removed)"

    def __str__(self):
        return f"{self.request_id} {self.channel} {self.state}"

    @property
    def error_display(self) -> str:
        """The last error as staff read it: the platform's own reason in their language."""
        if self.last_error == self.NO_ADDRESS:
            return gettext("Nobody to send to: the person stopped these messages or no longer follows.")
        return self.last_error
