# A service request may be reported with the place in words only (no GPS, no map): its pin is
# set later by staff. Either a pin or an address / landmark is required.

import django.contrib.gis.db.models.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('infrastructure', '0002_asset_line_pending'),
    ]

    operations = [
        migrations.AlterField(
            model_name='servicerequest',
            name='location',
            field=django.contrib.gis.db.models.fields.PointField(blank=True, null=True, srid=4326, verbose_name='location'),
        ),
        migrations.AlterField(
            model_name='servicerequestevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Created'), ('status', 'Status changed'), ('assigned', 'Assigned'), ('priority', 'Priority changed'), ('comment', 'Comment'), ('asset_linked', 'Asset linked'), ('located', 'Pin set on the map')], max_length=20, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='servicerequest',
            constraint=models.CheckConstraint(condition=models.Q(('location__isnull', False), models.Q(('address_text', ''), _negated=True), _connector='OR'), name='servicerequest_pin_or_place'),
        ),
    ]
