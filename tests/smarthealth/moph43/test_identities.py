"""Who is who while PERSON is read (identities.NewRecords): new persons get their ids before they
are inserted, the same for every row of a key and of a national ID, across chunks, so that later
files find them while PERSON's insert still runs on the server's thread."""

import pytest
from django_tenants.utils import schema_context

from smarthealth import crypto
from smarthealth.models import Household, Person

from .conftest import by_file, cid, home, import_bytes, person, row, zip_bytes


@pytest.fixture
def one_row_chunks(monkeypatch):
    # Every row its own chunk: what a key or an ID decided in one chunk holds in the next.
    monkeypatch.setattr("smarthealth.moph43.run.CHUNK_ROWS", 1)


def test_two_keys_with_one_national_id_are_one_new_person(in_kantang, one_row_chunks):
    content = zip_bytes({
        "HOME": [home("10")],
        "PERSON": [person("1", cid_=cid(7), hid="10"), person("2", cid_=cid(7), hid="10", name="สอง")],
        "CHRONIC": [row("CHRONIC", PID="2", DATE_DIAG="20200101", CHRONIC="E119", TYPEDISCH="03")],
    })
    job = import_bytes(content)

    assert job.status == "done", job.failure_reason
    assert by_file(job)["PERSON"]["created"] == 1
    assert by_file(job)["CHRONIC"]["rejected"] == 0
    with schema_context("kantang"):
        (one,) = Person.objects.filter(cid_hash=crypto.cid_hash(cid(7)))
        assert one.chronic_conditions == ["DM"]  # PID 2's row found PID 1's new person
        assert Person.objects.filter(hospcode="07547").count() == 1


def test_a_key_twice_is_one_person_with_its_newest_row(in_kantang, one_row_chunks):
    content = zip_bytes({
        "PERSON": [
            person("1", name="เก่า", d_update="20250101120000"),
            person("1", cid_=cid(8), name="ใหม่", d_update="20250201120000"),
        ],
        "FUNCTIONAL": [row("FUNCTIONAL", PID="1", SEQ="1", DATE_SERV="20250105", FUNCTIONAL_TEST="01",
                           TESTRESULT="9")],
    })
    job = import_bytes(content)

    assert job.status == "done", job.failure_reason
    assert by_file(job)["PERSON"]["created"] == 1
    with schema_context("kantang"):
        (one,) = Person.objects.filter(hospcode="07547", pid="1")
        assert one.first_name == "ใหม่"
        assert one.cid_hash == crypto.cid_hash(cid(8))
        assert one.adl_assessments.get().score == 9


def test_an_id_another_registered_person_holds_is_left_off_the_new_one(in_kantang, one_row_chunks):
    first = import_bytes(zip_bytes({"PERSON": [person("5", cid_=cid(9), name="เดิม")]}))
    assert first.status == "done", first.failure_reason

    # PID 6 is new; its newer row names the ID PID 5 holds: the key keeps its own new person,
    # without the ID (a unique ID is never given twice), and the row says so.
    job = import_bytes(zip_bytes({"PERSON": [
        person("6", name="หก", d_update="20250101120000"),
        person("6", cid_=cid(9), name="หก", d_update="20250201120000"),
    ]}))

    assert job.status == "done", job.failure_reason
    assert by_file(job)["PERSON"]["created"] == 1
    assert by_file(job)["PERSON"]["warnings"] >= 1
    with schema_context("kantang"):
        holder = Person.objects.get(hospcode="07547", pid="5")
        new = Person.objects.get(hospcode="07547", pid="6")
        assert holder.cid_hash == crypto.cid_hash(cid(9))
        assert new.cid_hash is None


def test_two_hids_with_one_house_id_are_one_new_household(in_kantang, one_row_chunks):
    # HOME's insert, too, runs while PERSON is read: PERSON rows of either HID find the household.
    content = zip_bytes({
        "HOME": [home("10", house_id="92090100011"), home("11", house_id="92090100011", house="2/2")],
        "PERSON": [person("1", cid_=cid(21), hid="10"), person("2", cid_=cid(22), hid="11")],
    })
    job = import_bytes(content)

    assert job.status == "done", job.failure_reason
    assert by_file(job)["HOME"]["created"] == 1
    with schema_context("kantang"):
        (house,) = Household.objects.filter(house_id="92090100011")
        assert sorted(house.members.values_list("pid", flat=True)) == ["1", "2"]
