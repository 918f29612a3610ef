# Why a bulk onboarding failed, kept as its message and values (kernel.stored_text) so that the
# console reader reads it in their own language; the "ไทย / English" message stays beside it.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0007_line_channel'),
    ]

    operations = [
        migrations.AddField(
            model_name='onboardingrun',
            name='message_data',
            field=models.JSONField(blank=True, default=dict, verbose_name='message (stored)'),
        ),
    ]
