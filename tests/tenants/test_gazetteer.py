"""The DOPA gazetteer (real reference data from ../shared/data/thai-admin) and what it checks."""

import pytest
from django.core.management import CommandError, call_command

from tenants.models import District, Municipality, Province, Subdistrict
from tenants.services.gazetteer import gazetteer_load

from ..helpers import ROOT, host_client, login

THAI_ADMIN = ROOT.parent / "shared" / "data" / "thai-admin"

pytestmark = pytest.mark.skipif(
    not (THAI_ADMIN / "sub_districts.csv").is_file(),
    reason=f"reference data not found at {THAI_ADMIN} (it lives in ../shared, beside the project)",
)


@pytest.fixture
def gazetteer(db):
    # Loaded inside the test's transaction, so other tests see an empty gazetteer as before.
    return gazetteer_load(directory=THAI_ADMIN)


def test_it_loads_every_province_district_and_subdistrict(gazetteer):
    assert gazetteer == {"provinces": 77, "districts": 929, "subdistricts": 7451, "boundaries": 77}
    kantang = Subdistrict.objects.select_related("district__province").get(code="920201")
    assert (kantang.name_th, kantang.district.code, kantang.district.province.name_th) == (
        "กันตัง", "9202", "ตรัง"
    )
    assert (round(kantang.centre.y, 3), round(kantang.centre.x, 3)) == (7.41, 99.519)
    assert Province.objects.get(code="92").boundary.contains(kantang.centre)


def test_loading_again_changes_nothing(gazetteer):
    before = (Province.objects.count(), District.objects.count(), Subdistrict.objects.count())

    again = gazetteer_load(directory=THAI_ADMIN)

    assert again == gazetteer
    assert (Province.objects.count(), District.objects.count(), Subdistrict.objects.count()) == before


def test_an_unknown_subdistrict_code_is_refused(gazetteer):
    with pytest.raises(CommandError, match="999999"):
        call_command(
            "create_municipality", "--schema", "ghost", "--domain", "ghost.localhost",
            "--name-th", "เทศบาลตำบลผี", "--subdistrict-code", "999999",
        )
    assert not Municipality.objects.filter(schema_name="ghost").exists()


def test_the_centre_comes_from_the_gazetteer_when_not_given(gazetteer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_municipality", "--schema", "bohin", "--domain", "bohin.localhost",
            "--name-th", "องค์การบริหารส่วนตำบลบ่อหิน", "--subdistrict-code", "920501",
            stdout=open("/dev/null", "w"),
        )

    bohin = Municipality.objects.get(schema_name="bohin")
    assert (bohin.centre.y, bohin.centre.x) == (7.549, 99.283)


def test_the_home_page_names_the_place(gazetteer, kantang):
    # The municipality card is an optional widget since each role got its own home (issue 16).
    from tenants.services.components import components_for, components_update

    data = components_for(kantang).as_data()
    data["roles"]["nurse"].insert(0, {"widget": "municipality.facts", "width": "half", "enabled": True})
    data["roles"]["nurse"] = [e for i, e in enumerate(data["roles"]["nurse"])
                              if i == 0 or e["widget"] != "municipality.facts"]
    components_update(municipality=kantang, data=data, editor=None)
    page = login(host_client("kantang.localhost"), "kantang", "nurse").get("/")

    assert "กันตัง" in page.text and "ตรัง" in page.text


def test_a_missing_file_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="sub_districts.csv"):
        call_command("load_thai_admin", str(tmp_path))
