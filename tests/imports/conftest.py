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


def error_rows(schema: str, job) -> list[dict[str, str]]:
    """The error report (CSV or Excel) as a clerk reads it: one dict a rejected row, by header (the
    file's own headers plus แถว, ปัญหา and Problem), every cell as text."""
    if job.error_report.name.endswith(".xlsx"):
        from openpyxl import load_workbook

        with schema_context(schema):
            with job.error_report.open("rb") as handle:
                sheet = load_workbook(io.BytesIO(handle.read())).active
        header, *rows = [["" if value is None else str(value) for value in row]
                         for row in sheet.iter_rows(values_only=True)]
        return [dict(zip(header, row, strict=True)) for row in rows]
    return list(csv.DictReader(io.StringIO(error_report(schema, job))))


def problems(schema: str, job) -> list[tuple[str, str]]:
    """(row number, English problems) of each rejected row, in row order."""
    return [(row["แถว"], row["Problem"]) for row in error_rows(schema, job)]


@pytest.fixture
def households_file(tmp_path):
    """Three households, Thai headers, UTF-8 with BOM, Thai digits in the house number."""
    rows = [["รหัสบ้าน", "บ้านเลขที่", "หมู่ที่", "ชุมชน", "ละติจูด", "ลองจิจูด", "อสม."]]
    for n in range(1, 4):
        rows.append([f"{HOUSE_PREFIX}{n:06d}", f"๑๒/{n}", "๔", "ชุมชนทดสอบ", "7.41", "99.52", "volunteer"])
    return write_csv(tmp_path / "households.csv", rows, encoding="utf-8-sig")


# The communities these tests' files name: in the register (another name is an unknown value).
TEST_COMMUNITIES = ("ชุมชนทดสอบ", "ชุมชนทะเบียนทดสอบ")


@pytest.fixture(autouse=True)
def _test_communities(request):
    from ..communities.helpers import register_for_tests

    register_for_tests(request, TEST_COMMUNITIES)
