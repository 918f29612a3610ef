"""National IDs are stored encrypted and hashed with keys that can rotate, never in plain text."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection
from django.test import override_settings

from smarthealth import crypto
from smarthealth.models import Person

from .conftest import make_cid, person_build

CID = "1234567890121"


def test_an_id_survives_encryption_and_the_token_is_not_the_id():
    token = crypto.cid_encrypt(CID)
    assert CID not in token
    assert crypto.cid_decrypt(token) == CID
    assert crypto.cid_encrypt(CID) != token  # random IV: equal IDs do not look equal


def test_the_hash_is_keyed_and_stable():
    assert crypto.cid_hash(CID) == crypto.cid_hash(CID)
    assert len(crypto.cid_hash(CID)) == 64
    first = crypto.cid_hash(CID)
    with override_settings(PDPA_HASH_KEY="another-key"):
        assert crypto.cid_hash(CID) != first


def test_an_old_key_still_decrypts_after_rotation_and_rotate_moves_to_the_new_key():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(PDPA_ENCRYPTION_KEYS=[old]):
        token = crypto.cid_encrypt(CID)
    with override_settings(PDPA_ENCRYPTION_KEYS=[new, old]):
        assert crypto.cid_decrypt(token) == CID
        rotated = crypto.cid_reencrypt(token)
    with override_settings(PDPA_ENCRYPTION_KEYS=[new]):
        assert crypto.cid_decrypt(rotated) == CID
        with pytest.raises(InvalidToken):
            crypto.cid_decrypt(token)


def test_a_person_is_found_by_the_hash_of_their_id(in_kantang):
    person = person_build(cid_seed=11)
    found = Person.objects.get(cid_hash=crypto.cid_hash(make_cid(11)))
    assert found == person
    assert found.cid == make_cid(11)
    assert found.cid_last3 == make_cid(11)[-3:]
    assert found.cid_masked.startswith("x-xxxx-xxxxx-")


def test_the_id_never_reaches_the_database_in_plain_text(in_kantang):
    cid = make_cid(12)
    person = person_build(cid_seed=12)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM smarthealth_person WHERE id = %s", [person.pk])
        row = cursor.fetchone()
    assert row is not None
    assert not any(cid in str(value) for value in row)
    assert not any(cid[:12] in str(value) for value in row)


def test_str_of_a_person_says_neither_name_nor_id(in_kantang):
    person = person_build(cid_seed=13, first_name="สมหญิง", last_name="ลับมาก")
    text = str(person)
    assert "สมหญิง" not in text and "ลับมาก" not in text and make_cid(13) not in text
    assert str(person.public_id)[:8] in text


def test_tokens_written_by_the_first_version_fernet_still_open_and_rotate_to_the_current_format():
    key = Fernet.generate_key().decode()
    legacy = Fernet(key.encode()).encrypt(CID.encode()).decode()
    with override_settings(PDPA_ENCRYPTION_KEYS=[key]):
        assert crypto.cid_decrypt(legacy) == CID
        current = crypto.cid_reencrypt(legacy)
        assert current != legacy and len(current) == 56 and crypto.cid_decrypt(current) == CID


def test_many_ids_are_sealed_at_once_each_with_its_own_nonce():
    cids = [make_cid(n) for n in range(50)] + [CID, CID]
    tokens = crypto.cid_encrypt_many(cids)
    assert [crypto.cid_decrypt(t) for t in tokens] == cids
    assert len(set(tokens)) == len(tokens)  # equal IDs do not give equal tokens
    assert crypto.cid_encrypt_many([]) == []
    assert crypto.cid_hash_many(cids) == [crypto.cid_hash(c) for c in cids]


def test_a_tampered_or_foreign_token_is_refused():
    token = crypto.cid_encrypt(CID)
    flipped = token[:30] + ("A" if token[30] != "A" else "B") + token[31:]
    for bad in (flipped, "not a token", ""):
        with pytest.raises(InvalidToken):
            crypto.cid_decrypt(bad)
    with override_settings(PDPA_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        with pytest.raises(InvalidToken):
            crypto.cid_decrypt(token)
