"""The register through the forms: the asset, request, household and citizens' report forms offer
the register's communities in a drop-down (no free text), and what is picked is saved."""

import json
import re

from django.urls import reverse
from django_tenants.utils import schema_context

from infrastructure.models import Asset, ServiceRequest
from smarthealth.models import Household

from ..helpers import host_client, login
from .conftest import LAT, LON

URLCONF = "cityplatform.urls_tenant"
OUTSIDE = (LON + 0.02, LAT + 0.02)


def client_for(username):
    return login(host_client("kantang.localhost"), "kantang", username)


def select_options(page: str, name: str) -> list[str]:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no <select name={name}>"
    return re.findall(r'<option value="([^"]*)"', match.group(1))


def asset_post(**overrides):
    return {"code": "CF-LIGHT-1", "asset_type": "streetlight", "name": "เสาไฟทดสอบทะเบียน",
            "geometry": json.dumps({"type": "Point", "coordinates": list(OUTSIDE)}), "condition": "good",
            "status": "in_use", "installed_on": "", "notes": "", **overrides}


def test_the_asset_form_offers_the_register_and_saves_the_pick(walled):
    inside, outside = walled
    client = client_for("engineer")
    page = client.get(reverse("infrastructure:asset-create", urlconf=URLCONF)).content.decode()
    options = select_options(page, "community")
    assert options[0] == "" and outside.name in options and inside.name in options
    assert "<datalist" not in page
    response = client.post(reverse("infrastructure:asset-create", urlconf=URLCONF),
                           asset_post(community=outside.name))
    assert response.status_code == 302
    asset = Asset.objects.get(code="CF-LIGHT-1")
    assert (asset.community_ref, asset.community) == (outside, outside.name)
    edit_url = reverse("infrastructure:asset-update", args=[asset.pk], urlconf=URLCONF)
    edit = client.get(edit_url).content.decode()
    assert f'<option value="{outside.name}" selected>' in edit


def test_the_asset_form_refuses_a_typed_name(walled):
    client = client_for("engineer")
    response = client.post(reverse("infrastructure:asset-create", urlconf=URLCONF),
                           asset_post(community="ชุมชนพิมพ์เอง"))
    assert response.status_code == 400
    assert "เลือกชุมชนจากทะเบียน" in response.content.decode()
    assert not Asset.objects.filter(code="CF-LIGHT-1").exists()


def test_the_staff_request_form_saves_the_picked_community(walled):
    _inside, outside = walled
    client = client_for("engineer")
    page = client.get(reverse("infrastructure:request-create", urlconf=URLCONF)).content.decode()
    assert outside.name in select_options(page, "community")
    response = client.post(reverse("infrastructure:request-create", urlconf=URLCONF), {
        "channel": "phone", "category": "drain", "priority": "normal", "description": "ท่อตันทดสอบทะเบียน",
        "latitude": "", "longitude": "", "address_text": "ซอยวัด", "community": outside.name})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ServiceRequest.objects.get(description="ท่อตันทดสอบทะเบียน").community_ref == outside


def test_the_household_form_saves_the_picked_community(walled):
    _inside, outside = walled
    client = client_for("nurse")
    page = client.get(reverse("smarthealth:household-create", urlconf=URLCONF)).content.decode()
    assert outside.name in select_options(page, "community")
    response = client.post(reverse("smarthealth:household-create", urlconf=URLCONF), {
        "house_id": "99999000971", "house_no": "9/1", "moo": "97", "community": outside.name, "road": "",
        "subdistrict_code": "", "lat": "", "lon": "", "volunteer": ""})
    assert response.status_code == 302
    household = Household.objects.get(house_id="99999000971")
    assert (household.community_ref, household.community) == (outside, outside.name)


def test_the_citizens_report_offers_the_register_and_saves_the_pick(walled):
    _inside, outside = walled
    client = host_client("kantang.localhost")
    page = client.get("/report/").content.decode()
    assert f'<option value="{outside.name}">' in page
    response = client.post("/report/", {"category": "drain", "description": "น้ำท่วมขังทดสอบทะเบียน",
                                        "address_text": "หน้าโรงเรียน", "community": outside.name,
                                        "notify_channel": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    with schema_context("kantang"):
        created = ServiceRequest.objects.get(description="น้ำท่วมขังทดสอบทะเบียน")
    assert created.community_ref == outside
