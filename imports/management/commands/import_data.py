"""`manage.py import_data --schema S --dataset D FILE [--wait]` (CONTRACT §4).

It runs the same job as the web upload (an ImportJob, the kept file, the same service) and prints
`rows=N created=N updated=N unchanged=N rejected=N`. For a dataset of several files (moph43) it
prints one such line per file first, prefixed by the file's name (`PERSON rows=…`); the files the
upload holds but the import does not use are named on stderr. The job always runs in this process,
so the command returns when it has finished: `--wait` is accepted and is what happens anyway.
"""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from imports import registry
from imports.models import ImportJob
from imports.services import import_job_run, import_job_start


class Command(BaseCommand):
    help = ("Import a CSV / XLSX / GeoJSON file into a municipality's dataset (moph43: the health centre's "
            "43-file .zip, or one of its .txt files).")

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--dataset", required=True)
        parser.add_argument("--wait", action="store_true", help="wait for the job to finish (it always does)")
        parser.add_argument("file")

    def handle(self, *args, schema, dataset, file, **options):
        from tenants.models import Municipality

        if not Municipality.objects.filter(schema_name=schema).exists():
            raise CommandError(f"No municipality with schema {schema!r}.")
        if registry.get(dataset) is None:
            raise CommandError(f"Unknown dataset {dataset!r}; known: "
                               + ", ".join(d.key for d in registry.all_datasets()))
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        with schema_context(schema):
            with open(path, "rb") as handle:
                # run_here: nothing is queued, the job runs right here.
                job = import_job_start(dataset=dataset, upload=File(handle, name=path.name), run_here=True)
            job = import_job_run(job_id=job.pk)
        if job.status != ImportJob.Status.DONE:
            raise CommandError(job.failure_reason or "the import failed")
        for result in job.file_results:
            if result.get("used", True):
                self.stdout.write(f"{result['file']} rows={result['rows']} created={result['created']} "
                                  f"updated={result['updated']} unchanged={result['unchanged']} "
                                  f"rejected={result['rejected']}")
        not_used = [result.get("name") or result["file"] for result in job.file_results
                    if not result.get("used", True)]
        if not_used:
            self.stderr.write("not used: " + ", ".join(not_used))
        self.stdout.write(job.summary())
