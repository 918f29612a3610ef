from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
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
