# Why a job failed, kept as its message and values (kernel.stored_text) so that each reader reads it
# in their own language; the "ไทย / English" failure_reason stays beside it.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0005_job_file_results'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='failure_message',
            field=models.JSONField(blank=True, default=dict, verbose_name='failure reason (message)'),
        ),
    ]
