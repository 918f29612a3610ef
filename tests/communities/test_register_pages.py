"""The register's pages: the administrator lists, adds and edits communities on a phone-sized
form, the boundary drawn on the map or uploaded as GeoJSON; other staff read the list only."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context

from communities.models import Community

from ..helpers import host_client, login
from .conftest import LAT, LON, SQUARE

URLCONF = "cityplatform.urls_tenant"


def url(name, *args):
    return reverse(f"communities:{name}", args=args, urlconf=URLCONF)


def client_for(username):
    return login(host_client("kantang.localhost"), "kantang", username)


def test_the_admin_adds_a_community_with_a_drawn_boundary_and_thai_moo_digits(in_kantang):
    client = client_for("admin")
    form = client.get(url("create"))
    assert form.status_code == 200
    page = form.content.decode()
    assert 'name="boundary"' in page and 'name="boundary_file"' in page and "ชื่อ" in page
    response = client.post(url("create"), {"name": "  ชุมชนทดสอบ  วาดเขต ", "moos": "3, ๔",
                                           "boundary": SQUARE.geojson})
    assert response.status_code == 302 and response["Location"] == url("list")
    community = Community.objects.get(name="ชุมชนทดสอบ วาดเขต")
    assert community.moos == [3, 4]
    assert community.boundary.equals_exact(SQUARE, tolerance=1e-9)
    assert community.boundary.covers(community.centre)  # a centre inside, when none is given
    listing = client.get(url("list")).content.decode()
    assert "ชุมชนทดสอบ วาดเขต" in listing and "3, 4" in listing


def test_the_admin_uploads_the_boundary_as_geojson(in_kantang):
    client = client_for("admin")
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": json.loads(SQUARE[0].geojson)}]}
    upload = SimpleUploadedFile("boundary.geojson", json.dumps(collection).encode(), "application/geo+json")
    response = client.post(url("create"), {"name": "ชุมชนทดสอบอัปโหลด", "moos": "", "boundary": "",
                                           "boundary_file": upload, "centre_lat": str(LAT),
                                           "centre_lon": str(LON)})
    assert response.status_code == 302
    community = Community.objects.get(name="ชุมชนทดสอบอัปโหลด")
    assert community.boundary.geom_type == "MultiPolygon" and community.boundary.covers(community.centre)
    assert (round(community.centre.x, 4), round(community.centre.y, 4)) == (round(LON, 4), round(LAT, 4))


@pytest.mark.parametrize("data, message", [
    ({"name": "ชุมชน ทดสอบมีเขต"}, "สะกด"),  # the same name with other spaces
    ({"name": "ชุมชนใหม่ทดสอบ", "moos": "สาม"}, "หมู่"),
    ({"name": "ชุมชนใหม่ทดสอบ", "boundary": '{"type": "Point", "coordinates": [98.98, 18.78]}'}, "พื้นที่"),
])
def test_a_bad_community_is_refused_with_a_thai_message(walled, data, message):
    client = client_for("admin")
    before = Community.objects.count()
    response = client.post(url("create"), {"moos": "", "boundary": "", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Community.objects.count() == before


def test_the_admin_renames_a_community_and_keeps_its_boundary(walled):
    inside, _outside = walled
    client = client_for("admin")
    page = client.get(url("edit", inside.pk)).content.decode()
    assert "ชุมชนทดสอบมีเขต" in page
    response = client.post(url("edit", inside.pk), {"name": "ชุมชนทดสอบมีเขตใหม่", "moos": "96",
                                                    "boundary": inside.boundary.geojson})
    assert response.status_code == 302
    inside.refresh_from_db()
    assert inside.name == "ชุมชนทดสอบมีเขตใหม่" and inside.boundary is not None


def test_other_staff_read_the_list_but_may_not_change_it(walled):
    inside, _outside = walled
    for username in ("engineer", "nurse", "executive"):
        client = client_for(username)
        listing = client.get(url("list"))
        assert listing.status_code == 200 and "ชุมชนทดสอบมีเขต" in listing.content.decode()
        assert url("create") not in listing.content.decode()
        assert client.get(url("create")).status_code == 403
        assert client.post(url("edit", inside.pk), {"name": "x"}).status_code == 403
    with schema_context("kantang"):
        assert host_client("kantang.localhost").get(url("list")).status_code == 302  # to the login page
