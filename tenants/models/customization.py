"""How each municipality looks and which components it shows (issue: themes and components).

Both live in `public`, one row per municipality, because the platform team edits any
municipality's from the console and the tenant's own admin edits theirs from its host. Every
saved change also stores a snapshot in CustomizationVersion, so "restore previous" is a new save
of an old snapshot and nothing is ever lost.
"""

import re

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..storage import get_platform_storage
from .municipality import Municipality

HEX_COLOUR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # and six hexadecimal digits, e.g. #0b6e4f.")
)
# The platform's own look (static/css/app.css), used until a municipality sets its own.
DEFAULT_COLOURS = {"primary_color": "#0b6e4f", "secondary_color": "#14532d", "accent_color": "#d97706"}
FONT_SIZE_RANGE = (14, 20)  # px: smaller is unreadable on a phone, larger breaks the layouts


def theme_upload_to(instance, filename: str) -> str:
    return f"themes/{instance.municipality.schema_name}/{filename}"


class Theme(models.Model):
    """The look of one municipality's pages, applied as CSS custom properties in base.html
    (never free-form CSS or JS)."""

    class HeaderStyle(models.TextChoices):
        SOLID = "solid", _("Solid colour")
        LIGHT = "light", _("Light with a coloured line")
        GRADIENT = "gradient", _("Gradient from primary to secondary")

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="theme", verbose_name=_("municipality")
    )
    display_name_th = models.CharField(_("display name (Thai)"), max_length=200, blank=True)
    display_name_en = models.CharField(_("display name (English)"), max_length=200, blank=True)
    logo = models.FileField(
        _("logo"), storage=get_platform_storage, upload_to=theme_upload_to, blank=True, max_length=300
    )
    favicon = models.FileField(
        _("favicon"), storage=get_platform_storage, upload_to=theme_upload_to, blank=True, max_length=300
    )
    primary_color = models.CharField(
        _("primary colour"), max_length=7, validators=[HEX_COLOUR], default=DEFAULT_COLOURS["primary_color"]
    )
    secondary_color = models.CharField(
        _("secondary colour"), max_length=7, validators=[HEX_COLOUR],
        default=DEFAULT_COLOURS["secondary_color"],
    )
    accent_color = models.CharField(
        _("accent colour"), max_length=7, validators=[HEX_COLOUR], default=DEFAULT_COLOURS["accent_color"]
    )
    base_font_size = models.PositiveSmallIntegerField(
        _("base font size (px)"), default=16,
        validators=[MinValueValidator(FONT_SIZE_RANGE[0]), MaxValueValidator(FONT_SIZE_RANGE[1])],
    )
    header_style = models.CharField(
        _("header style"), max_length=20, choices=HeaderStyle.choices, default=HeaderStyle.SOLID
    )
    login_text_th = models.TextField(_("sign-in page text (Thai)"), max_length=1000, blank=True)
    login_text_en = models.TextField(_("sign-in page text (English)"), max_length=1000, blank=True)
    # Users live in each municipality's own schema (or in public for the platform team), so a
    # public row names its editor instead of pointing at a user row.
    updated_by = models.CharField(_("updated by"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return f"theme of {self.municipality.schema_name}"


class ComponentSettings(models.Model):
    """Which modules are on, the navigation's order and labels, and the home pages' layouts.

    The shapes (validated by tenants.services.components against the module and widget registries):
      modules    {"infrastructure": true, "smarthealth": false, …}  (missing key = module default)
      navigation [{"key": "assets", "label_th": "", "label_en": "", "hidden": false}, …]  in order
      dashboard  [{"widget": "requests.open", "width": "half", "enabled": true}, …]  in order: the
                 home page of accounts without a role (the municipality-wide layout of old)
      role_dashboards {"volunteer": [<as dashboard>], "nurse": […], …}: each role's home page
                 (a missing role = that role's default widgets)
    """

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="components",
        verbose_name=_("municipality"),
    )
    modules = models.JSONField(_("modules"), default=dict, blank=True)
    navigation = models.JSONField(_("navigation"), default=list, blank=True)
    dashboard = models.JSONField(_("dashboard layout"), default=list, blank=True)
    role_dashboards = models.JSONField(_("home page of each role"), default=dict, blank=True)
    updated_by = models.CharField(_("updated by"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("component settings")
        verbose_name_plural = _("component settings")

    def __str__(self):
        return f"components of {self.municipality.schema_name}"


# The platform's own version notes, recognised by their English text (alone or after the Thai).
_SYSTEM_NOTES = (
    (re.compile(r"(?:^|/ )The settings before the first change$"), _("The settings before the first change")),
    (re.compile(r"(?:^|/ )Restored version (?P<number>\d+)$"), _("Restored version %(number)s")),
)


class CustomizationVersion(models.Model):
    """One saved state of a municipality's theme or components (a JSON snapshot of the row;
    file fields by their stored name, and old files are never deleted, so any version restores)."""

    class Kind(models.TextChoices):
        THEME = "theme", _("Theme")
        COMPONENTS = "components", _("Components")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="customization_versions",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.CharField(_("saved by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customization version")
        verbose_name_plural = _("customization versions")
        ordering = ["municipality", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "number"], name="customization_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.municipality.schema_name} {self.kind} v{self.number}"

    @property
    def note_text(self) -> str:
        """The note in the reader's language. The notes the platform writes itself are stored as
        "ไทย / English" (kernel.i18n.bilingual), so that a backup or the database reads in either;
        a page shows them in one. A person's own note is shown as they wrote it."""
        for pattern, message in _SYSTEM_NOTES:
            match = pattern.search(self.note)
            if match:
                return str(message) % match.groupdict() if match.groupdict() else str(message)
        return self.note


class MunicipalityStats(models.Model):
    """A snapshot of one municipality's figures for the console, written by a task that runs in
    that municipality's schema: the console reads one small public table instead of querying
    thousands of schemas on every page (SCALE.md rule 3)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="stats", verbose_name=_("municipality")
    )
    users = models.PositiveIntegerField(_("users"), default=0)
    active_users = models.PositiveIntegerField(_("active users"), default=0)
    # Data volumes by key ({"assets": 2594, "persons": 2316, …}): each module says what it counts
    # through tenants.stats.register_figure(), so this app never imports a domain app.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    last_import_at = models.DateTimeField(_("last import"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("municipality figures")
        verbose_name_plural = _("municipality figures")

    def __str__(self):
        return f"figures of {self.municipality.schema_name}"
