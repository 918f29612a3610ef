"""The LTC pages, read in Thai by every role and by the demo caregiver (the full sweep of
tests/test_thai_pages.py reads them too, without the caregiver): no English, numbers grouped."""

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from ..test_thai_pages import SAMPLES, TENANT_URLS, Seeded, problems, routes, thai_client
from ..thai_text import typed_words


def ltc_pages() -> list[tuple[str, str]]:
    """(name, address) of every ltc page, parameters from the sweep's SAMPLES."""
    seeded, found = Seeded("kantang"), []
    for route in routes(TENANT_URLS):
        if not route.name.startswith("ltc:"):
            continue
        calls = (
            [k for k in SAMPLES[route.name](seeded) if set(k) == set(route.parameters)]
            if route.parameters
            else [{}]
        )
        found += [(route.name, reverse(route.name, kwargs=k, urlconf=TENANT_URLS)) for k in calls]
    return found


@pytest.mark.parametrize(
    "username",
    ("admin", "executive", "nurse", "volunteer", "caregiver", "ltc_fund", None),
    ids=lambda u: u or "citizen",
)
def test_every_ltc_page_is_thai_for_every_role(kantang, username, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    pages = ltc_pages()
    assert len(pages) > 15
    client = thai_client("kantang.localhost", "kantang", username)

    found = problems(client, pages, typed_words())

    assert not found, f"{len(found)} Latin words on Thai pages:\n" + "\n".join(found)


def test_the_demo_caregiver_opens_her_pages(kantang):
    from ltc.models import LtcCase

    client = thai_client("kantang.localhost", "kantang", "caregiver")
    with schema_context("kantang"):
        case = LtcCase.objects.filter(caregiver__user__username="caregiver").first()
    assert client.get("/ltc/my-people/").status_code == 200
    assert client.get(f"/ltc/cases/{case.pk}/visit/").status_code == 200
    assert client.get(f"/ltc/cases/{case.pk}/monthly/").status_code == 200


def test_the_caregivers_home_and_menu(kantang):
    client = thai_client("kantang.localhost", "kantang", "caregiver")
    home = client.get("/")
    assert home.status_code == 200
    assert "/ltc/my-people/" in home.content.decode()
