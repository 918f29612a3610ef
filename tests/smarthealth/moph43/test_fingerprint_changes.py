"""Month after month, a file's fingerprints are kept as its full blob plus the changes since:
the third month reads both, and counts exactly what an import without any fingerprint counts."""

import pytest
from django.db import transaction

from smarthealth.models import Moph43Digest
from smarthealth.moph43.fingerprints import CHANGES
from smarthealth.moph43.sample import SampleOptions, build_export, next_month, zip_bytes

from .conftest import import_bytes


class _Undo(Exception):
    pass


def _counts(job) -> dict:
    return {r["file"]: (r["rows"], r["created"], r["updated"], r["unchanged"], r["rejected"])
            for r in job.file_results if r.get("used", True)}


def test_the_third_month_counts_as_without_fingerprints(in_kantang):
    january = build_export(SampleOptions(persons=400, seed=11))
    february = next_month(january, changed_share=0.01, seed=12)
    march = next_month(february, changed_share=0.01, seed=13)
    import_bytes(zip_bytes(january))
    import_bytes(zip_bytes(february))
    assert Moph43Digest.objects.filter(kind__endswith=CHANGES).exists()  # kept as changes

    with pytest.raises(_Undo), transaction.atomic():
        Moph43Digest.objects.all().delete()  # nothing kept: every row applied
        expected = _counts(import_bytes(zip_bytes(march)))
        raise _Undo

    got = import_bytes(zip_bytes(march))
    assert _counts(got) == expected
    again = import_bytes(zip_bytes(march))
    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert again.unchanged == again.rows
