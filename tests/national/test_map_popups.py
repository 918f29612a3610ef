"""The national map's popups and fallback outlines (national/maps.py): each municipality says what
it is and links to its console page; outlines are sent once per province."""

import json

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import translation

from national.services import national_snapshot_publish
from tenants.models import Municipality, Province

from ..helpers import host_client, login


def test_each_point_says_what_it_is_and_links_to_its_console_page(tiny_kantang, nueaklong):
    national_snapshot_publish(municipality=tiny_kantang)
    Province.objects.update_or_create(code="92", defaults={
        "name_th": "ตรัง", "boundary": MultiPolygon(Polygon.from_bbox((99.2, 7.2, 99.8, 7.8)), srid=4326)})
    platform = login(host_client("localhost"), "public", "platform")

    response = platform.get("/national/map/?indicator=bedridden")

    points = {p["name"]: p for p in response.context["points"]}
    kantang = points["เทศบาลเมืองกันตัง"]
    assert kantang["url"] == "/municipalities/kantang/"
    with translation.override("th"):  # its kind in words, never the stored code
        assert kantang["kind"] == str(Municipality.Kind(tiny_kantang.kind).label)
    assert kantang["date"]  # the snapshot's date
    config = response.context["map_config"]
    assert config["outlines"]["p:92"]["source"] == "province"
    assert kantang["outline"] == "p:92"
    assert 'id="national-map-config"' in response.text
    assert json.loads(response.text.split('id="national-map-config" type="application/json">')[1]
                      .split("</script>")[0])["text"]["open"] == "เปิดข้อมูลเทศบาล"
