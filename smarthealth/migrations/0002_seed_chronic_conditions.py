from django.db import migrations

# A copy, not an import of smarthealth.rules: a migration must keep meaning what it meant.
CONDITIONS = (
    ("DM", "เบาหวาน", "Diabetes mellitus"),
    ("HT", "ความดันโลหิตสูง", "Hypertension"),
    ("CKD", "ไตเรื้อรัง", "Chronic kidney disease"),
    ("COPD", "ปอดอุดกั้นเรื้อรัง", "Chronic obstructive pulmonary disease"),
    ("STROKE", "อัมพฤกษ์อัมพาต", "Stroke (paralysis)"),
    ("CANCER", "มะเร็ง", "Cancer"),
)


def seed(apps, schema_editor):
    ChronicCondition = apps.get_model("smarthealth", "ChronicCondition")
    for code, name_th, name_en in CONDITIONS:
        ChronicCondition.objects.get_or_create(
            code=code, defaults={"name_th": name_th, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("smarthealth", "0001_registry_and_care")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
