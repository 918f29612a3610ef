from django.db import migrations

# A copy, not an import of smarthealth code: a migration must keep meaning what it meant.
# ICD-10 ranges (both ends included, compared on the code's first characters) → condition code.
MAPPINGS = (
    ("E10", "E14", "DM"),
    ("I10", "I15", "HT"),
    ("N18", "N18", "CKD"),
    ("J44", "J44", "COPD"),
    ("I60", "I69", "STROKE"),
    ("C00", "C97", "CANCER"),
)


def seed(apps, schema_editor):
    ChronicCondition = apps.get_model("smarthealth", "ChronicCondition")
    ChronicIcdMapping = apps.get_model("smarthealth", "ChronicIcdMapping")
    conditions = {c.code: c for c in ChronicCondition.objects.filter(code__in=[m[2] for m in MAPPINGS])}
    for icd_from, icd_to, code in MAPPINGS:
        if code in conditions:  # a municipality that removed a condition keeps it removed
            ChronicIcdMapping.objects.get_or_create(icd_from=icd_from, icd_to=icd_to,
                                                    condition=conditions[code])


class Migration(migrations.Migration):
    dependencies = [("smarthealth", "0005_moph43_registry")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
