"""Every page or download that shows personal data answers `Cache-Control: no-store` (issue 22,
finding 3): smart-health pages (through the module-wide middleware, so a view added later is
covered too), the staff request page with the reporter's contact and the request photo, the user
pages, and the error answers of those views."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from infrastructure.services import service_request_create
from kernel.personal import is_personal_view
from smarthealth.models import Household
from smarthealth.views import maps as health_maps

from .helpers import host_client, login
from .infrastructure.helpers import png_upload, point
from .smarthealth.conftest import person_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(in_kantang, media_root):
    volunteer = User.objects.get(username="volunteer")
    household = Household.objects.create(house_id="92020177001", house_no="77/1", moo=1,
                                         community="ชุมชนแคช", volunteer=volunteer)
    other = Household.objects.create(house_id="92020177002", house_no="77/2", moo=2, community="ชุมชนแคช")
    person = person_build(cid_seed=7701, household=household)
    outsider = person_build(cid_seed=7702, household=other)
    request = service_request_create(
        data={"category": "other", "description": "ท่อแตก", "location": point(0, 0),
              "reporter_name": "สมศรี ใจดี", "reporter_phone": "0812345678"},
        user=User.objects.get(username="engineer"), channel="phone", photo=png_upload(), link_nearest=False)
    return {"household": household, "person": person, "outsider": outsider, "request": request}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _pages(r) -> list[tuple[str, str, int]]:
    """(who, URL, expected status)."""
    person, household = r["person"].public_id, r["household"].pk
    health = [
        ("nurse", reverse("smarthealth:person-list"), 200),
        ("nurse", reverse("smarthealth:person-detail", args=[person]), 200),
        ("nurse", reverse("smarthealth:person-update", args=[person]), 200),
        ("nurse", reverse("smarthealth:household-list"), 200),
        ("nurse", reverse("smarthealth:household-detail", args=[household]), 200),
        ("nurse", reverse("smarthealth:household-update", args=[household]), 200),
        ("nurse", reverse("smarthealth:visit-list"), 200),
        ("nurse", reverse("smarthealth:visit-list") + "?tab=overdue", 200),
        ("volunteer", reverse("smarthealth:visit-list"), 200),
        ("volunteer", reverse("smarthealth:visit-create", args=[person]), 200),
        ("volunteer", reverse("smarthealth:adl-create", args=[person]), 200),
        ("nurse", reverse("smarthealth:screening-create", args=[person]), 200),
        ("nurse", reverse("smarthealth:care-lists"), 200),
        ("nurse", reverse("smarthealth:care-list", args=["elderly"]), 200),
        ("nurse", reverse("smarthealth:care-list", args=["bedridden"]) + "?print=1", 200),
        ("nurse", reverse("smarthealth:care-export", args=["elderly", "csv"]), 200),
        ("nurse", reverse("smarthealth:care-export", args=["disabled", "xlsx"]), 200),
        ("nurse", reverse("smarthealth:map"), 200),
        ("nurse", reverse("smarthealth:map-tiles", args=[14, 13020, 7838]), 200),
        ("nurse", reverse("smarthealth:map-popup", args=[household]), 200),
        ("admin", reverse("smarthealth:audit-log"), 200),
        ("admin", reverse("smarthealth:audit-log-export"), 200),
        # Refusals too: the error page of a personal view is not cached either.
        ("volunteer", reverse("smarthealth:person-detail", args=[r["outsider"].public_id]), 404),
        ("engineer", reverse("smarthealth:person-detail", args=[person]), 403),
    ]
    others = [
        ("engineer", reverse("infrastructure:request-detail", args=[r["request"].pk]), 200),
        ("engineer", reverse("infrastructure:request-photo", args=[r["request"].pk]), 200),
        ("engineer", reverse("infrastructure:request-create"), 200),
        ("admin", reverse("accounts:user-list"), 200),
        ("admin", reverse("accounts:user-update", args=[User.objects.get(username="nurse").pk]), 200),
        ("nurse", reverse("accounts:profile"), 200),
        (None, reverse("report:status", args=[r["request"].tracking_code]), 200),
    ]
    return health + others


def test_every_personal_page_and_download_answers_no_store(records):
    cache.clear()  # the citizens' status page counts look-ups per address
    clients: dict = {}
    for who, url, status in _pages(records):
        if who not in clients:
            clients[who] = host_client("kantang.localhost")
            if who:
                login(clients[who], "kantang", who)
        response = clients[who].get(url)
        assert response.status_code == status, url
        assert "no-store" in response.get("Cache-Control", ""), (url, response.get("Cache-Control"))


def test_the_middleware_covers_a_smart_health_view_without_a_decorator():
    """The map tiles carry no decorator of their own: the module prefix is what marks them."""
    assert not hasattr(health_maps.health_map_tile, "personal_data")
    assert is_personal_view(health_maps.health_map_tile)
