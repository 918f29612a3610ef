"""Village names of the 43-file import that the register does not hold (issue 19): the import
places no household by them and lists them; the administrator says on the village names page which
register community each is (or adds it to the register); the next import places the households,
and the name is no longer asked about."""

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from communities.models import Community
from smarthealth.models import Household

from ..helpers import host_client, login
from ..smarthealth.moph43.conftest import HOSPCODE, by_file, home, import_bytes, zip_bytes

TENANT = "cityplatform.urls_tenant"
PAGE = reverse("smarthealth:village-mappings", urlconf=TENANT)
# Moo 94 and 95 of the subdistrict the test HOME rows name (92 09 01): no register community lists
# them, so only the VILLAGE file's names can place their households.
VILLAGES = "HOSPCODE|VID|VILLNAME\r\n" + "".join(
    f"{HOSPCODE}|920901{moo}|{name}\r\n" for moo, name in (("95", "บ้านริมน้ำ ทดสอบ"), ("94", "บ้านใหม่ทดสอบ")))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _import():
    job = import_bytes(zip_bytes({"HOME": [home("95101", village="95"), home("94101", village="94")]},
                                 extra={"VILLAGE.TXT": VILLAGES}))
    assert job.status == "done", job.failure_reason
    return job


def _communities() -> dict[str, Community | None]:
    with schema_context("kantang"):
        return {h.hid: h.community_ref
                for h in Household.objects.filter(hospcode=HOSPCODE, hid__in=["95101", "94101"])}


def test_the_administrator_maps_an_unknown_village_name_and_the_next_import_uses_it(walled):
    _inside, outside = walled
    first = _import()
    assert sorted(by_file(first)["VILLAGE"]["villages_not_in_register"]) == ["บ้านริมน้ำ ทดสอบ", "บ้านใหม่ทดสอบ"]
    assert _communities() == {"95101": None, "94101": None}
    admin = login(host_client("kantang.localhost"), "kantang", "admin")

    # The import's result leads to the page, which asks about both names.
    job_page = admin.get(reverse("imports:job", kwargs={"public_id": first.public_id}, urlconf=TENANT))
    assert PAGE in job_page.content.decode()
    page = admin.get(PAGE).content.decode()
    assert 'data-village="บ้านริมน้ำ ทดสอบ"' in page and 'data-village="บ้านใหม่ทดสอบ"' in page

    # One is a community of the register under another name; the other is added to the register.
    assert admin.post(PAGE, {"name": "บ้านริมน้ำ ทดสอบ", "target": str(outside.pk)}).status_code == 302
    assert admin.post(PAGE, {"name": "บ้านใหม่ทดสอบ", "target": "new"}).status_code == 302
    page = admin.get(PAGE).content.decode()
    assert "data-village=" not in page
    assert 'data-mapped="บ้านริมน้ำ ทดสอบ"' in page and 'data-mapped="บ้านใหม่ทดสอบ"' in page
    with schema_context("kantang"):
        added = Community.objects.get(name="บ้านใหม่ทดสอบ")

    second = _import()
    assert "villages_not_in_register" not in by_file(second)["VILLAGE"]
    assert _communities() == {"95101": outside, "94101": added}
    with schema_context("kantang"):
        assert Household.objects.get(hospcode=HOSPCODE, hid="95101").community == outside.name


def test_a_bad_answer_is_refused_and_remembers_nothing(walled):
    from imports.models import ValueMapping

    admin = login(host_client("kantang.localhost"), "kantang", "admin")

    response = admin.post(PAGE, {"name": "บ้านริมน้ำ ทดสอบ", "target": "999999"})

    assert response.status_code == 400
    with schema_context("kantang"):
        assert not ValueMapping.objects.filter(dataset="moph43:village").exists()


def test_a_nurse_without_the_import_permission_cannot_map(walled):
    nurse = login(host_client("kantang.localhost"), "kantang", "volunteer")
    assert nurse.get(PAGE).status_code == 403
