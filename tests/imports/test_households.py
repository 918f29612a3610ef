import pytest
from django_tenants.utils import schema_context

from smarthealth.models import Household

from .conftest import HOUSE_PREFIX, error_rows, run, write_csv

pytestmark = pytest.mark.django_db


def _ours():
    return Household.objects.filter(house_id__startswith=HOUSE_PREFIX)


def test_it_loads_a_utf8_bom_file_with_thai_headers_and_digits(kantang, households_file):
    job = run("kantang", "households", households_file)
    assert job.status == "done", job.failure_reason
    assert (job.rows, job.created, job.updated, job.unchanged, job.rejected) == (3, 3, 0, 0, 0)
    assert job.encoding == "utf-8-sig"
    with schema_context("kantang"):
        house = Household.objects.get(house_id=f"{HOUSE_PREFIX}000001")
        assert house.house_no == "12/1"
        assert house.moo == 4
        assert house.volunteer.username == "volunteer"
        assert house.location.y == pytest.approx(7.41)


def test_it_changes_nothing_when_the_same_file_is_imported_again(kantang, households_file):
    run("kantang", "households", households_file)
    with schema_context("kantang"):
        before = {h.house_id: h.updated_at for h in _ours()}
    again = run("kantang", "households", households_file)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    with schema_context("kantang"):
        after = {h.house_id: h.updated_at for h in _ours()}
    assert before == after


def test_it_counts_an_edited_row_as_updated(kantang, households_file, tmp_path):
    run("kantang", "households", households_file)
    edited = write_csv(tmp_path / "edit.csv", [["house_id", "house_no"], [f"{HOUSE_PREFIX}000001", "99"]])
    job = run("kantang", "households", edited)
    assert (job.created, job.updated, job.unchanged) == (0, 1, 0)


def test_it_rejects_an_unknown_volunteer_and_swapped_coordinates(kantang, tmp_path):
    path = write_csv(tmp_path / "h.csv", [
        ["house_id", "house_no", "lat", "lon", "volunteer"],
        [f"{HOUSE_PREFIX}000010", "1", "7.41", "99.52", "nobody-here"],
        [f"{HOUSE_PREFIX}000011", "2", "99.52", "7.41", ""],
        [f"{HOUSE_PREFIX}000012", "3", "", "", ""],
    ])
    job = run("kantang", "households", path)
    assert (job.created, job.rejected) == (1, 2)
    (unknown, swapped) = error_rows("kantang", job)
    assert (unknown["แถว"], unknown["volunteer"]) == ("2", "nobody-here")
    assert unknown["ปัญหา"].startswith("อสม.: ") and "nobody-here" in unknown["Problem"]
    assert (swapped["แถว"], swapped["lat"], swapped["lon"]) == ("3", "99.52", "7.41")
    assert swapped["Problem"].startswith("lat: ") and "swapped" in swapped["Problem"]


def test_the_command_prints_the_summary_line(kantang, households_file, capsys):
    from django.core.management import call_command

    call_command("import_data", "--schema", "kantang", "--dataset", "households", str(households_file),
                 "--wait")
    assert capsys.readouterr().out.strip() == "rows=3 created=3 updated=0 unchanged=0 rejected=0"


def test_the_command_fails_when_the_file_cannot_be_read(kantang, tmp_path):
    from django.core.management import CommandError, call_command

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        call_command("import_data", "--schema", "kantang", "--dataset", "households", str(empty))


def test_a_job_redelivered_after_its_worker_died_ends_with_exactly_the_right_rows(kantang, households_file):
    from django.core.files import File

    from imports.models import ImportJob
    from imports.services import import_job_run, import_job_start
    from imports.tasks import import_job_run_task

    assert import_job_run_task.acks_late and import_job_run_task.reject_on_worker_lost
    with schema_context("kantang"):
        with open(households_file, "rb") as handle:
            job = import_job_start(dataset="households", upload=File(handle, name="h.csv"), preview=True)
        # The worker had marked it running, then was killed: its transaction never committed.
        ImportJob.objects.filter(pk=job.pk).update(status="running")
        job = import_job_run(job_id=job.pk)
        assert (job.status, job.created) == ("done", 3)
        assert _ours().count() == 3
        # A second delivery of the same message leaves the finished job alone.
        assert import_job_run(job_id=job.pk).created == 3
        assert _ours().count() == 3


def test_row_numbers_stay_right_across_chunks(kantang, tmp_path, monkeypatch):
    from imports import reading

    monkeypatch.setattr(reading, "CHUNK_ROWS", 2)
    path = write_csv(tmp_path / "c.csv", [["house_id", "house_no"], [f"{HOUSE_PREFIX}000031", "1"],
                                          [f"{HOUSE_PREFIX}000032", "2"], ["123", "3"],
                                          [f"{HOUSE_PREFIX}000034", "4"], [f"{HOUSE_PREFIX}000035", ""]])
    job = run("kantang", "households", path)
    assert (job.rows, job.created, job.rejected) == (5, 3, 2)
    # Rows of every chunk, the file's cells with them.
    rejected = [(row["แถว"], row["house_id"], row["Problem"].split(":")[0])
                for row in error_rows("kantang", job)]
    assert rejected == [("4", "123", "house_id"), ("6", f"{HOUSE_PREFIX}000035", "house_no")]


def test_progress_rises_chunk_by_chunk(kantang, households_file):
    from pathlib import Path

    from imports import engine, registry

    seen = []
    with schema_context("kantang"):
        engine.run(dataset=registry.get("households"), path=Path(households_file), name="h.csv",
                   progress=seen.append, chunk_rows=1)
    assert seen == sorted(seen) and len(seen) == 3 and seen[0] < seen[-1] <= 99
