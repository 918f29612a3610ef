"""Seed the municipality's LTC settings and ADL/TAI → group table with the values
../shared/data/ltc-reference.md gives, ALL marked unconfirmed (GroupRule.confirmed = False): the
official table, the visits per group and per-group rates were not found. One public app's mapping
(B3→1, C2–C4→2, I3→3, I2/I1→4) and ADL bands 5–11 / 0–4; visits 2/4/4/8 a month (another app's);
10,442 baht a year for every group (FY2567, news reports). The fund's officer corrects them."""

from decimal import Decimal

from django.db import migrations

NOTE = ("ค่าเริ่มต้นจากแหล่งข้อมูลที่ยังไม่ยืนยัน (ตารางกลุ่ม ความถี่การเยี่ยม อัตราต่อกลุ่ม): "
        "ตรวจสอบกับคู่มือ สปสช. และประกาศของกองทุนก่อนใช้")
# order, group, lowest ADL, highest ADL, TAI codes, visits a month
ROWS = (
    (1, 4, 0, 4, ["I2", "I1"], 8),
    (2, 3, 0, 4, ["I3"], 4),
    (3, 2, 5, 11, ["C2", "C3", "C4"], 4),
    (4, 1, 5, 11, ["B3"], 2),
    (5, 3, 0, 4, [], 4),
    (6, 1, 5, 11, [], 2),
)


def seed(apps, schema_editor):
    LtcSettings = apps.get_model("ltc", "LtcSettings")
    GroupRule = apps.get_model("ltc", "GroupRule")
    LtcSettings.objects.get_or_create(pk=1, defaults={"note": NOTE})
    if not GroupRule.objects.exists():
        GroupRule.objects.bulk_create([
            GroupRule(order=order, group=group, adl_min=low, adl_max=high, tai_codes=codes,
                      visits_per_month=visits, annual_rate=Decimal("10442"), confirmed=False)
            for order, group, low, high, codes, visits in ROWS])


class Migration(migrations.Migration):
    dependencies = [("ltc", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
