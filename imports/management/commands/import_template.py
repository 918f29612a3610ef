from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from imports import registry
from imports.templates_xlsx import dataset_template_xlsx
from kernel.i18n import bilingual


class Command(BaseCommand):
    help = ("Write a dataset's blank workbook (Thai headers, one example row, text cells) to FILE: "
            "the same file as the import page's template, to fill in and load with import_data.")

    def add_arguments(self, parser):
        parser.add_argument("--dataset", required=True)
        parser.add_argument("file")

    def handle(self, *args, dataset, file, **options):
        spec = registry.get(dataset)
        if spec is None:
            raise CommandError(bilingual(_("Unknown dataset “%(name)s”; known: %(known)s."), {
                "name": dataset, "known": ", ".join(d.key for d in registry.all_datasets())}))
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(bilingual(_("The template is an Excel workbook: name the file %(name)s."),
                                         {"name": path.with_suffix(".xlsx").name}))
        path.write_bytes(dataset_template_xlsx(dataset=spec))
        self.stdout.write(bilingual(_("%(file)s: %(columns)s columns and one example row."),
                                    {"file": str(path), "columns": len(spec.columns)}))
