from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person who signs in. Each municipality's users live in its own schema; the platform
    team's users live in `public`, so an account never reaches another municipality."""

    phone = models.CharField(
        _("phone"), max_length=20, blank=True,
        validators=[RegexValidator(r"^[0-9+\- ]{9,20}$", _("Enter a phone number, e.g. 075-251-100."))],
    )
    position = models.CharField(_("position"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        permissions = [
            ("manage_users", _("Can manage the municipality's users")),
            ("use_console", _("Can use the platform console")),
            ("customize_municipality", _("Can change the municipality's theme and components")),
            ("submit_change_request", _("Can send change requests to the platform team")),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role(self) -> Role | None:
        """The user's role: the first of their groups that is a role (a user has one)."""
        if not hasattr(self, "_role_cache"):
            names = {g.name for g in self.groups.all()}
            self._role_cache = next((r for r in Role if r.value in names), None)
        return self._role_cache


class ApiToken(models.Model):
    """A bearer token for the HTTP API (CONTRACT §6). Only a SHA-256 of the secret is stored: the
    secret is shown once, when it is made. The table lives in every schema (accounts is both a
    shared and a tenant app) and a token is looked up only in the schema of the host it is sent
    to, so a token can never act on another municipality."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("token starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
