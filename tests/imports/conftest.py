"""Helpers for import tests: real files written to tmp_path, valid national IDs, running a job."""

import csv
import io

import pytest
from django.core.files import File
from django_tenants.utils import schema_context

from imports.services import import_job_run, import_job_start

HOUSE_PREFIX = "99999"  # never a demo house ID (demo IDs start with the subdistrict code)


def make_cid(n: int) -> str:
    first12 = f"3{n:011d}"
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


def bad_checksum(cid: str) -> str:
    return cid[:12] + str((int(cid[12]) + 1) % 10)


def write_csv(path, rows, encoding="utf-8", sep=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(schema: str, dataset: str, path, user=None):
    with schema_context(schema):
        with open(path, "rb") as handle:
            job = import_job_start(dataset=dataset, upload=File(handle, name=path.name), user=user,
                                   run_here=True)
        return import_job_run(job_id=job.pk)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def error_report(schema: str, job) -> str:
    with schema_context(schema):
        with job.error_report.open("rb") as handle:
            return handle.read().decode("utf-8-sig")


@pytest.fixture
def households_file(tmp_path):
    """Three households, Thai headers, UTF-8 with BOM, Thai digits in the house number."""
    rows = [["รหัสบ้าน", "บ้านเลขที่", "หมู่ที่", "ชุมชน", "ละติจูด", "ลองจิจูด", "อสม."]]
    for n in range(1, 4):
        rows.append([f"{HOUSE_PREFIX}{n:06d}", f"๑๒/{n}", "๔", "ชุมชนทดสอบ", "7.41", "99.52", "volunteer"])
    return write_csv(tmp_path / "households.csv", rows, encoding="utf-8-sig")
