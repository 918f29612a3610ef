"""Peak memory of reading a hostile upload (issue 22, finding 1), and what the checks cost a
normal file.

The review's file: a 63 MB CSV whose only line is millions of column names (it took the web
process to 18 GB for 569 s). Each file is read in a fresh interpreter, as the worker's preview
task reads it (imports.reading.open_chunks and its first chunk), and the child reports its own
high-water mark (VmHWM) next to the one of Django alone. The child runs under an address-space
cap, so a regression fails there instead of taking the machine down.

Needs Django's settings only, no database: `python -m bench.import_limits` prints the figures;
`python -m bench import` adds them to the import benchmark's table.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import BASE_DIR, Report, Row, fmt_time

HOSTILE_MB = 63
NORMAL_ROWS = 800_000  # about 94 MB: under IMPORT_MAX_UPLOAD_BYTES
CAP_GB = 6
TARGET_MB = 200  # above Django's own footprint

_CHILD = """
import json, sys, time
import django
django.setup()
from imports import reading, registry
from imports.errors import ImportFileError

def hwm():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])

base = hwm()
started = time.perf_counter()
try:
    info, chunks = reading.open_chunks(sys.argv[1], sys.argv[1], registry.get(sys.argv[2]), chunk_rows=10)
    next(chunks)
    outcome = f"read: {info.approx_rows:,} rows, encoding {info.encoding}"
except ImportFileError as error:
    outcome = "refused: " + str(error.message % error.params if error.params else error.message)
except MemoryError:
    outcome = "MemoryError"
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started, "hwm_kb": hwm(),
                  "django_kb": base}))
"""


def hostile_file(path: Path, megabytes: int) -> Path:
    """One line, no line break: the assets columns, then `c0,c1,…` up to `megabytes`."""
    with open(path, "w", encoding="ascii") as handle:
        handle.write("code,asset_type,name,lat,lon")
        written, n = 0, 0
        while written < megabytes * 1_000_000:
            part = "".join(f",c{i}" for i in range(n, n + 10_000))
            handle.write(part)
            written += len(part)
            n += 10_000
    return path


def normal_file(path: Path, rows: int) -> Path:
    """A persons file as a health office writes it (some cells quoted), for the checks' cost."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("cid,prefix,first_name,last_name,sex,birth_date,house_id,phone,chronic,disability\n")
        for i in range(rows):
            chronic = '"DM, HT"' if i % 3 == 0 else "HT"
            handle.write(f"3{i:012d},นาย,สมชาย,ใจดี,ชาย,01/01/2500,92020000001,0812345678,{chronic},ไม่มี\n")
    return path


def _cap() -> None:
    limit = CAP_GB * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def measure(path: Path, dataset: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE",
                                                                   "cityplatform.settings_test")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), dataset], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, preexec_fn=_cap, check=False)
    wall = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"outcome": f"crashed ({done.returncode}): {tail}", "seconds": wall, "hwm_kb": 0,
                "django_kb": 0}
    return json.loads(lines[-1])


def figures() -> list[tuple[str, dict]]:
    with tempfile.TemporaryDirectory(prefix="bench-import-limits-") as tmp:
        hostile = hostile_file(Path(tmp) / "hostile-header.csv", HOSTILE_MB)
        results = [(f"{hostile.stat().st_size / 1e6:.0f} MB one-line header", measure(hostile, "assets"))]
        normal = normal_file(Path(tmp) / "persons.csv", NORMAL_ROWS)
        results.append((f"{NORMAL_ROWS:,}-row persons file, {normal.stat().st_size / 1e6:.0f} MB",
                        measure(normal, "persons")))
    return results


def run(report: Report) -> None:
    report.progress(f"reading a {HOSTILE_MB} MB one-line CSV header and a {NORMAL_ROWS:,}-row file")
    for name, result in figures():
        peak, django = result["hwm_kb"] / 1024, result["django_kb"] / 1024
        row = Row(f"preview read, {name}",
                  f"peak {peak:.0f} MB (Django alone {django:.0f} MB) in {fmt_time(result['seconds'])}",
                  notes=[result["outcome"][:160]])
        if "header" in name:
            row.target = f"≤ {TARGET_MB} MB above Django"
            row.verdict = Report.verdict(peak > 0 and peak - django <= TARGET_MB)
        report.add(row)


def main() -> None:
    sys.path.insert(0, str(BASE_DIR))
    for name, result in figures():
        print(f"{name}: peak {result['hwm_kb'] / 1024:.0f} MB (Django alone "
              f"{result['django_kb'] / 1024:.0f} MB), {result['seconds']:.2f} s: {result['outcome'][:200]}")


if __name__ == "__main__":
    main()
