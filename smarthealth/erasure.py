"""How an erased person is recognised (PDPA erasure, services.pdpa.person_erase).

An erased person keeps their row, so the non-identifying care records (ADL scores, screenings,
visit measurements) still count in the municipality's figures, but nothing that names them: no
name, phone, household or national ID. The national ID's keyed hash is replaced by this marker
and a random part, which keeps `cid_hash` unique (the constraint stays) while freeing the real ID
to be registered again; no HMAC-SHA256 hex digest can start with it.
"""

from django.db.models import Q
from django.dispatch import Signal

ERASED_HASH_PREFIX = "erased:"

# Sent by person_erase inside its transaction (sender=Person, person=, summary=): a module that
# keeps records of its own about persons (ltc) empties what names them there and adds its counts
# to `summary`, so one erasure reaches them without the health module importing that module.
person_erased = Signal()


def erased_q() -> Q:
    """Matches erased persons (exclude() it wherever persons are listed)."""
    return Q(cid_hash__startswith=ERASED_HASH_PREFIX)


def is_erased(person) -> bool:
    return str(person.cid_hash or "").startswith(ERASED_HASH_PREFIX)
