import os

from django.db import migrations, models


def tighten_kept_files(apps, schema_editor):
    """Files kept before uploads were written 0600 (FILE_UPLOAD_PERMISSIONS) were readable by any
    local user: make them 0600 and their folders 0700 now. Best effort: a file already gone, or
    a storage without local paths, is left alone."""
    from django.core.files.storage import default_storage

    ImportJob = apps.get_model("imports", "ImportJob")
    for names in ImportJob.objects.values_list("file", "error_report"):
        for name in names:
            if not name:
                continue
            try:
                path = default_storage.path(name)
                os.chmod(path, 0o600)
                os.chmod(os.path.dirname(path), 0o700)
            except (OSError, NotImplementedError):
                continue


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0002_job_attempts'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='file_purged_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='file deleted at'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='preview',
            field=models.JSONField(blank=True, default=dict, verbose_name='preview'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='sent to the queue at'),
        ),
        migrations.RunPython(tighten_kept_files, migrations.RunPython.noop),
    ]
