"""The keyed-record counts kept with the fingerprints are those of the registry after the import
(worked out from the import's own creations and attachments, not counted again), so that a
record removed since is noticed by the next import and its row applied again."""

import json

from smarthealth.models import Household, Moph43Digest, Person

from .conftest import home, import_bytes, person, row, zip_bytes


def _kept_counts() -> dict[str, int]:
    return json.loads(bytes(Moph43Digest.objects.get(kind="REGISTRY").digests))


def _counts() -> dict[str, int]:
    return {"person": Person.objects.filter(pid__isnull=False).count(),
            "household": Household.objects.filter(hid__isnull=False).count()}


def _export(*pids: str) -> bytes:
    return zip_bytes({
        "HOME": [home("H701"), home("H702")],
        "PERSON": [person(pid, hid="H701") for pid in pids],
        "CHRONIC": [row("CHRONIC", PID=pid, CHRONIC="E119", DATE_DIAG="20200101") for pid in pids],
    })


def test_it_keeps_the_counts_of_the_registry_after_the_import(in_kantang):
    first = import_bytes(_export("701", "702"))
    assert first.status == "done" and first.rejected == 0
    assert _kept_counts() == _counts()

    again = import_bytes(_export("701", "702", "703"))  # one more person
    assert (again.created, again.rejected) == (2, 0)  # the person and their condition
    assert _kept_counts() == _counts()


def test_a_person_removed_since_is_registered_again_by_the_same_export(in_kantang):
    content = _export("711", "712")
    import_bytes(content)
    Person.objects.filter(hospcode="07547", pid="712").update(hospcode=None, pid=None)  # the key erased

    again = import_bytes(content)

    results = {r["file"]: r for r in again.file_results}
    assert (results["PERSON"]["created"], results["PERSON"]["unchanged"]) == (1, 1)
    assert (results["CHRONIC"]["created"], results["CHRONIC"]["unchanged"]) == (1, 1)
    assert Person.objects.filter(hospcode="07547", pid="712").exists()
    assert _kept_counts() == _counts()
