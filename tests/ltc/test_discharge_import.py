"""A death in the health centre's 43-file export closes the LTC case in the same import."""

import datetime as dt

from django.utils import timezone
from django_tenants.utils import schema_context

from ltc.models import LtcCase
from ltc.services import case_enrol
from smarthealth.models import AdlAssessment, Person

from ..smarthealth.moph43.conftest import cid, home, import_bytes, person, zip_bytes


def test_a_43_file_discharge_closes_the_case(kantang):
    from accounts.models import User

    with schema_context("kantang"):
        nurse = User.objects.get(username="nurse")
        admin = User.objects.get(username="admin")
    homes = [home("7101", house="71/1")]
    first = import_bytes(
        zip_bytes({"HOME": homes, "PERSON": [person("7101", cid_=cid(7101), hid="7101")]}), user=admin
    )
    assert first.status == "done", first.reason
    with schema_context("kantang"):
        someone = Person.objects.get(hospcode="07547", pid="7101")
        AdlAssessment.objects.create(
            person=someone, score=3, group="bedbound", assessed_on=timezone.localdate() - dt.timedelta(days=5)
        )
        case = case_enrol(person=someone, user=nurse)

    died = person(
        "7101", cid_=cid(7101), hid="7101", discharge="1", ddischarge="20261120", d_update="20261121120000"
    )
    second = import_bytes(zip_bytes({"HOME": homes, "PERSON": [died]}), user=admin)

    assert second.status == "done", second.reason
    with schema_context("kantang"):
        case = LtcCase.objects.get(pk=case.pk)
        assert (case.status, case.status_since) == ("died", dt.date(2026, 11, 20))
