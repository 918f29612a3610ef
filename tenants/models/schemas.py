"""What the platform keeps about municipality schemas as a whole: the per-release template a new
municipality is restored from, and the runs of the migration executor (tenants.services.provisioning
and tenants.services.schema_migrations)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemaTemplate(models.Model):
    """A freshly migrated municipality schema as plain SQL, for one release.

    A release is the set of tenant migrations plus the role grants (what migrate's post_migrate
    writes into a schema); its fingerprint names the template. The SQL creates the schema under a
    placeholder name that a restore replaces with the new municipality's."""

    release = models.CharField(_("release"), max_length=64, unique=True)
    placeholder = models.CharField(_("placeholder schema name"), max_length=63)
    sql = models.TextField(_("SQL"))
    # What a restore is checked against: the relations by name (pg_class is indexed by name, not
    # by schema, so counting by name stays cheap with thousands of schemas) and the migrations.
    relation_names = models.JSONField(_("relations"), default=list)
    migrations = models.PositiveIntegerField(_("migrations"))
    build_seconds = models.FloatField(_("build time (s)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("schema template")
        verbose_name_plural = _("schema templates")
        ordering = ["-created_at"]

    def __str__(self):
        return f"template {self.release[:12]}"


class SchemaMigrationRun(models.Model):
    """One run of `migrate_municipalities`: which release it brought the schemas to, how many it
    migrated, and the schemas that failed (they are retried by the next run)."""

    release = models.CharField(_("release"), max_length=64)
    roles = models.CharField(_("role grants"), max_length=64)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    schemas = models.PositiveIntegerField(_("schemas"), default=0)
    behind = models.PositiveIntegerField(_("behind"), default=0)
    migrated = models.PositiveIntegerField(_("migrated"), default=0)
    failures = models.JSONField(_("failures"), default=list, blank=True)

    class Meta:
        verbose_name = _("schema migration run")
        verbose_name_plural = _("schema migration runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"migration run {self.pk} ({self.release[:12]})"
