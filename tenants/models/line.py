"""A municipality's LINE Official Account: the credentials its webhook and pushes use.

In `public`, one row per municipality, like the theme: the webhook on the municipality's host
and the platform team's console both read it. The channel secret and access token are sealed
with kernel.crypto under their own purposes, so a database dump or backup holds neither.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.crypto import seal, unseal

from .municipality import Municipality

SECRET_PURPOSE = b"cityplatform:line-channel-secret"
TOKEN_PURPOSE = b"cityplatform:line-access-token"


class LineChannel(models.Model):
    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="line_channel",
        verbose_name=_("municipality"),
    )
    enabled = models.BooleanField(_("LINE reporting on"), default=False)
    channel_secret_sealed = models.TextField(_("channel secret (encrypted)"), blank=True, editable=False)
    access_token_sealed = models.TextField(_("channel access token (encrypted)"), blank=True, editable=False)
    updated_by = models.CharField(_("updated by"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("LINE Official Account")
        verbose_name_plural = _("LINE Official Accounts")

    def __str__(self):
        return f"LINE channel of {self.municipality.schema_name}"

    @property
    def channel_secret(self) -> str:
        sealed = self.channel_secret_sealed
        return unseal(sealed, purpose=SECRET_PURPOSE) if sealed else ""

    @channel_secret.setter
    def channel_secret(self, value: str) -> None:
        self.channel_secret_sealed = seal(value, purpose=SECRET_PURPOSE) if value else ""

    @property
    def access_token(self) -> str:
        sealed = self.access_token_sealed
        return unseal(sealed, purpose=TOKEN_PURPOSE) if sealed else ""

    @access_token.setter
    def access_token(self, value: str) -> None:
        self.access_token_sealed = seal(value, purpose=TOKEN_PURPOSE) if value else ""

    @property
    def is_ready(self) -> bool:
        """On, with both credentials: the webhook answers and pushes go out only then."""
        return self.enabled and bool(self.channel_secret_sealed and self.access_token_sealed)
