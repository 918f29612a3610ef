from django.db import migrations, models


def _sent(apps, schema_editor):
    # Plans sent before the date was kept: every plan past the draft that a decision or its own
    # status shows was sent (a superseded draft was never sent and stays without a date).
    CarePlan = apps.get_model("ltc", "CarePlan")
    for plan in CarePlan.objects.filter(submitted_on__isnull=True).exclude(status="draft"):
        if plan.status in ("submitted", "approved", "rejected") or plan.decided_on is not None:
            plan.submitted_on = plan.written_on
            plan.save(update_fields=["submitted_on"])


class Migration(migrations.Migration):
    dependencies = [("ltc", "0004_fund_officer")]

    operations = [
        migrations.AddField(
            model_name="careplan",
            name="submitted_on",
            field=models.DateField(blank=True, null=True, verbose_name="sent to the subcommittee on"),
        ),
        migrations.RunPython(_sent, migrations.RunPython.noop),
    ]
