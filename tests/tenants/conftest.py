"""Fixtures of the onboarding tests: a tiny gazetteer (one province, one district, three
subdistricts, made up here but shaped as the DOPA codes are) and the platform team's client."""

import pytest
from django.contrib.gis.geos import Point

from tenants.models import District, Province, Subdistrict

from ..helpers import host_client, login

# (code, Thai name, English name, lat, lon): in Trang, away from kantang's 920201.
SUBDISTRICTS = (
    ("920501", "บ่อหิน", "Bo Hin", 7.5801, 99.3602),
    ("920502", "เขาไม้แก้ว", "Khao Mai Kaeo", 7.6403, 99.3307),
    ("920503", "กะลาเส", "Kalase", 7.5102, 99.3104),
)


@pytest.fixture
def tiny_gazetteer(db):
    """Loaded inside the test's transaction: other tests still see an empty gazetteer."""
    province = Province.objects.create(code="92", name_th="ตรัง", name_en="Trang")
    district = District.objects.create(code="9205", province=province, name_th="สิเกา", name_en="Sikao")
    for code, name_th, name_en, lat, lon in SUBDISTRICTS:
        Subdistrict.objects.create(code=code, district=district, name_th=name_th, name_en=name_en,
                                   centre=Point(lon, lat, srid=4326))
    return province


@pytest.fixture
def platform_client(db):
    return login(host_client("localhost"), "public", "platform")


@pytest.fixture(scope="module")
def release_template(django_db_setup, django_db_blocker):
    """This release's schema template, as `make run` builds it (migrate_municipalities): a test
    module that provisions several municipalities restores them (~0.2 s each) instead of
    migrating each (~1.5 s). Removed afterwards when this fixture built it, so the template tests
    still start without one."""
    from tenants.models import SchemaTemplate
    from tenants.services.provisioning import schema_template_current, schema_template_ensure

    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        # Other tests' browser leaves an event loop in this thread; these are plain sync calls.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        built = schema_template_current() is None
        template = schema_template_ensure()
        yield template
        if built:
            SchemaTemplate.objects.filter(pk=template.pk).delete()
