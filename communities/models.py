"""The register of communities (ทะเบียนชุมชน): one list per municipality that every household,
asset and service request points at, so the two domains and the figures name places alike."""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.text import normalise_text, spelling_key


class Community(models.Model):
    name = models.CharField(
        _("name"), max_length=120, unique=True,
        error_messages={"unique": _("A community with this name is already in the register.")},
    )
    # The moo (village numbers) whose households belong here when no boundary says otherwise:
    # how the 43-file import, which knows only the moo, finds a household's community.
    moos = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("moo numbers"), default=list,
                      blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)
    centre = models.PointField(_("centre"), srid=4326, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]
        permissions = [("manage_communities", _("Can manage the register of communities"))]

    def __str__(self):
        return self.name

    @property
    def key(self) -> str:
        """How names are compared: spaces and case do not make another community."""
        return spelling_key(self.name)

    def clean(self):
        super().clean()
        self.name = " ".join(normalise_text(self.name).split())
        self.moos = sorted(set(self.moos or []))
        if self.name and Community.objects.exclude(pk=self.pk).filter(name__iexact=self.name).exists():
            raise ValidationError({"name": _("A community with this name is already in the register.")})
        if self.name:
            same = [c.name for c in Community.objects.exclude(pk=self.pk).only("name") if c.key == self.key]
            if same:
                raise ValidationError({"name": ValidationError(
                    _("“%(name)s” is already in the register, spelled with other spaces."),
                    params={"name": same[0]}, code="unique")})
        if self.boundary is not None and not self.boundary.valid:
            raise ValidationError({"boundary": _("The boundary crosses itself: draw it again.")})
        if self.centre is None and self.boundary is not None:
            self.centre = self.boundary.point_on_surface
