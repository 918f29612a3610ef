"""The demo seed gives each pilot one register that both domains use: the same community names on
assets, requests and households, every row pointing at its entry."""

import pytest
from django.db.models import F
from django_tenants.utils import schema_context

from communities.models import Community
from infrastructure.models import Asset, ServiceRequest
from smarthealth.models import Household


@pytest.mark.parametrize("schema", ["kantang", "nueaklong"])
def test_both_domains_of_a_pilot_share_one_register(db, schema):
    with schema_context(schema):
        register = set(Community.objects.values_list("name", flat=True))
        assert len(register) == 16  # two per moo, moo 1–8
        assert not Household.objects.filter(community_ref=None).exists()
        assert not Asset.objects.filter(community_ref=None).exists()
        assert not ServiceRequest.objects.exclude(location=None).filter(community_ref=None).exists()
        health = set(Household.objects.values_list("community", flat=True))
        assets = set(Asset.objects.values_list("community", flat=True))
        assert health == register and assets <= register and len(assets) > 9
        # The name kept beside the entry is the entry's.
        assert not Asset.objects.exclude(community=F("community_ref__name")).exists()
        assert not Household.objects.exclude(community=F("community_ref__name")).exists()
        assert all(c.moos and c.centre is not None for c in Community.objects.all())

