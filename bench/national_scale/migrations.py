"""Migrating N schemas: a no-op run of the executor against Django's migrate per schema, and one
real schema migration (a new column and index on a tenant table) applied to all N, killed part-way
and resumed.

The real migration is a release with one more infrastructure migration: the app is pointed at a
package whose path holds its migrations plus the new one (MIGRATION_MODULES), in this process and
in the executor's subprocess alike; the source tree is not touched.
"""

import importlib
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from bench.harness import BASE_DIR, Report, timed
from tenants.models import Municipality
from tenants.services.releases import release_current
from tenants.services.schema_migrations import django_migrate, municipalities_migrate, schemas_behind

PACKAGE = "bench_extra_migrations"
MIGRATION = "9001_asset_scale_note"
SOURCE = '''
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [{leaf!r}]
    operations = [
        migrations.AddField("asset", "scale_note", models.CharField(max_length=40, null=True, blank=True)),
        migrations.AddIndex("asset", models.Index(fields=["scale_note"], name="asset_scale_note_idx")),
    ]
'''


def municipality_schemas() -> list[str]:
    return list(Municipality.objects.local_governments().order_by("schema_name")
                .values_list("schema_name", flat=True))


def executor_noop(report: Report) -> tuple[float, str]:
    """`manage.py migrate_municipalities` with nothing to do, start-up included."""
    command = [sys.executable, "manage.py", "migrate_municipalities", "--no-template"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=BASE_DIR, env=dict(os.environ), capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"migrate_municipalities failed: {done.stderr[-2000:]}")
    summary = [line for line in done.stdout.splitlines() if line.startswith("schemas=")]
    if "migrated=0" not in (summary or [""])[-1]:
        raise RuntimeError(f"the no-op run migrated something: {done.stdout[-3000:]}")
    return elapsed, summary[-1]


def django_noop_per_schema(sample: list[str]) -> float:
    """Django's migrate (django-tenants' standard executor) per schema, with nothing to apply."""
    times = []
    for schema in sample:
        elapsed, _ = timed(call_command, "migrate_schemas", tenant=True, schema_name=schema,
                           interactive=False, verbosity=0)
        times.append(elapsed)
    connection.set_schema_to_public()
    return sum(times) / len(times)


@dataclass
class RealMigration:
    sample: int
    django_per_schema: float
    first: "FirstRun"
    second_run: float
    second_migrated: int
    by_sql: int
    by_django: int
    longest_lock_s: float
    failures: list
    behind_after: int

    @property
    def total(self) -> float:
        return self.first.seconds + self.second_run


def _package(folder: Path) -> dict[str, str]:
    leaf = max(key for key in release_current().migrations if key[0] == "infrastructure")
    original = Path(importlib.import_module("infrastructure.migrations").__file__).parent
    package = folder / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text(f"__path__ = [{str(package)!r}, {str(original)!r}]\n")
    (package / f"{MIGRATION}.py").write_text(SOURCE.format(leaf=leaf))
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return {"infrastructure": PACKAGE}


_CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {folder!r})
    import django
    django.setup()
    from django.test import override_settings
    from tenants.services.schema_migrations import municipalities_migrate
    with override_settings(MIGRATION_MODULES={modules!r}):
        r = municipalities_migrate(log=lambda line: print(line, flush=True))
    print(f"RESULT {{len(r.migrated)}} {{r.by_sql}} {{r.by_django}} {{r.longest_lock_s}}", flush=True)
""")


@dataclass
class FirstRun:
    seconds: float
    done: int
    killed: bool
    longest_lock_s: float


def _run_and_kill(report: Report, folder: Path, modules: dict[str, str], *, kill_at: int) -> FirstRun:
    """The executor in a process of its own, SIGKILLed once it has committed `kill_at` schemas."""
    code = _CHILD.format(folder=str(folder), modules=modules)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=BASE_DIR, env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    run = FirstRun(seconds=0.0, done=0, killed=False, longest_lock_s=0.0)
    assert proc.stdout is not None
    for line in proc.stdout:
        report.progress(f"    executor: {line.rstrip()}")
        if line.startswith("RESULT "):
            _migrated, by_sql, _django, lock = line.split()[1:]
            run.done, run.longest_lock_s = int(by_sql), float(lock)
        elif "schemas migrated (committed)" in line:
            run.done = int(line.split("/")[0].split()[-1])
            run.longest_lock_s = float(line.split("so far")[1].split()[0])
            if run.done >= kill_at:
                os.killpg(proc.pid, signal.SIGKILL)
                run.killed = True
                break
    proc.wait()
    run.seconds = time.perf_counter() - started
    return run


def real_migration(report: Report, *, sample_size: int = 10) -> RealMigration:
    schemas = municipality_schemas()
    with tempfile.TemporaryDirectory(prefix="bench-migrations-") as tmp:
        modules = _package(Path(tmp))
        with override_settings(MIGRATION_MODULES=modules):
            sample = schemas[:sample_size]
            report.progress(f"real migration: Django's migrate on {len(sample)} schemas, for comparison")
            django_times = []
            for schema in sample:
                elapsed, _ = timed(django_migrate, schema)
                django_times.append(elapsed)
            kill_at = max(1, (len(schemas) - len(sample)) // 3)
            report.progress(f"real migration: the executor in a subprocess, killed after ~{kill_at} schemas")
            first = _run_and_kill(report, Path(tmp), modules, kill_at=kill_at)
            report.progress("real migration: the executor again, in this process, to finish the job")
            second, result = timed(municipalities_migrate, log=report.progress)
            behind_after = len(schemas_behind(["public", *schemas]))
    return RealMigration(
        sample=len(sample), django_per_schema=sum(django_times) / len(django_times),
        first=first, second_run=second,
        second_migrated=len(result.migrated), by_sql=result.by_sql, by_django=result.by_django,
        longest_lock_s=max(first.longest_lock_s, result.longest_lock_s), failures=result.failures,
        behind_after=behind_after,
    )
