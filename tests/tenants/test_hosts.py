"""Host names route case-insensitively, and the host → municipality cache stays bounded whatever
Host headers a client invents."""

import pytest

from tenants.models import Domain
from tenants.routing import tenant_cache_size, tenant_for_host

from ..helpers import host_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["KANTANG.localhost", "Kantang.LocalHost", "kantang.localhost."])
def test_a_host_in_capitals_routes_like_its_lower_case(kantang, host):
    response = host_client(host).get("/open311/v2/services.json")

    assert response.status_code == 200
    assert response.json()[0]["service_code"]
    assert tenant_for_host(host).schema_name == "kantang"


def test_a_domain_stored_with_capitals_still_routes(kantang):
    Domain.objects.create(domain="Old-Kantang.localhost", tenant=kantang)

    assert tenant_for_host("old-kantang.localhost").schema_name == "kantang"


def test_random_host_headers_do_not_grow_the_cache_without_bound(db, settings):
    settings.TENANT_CACHE_MAX_HOSTS = 50
    for n in range(200):
        with pytest.raises(Domain.DoesNotExist):
            tenant_for_host(f"scan-{n}.localhost")

    assert tenant_cache_size() == 50


def test_the_hosts_in_use_stay_cached_while_unknown_ones_churn(kantang, settings, django_assert_num_queries):
    settings.TENANT_CACHE_MAX_HOSTS = 10
    tenant_for_host("kantang.localhost")
    for n in range(30):
        tenant_for_host("kantang.localhost")  # in use: moved to the recent end each time
        with pytest.raises(Domain.DoesNotExist):
            tenant_for_host(f"scan-{n}.localhost")

    with django_assert_num_queries(0):
        assert tenant_for_host("KANTANG.localhost").schema_name == "kantang"


def test_an_unknown_host_is_404(db):
    assert host_client("nowhere.localhost").get("/").status_code == 404
