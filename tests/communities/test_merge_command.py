"""merge_communities: today's free-text names → the register, previewed first, then applied once
(running it again changes nothing)."""

import io

from django.contrib.gis.geos import Point
from django.core.management import call_command
from django_tenants.utils import schema_context

from communities.models import Community
from infrastructure.models import Asset, ServiceRequest
from smarthealth.models import Household

from .conftest import LAT, LON

FAR = Point(LON + 0.03, LAT + 0.03, srid=4326)


def merge(*args) -> str:
    out = io.StringIO()
    call_command("merge_communities", "--schema", "kantang", *args, stdout=out)
    return out.getvalue()


def test_it_previews_then_merges_spellings_and_is_idempotent(walled):
    inside, outside = walled
    with schema_context("kantang"):
        # Free text as the old forms saved it: spaces, a typo, a name the register lacks.
        Asset.objects.create(code="MC-1", asset_type="hydrant", name="ก", geometry=FAR,
                             community="ชุมชน ทดสอบไม่มีเขต")
        Asset.objects.create(code="MC-2", asset_type="hydrant", name="ข", geometry=FAR,
                             community="ชุมชนทดสอบไม่มีเขด")  # ต → ด
        Asset.objects.create(code="MC-3", asset_type="hydrant", name="ค", geometry=FAR,
                             community="ชุมชนบางหมากทดสอบ")
        Household.objects.create(house_id="99999000991", house_no="1", moo=95, community="ชุมชน บางหมากทดสอบ")
        Household.objects.create(house_id="99999000992", house_no="2", moo=95, community="ชุมชนบางหมากทดสอบ")
        # A point inside the boundary wins over its text.
        Household.objects.create(house_id="99999000993", house_no="3", community="ชุมชนบางหมากทดสอบ",
                                 location=Point(LON, LAT, srid=4326))
        request = ServiceRequest.objects.create(category="drain", description="ท่อทดสอบรวม", channel="phone",
                                                location=Point(LON + 0.001, LAT, srid=4326),
                                                due_at="2030-01-01T00:00:00Z")
        before = Community.objects.count()

    preview = merge()
    assert "ชุมชน ทดสอบไม่มีเขต → ชุมชนทดสอบไม่มีเขต" in preview and "exact" in preview
    assert "ชุมชนทดสอบไม่มีเขด → ชุมชนทดสอบไม่มีเขต" in preview and "near" in preview
    assert "ชุมชน บางหมากทดสอบ → ชุมชนบางหมากทดสอบ" in preview and "new" in preview
    assert "--apply" in preview
    with schema_context("kantang"):
        assert Community.objects.count() == before  # a preview writes nothing
        assert Asset.objects.get(code="MC-1").community_ref is None

    merge("--apply")
    with schema_context("kantang"):
        assert Community.objects.count() == before + 1
        bangmak = Community.objects.get(name="ชุมชนบางหมากทดสอบ")
        assert bangmak.moos == [95]
        merged = Asset.objects.filter(code__startswith="MC-")
        assets = {a.code: (a.community_ref, a.community) for a in merged}
        assert assets == {"MC-1": (outside, outside.name), "MC-2": (outside, outside.name),
                          "MC-3": (bangmak, bangmak.name)}
        ours = Household.objects.filter(house_id__startswith="999990009")
        houses = {h.house_id: h.community_ref for h in ours}
        assert houses == {"99999000991": bangmak, "99999000992": bangmak, "99999000993": inside}
        assert Household.objects.get(house_id="99999000991").community == "ชุมชนบางหมากทดสอบ"
        request.refresh_from_db()
        assert request.community_ref == inside

    again = merge("--apply")
    assert "applied: created 0" in again
    assert all(count == "0" for count in _counts(again).values()), again


def _counts(output: str) -> dict[str, str]:
    line = next(line for line in output.splitlines() if "applied:" in line)
    pairs = [part.strip().rsplit(" ", 1) for part in line.split("applied:")[1].split(",")]
    return dict(pairs)
