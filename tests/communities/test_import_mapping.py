"""Imports map community names to the register: a register name in any spacing is taken, an
unknown one goes through the preview's value mapping, and no community is ever added on the quiet;
the 43-file's moo fills the community from the register."""

from django_tenants.utils import schema_context

from communities.models import Community
from imports.models import ValueMapping
from infrastructure.models import Asset

from ..imports.conftest import run, write_csv

HEADER = ["รหัสทรัพย์สิน", "ประเภท", "ชื่อ", "สภาพ", "ชุมชน", "ละติจูด", "ลองจิจูด"]


def _file(tmp_path, rows):
    return write_csv(tmp_path / "assets.csv", [HEADER, *rows])


def test_register_names_in_any_spacing_import_and_an_unknown_one_is_asked_about(walled, tmp_path):
    inside, outside = walled
    before = Community.objects.count()
    path = _file(tmp_path, [
        ["CI-1", "เสาไฟ", "เสาไฟนำเข้า 1", "ดี", "ชุมชน ทดสอบ ไม่มีเขต", "7.41", "99.52"],  # spaces
        ["CI-2", "เสาไฟ", "เสาไฟนำเข้า 2", "ดี", "ทดสอบไม่มีเขต", "7.41", "99.52"],  # without ชุมชน
        ["CI-3", "เสาไฟ", "เสาไฟนำเข้า 3", "ดี", "", "7.41", "99.52"],
        ["CI-4", "เสาไฟ", "เสาไฟนำเข้า 4", "ดี", "ชุมชนที่ไม่มีในทะเบียน", "7.41", "99.52"],
    ])
    job = run("kantang", "assets", path)
    assert (job.status, job.created, job.rejected) == ("done", 3, 1), job.failure_reason
    with schema_context("kantang"):
        imported = Asset.objects.filter(code__startswith="CI-")
        found = {a.code: (a.community_ref_id, a.community) for a in imported}
        assert Community.objects.count() == before  # nothing added on the quiet
    assert found == {"CI-1": (outside.pk, outside.name), "CI-2": (outside.pk, outside.name),
                     "CI-3": (None, "")}

    # The clerk says what the unknown name means (the preview's value mapping): the next file imports.
    with schema_context("kantang"):
        ValueMapping.objects.create(dataset="assets", column="community", source="ชุมชนที่ไม่มีในทะเบียน",
                                    source_text="ชุมชนที่ไม่มีในทะเบียน", target=outside.name)
    again = run("kantang", "assets", path)
    assert again.rejected == 0, again.failure_reason
    with schema_context("kantang"):
        assert Asset.objects.get(code="CI-4").community_ref == outside


def test_the_preview_lists_an_unknown_community_with_the_register_as_targets(walled, tmp_path):
    from django.core.files import File

    from imports.services import import_job_preview_prepare, import_job_start

    path = _file(tmp_path, [["CP-1", "เสาไฟ", "เสาไฟพรีวิว", "ดี", "ชุมชนพรีวิวไม่รู้จัก", "7.41", "99.52"]])
    with schema_context("kantang"):
        with open(path, "rb") as handle:
            job = import_job_start(dataset="assets", upload=File(handle, name=path.name), preview=True,
                                   run_here=True)
        job = import_job_preview_prepare(job_id=job.pk)
    groups = {g["column"]: g for g in job.preview["unknown_values"]}
    assert [v["text"] for v in groups["community"]["values"]] == ["ชุมชนพรีวิวไม่รู้จัก"]
    assert "ชุมชนทดสอบไม่มีเขต" in {t["value"] for t in groups["community"]["targets"]}


def test_a_household_import_inside_a_boundary_takes_that_community(walled, tmp_path):
    inside, _outside = walled
    from .conftest import LAT, LON

    path = write_csv(tmp_path / "h.csv", [
        ["house_id", "house_no", "moo", "community", "lat", "lon"],
        ["99999000981", "1", "96", "ชุมชนทดสอบไม่มีเขต", str(LAT + 0.001), str(LON + 0.001)],
    ])
    job = run("kantang", "households", path)
    assert (job.created, job.rejected) == (1, 0), job.failure_reason
    from smarthealth.models import Household

    with schema_context("kantang"):
        household = Household.objects.get(house_id="99999000981")
        assert (household.community_ref, household.community) == (inside, inside.name)
