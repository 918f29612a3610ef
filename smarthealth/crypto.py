"""Encryption and keyed hashing of national IDs (PDPA: health data is sensitive personal data).

A CID is stored twice, neither time readable: an encrypted token and a keyed HMAC-SHA256 for
exact lookup and uniqueness. A plain SHA-256 would not do: there are only ~10¹² valid IDs, so an
unkeyed hash is reversed by brute force in hours.

Tokens are AES-256-GCM-SIV (authenticated; a repeated random nonce leaks only that two IDs are
equal, never a key, unlike plain GCM): urlsafe base64 of version byte 0x82, a 12-byte nonce and
the ciphertext with its tag — 56 characters for a 13-digit ID. Each key is derived (HKDF) from an
entry of PDPA_ENCRYPTION_KEYS; the first entry encrypts, every entry decrypts, so keys rotate
(`cid_reencrypt`). The first tokens of the platform were Fernet (version byte 0x80, AES-128-CBC +
HMAC) from the same keys; they still decrypt and `cid_reencrypt` moves them to the current
format. GCM-SIV in bulk costs ~2 µs an ID against ~9 µs for Fernet: it is what lets an import
of a million persons encrypt in seconds (issue 5). The sealing itself is kernel.crypto's, shared
with every other secret the platform keeps (LINE channel credentials).
"""

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings

from kernel.crypto import InvalidToken, seal_many, unseal

__all__ = ["InvalidToken", "cid_decrypt", "cid_encrypt", "cid_encrypt_many", "cid_hash", "cid_hash_many",
           "cid_reencrypt", "passport_decrypt", "passport_encrypt", "passport_encrypt_many"]

AAD = b"cityplatform:cid"  # binds a token to its purpose: it cannot pass for another field's
# A foreigner's passport number (43-file PERSON.PASSPORT) is sealed the same way under its own
# purpose: a passport token cannot be presented as a national ID's, nor the reverse.
PASSPORT_AAD = b"cityplatform:passport"


def cid_encrypt_many(cids: Iterable[str]) -> list[str]:
    """Tokens for many IDs at once: one random read and one base64 pass for the whole batch."""
    return seal_many(cids, purpose=AAD)


def passport_encrypt_many(numbers: Iterable[str]) -> list[str]:
    return seal_many(numbers, purpose=PASSPORT_AAD)


def passport_encrypt(number: str) -> str:
    return seal_many([number], purpose=PASSPORT_AAD)[0]


def passport_decrypt(token: str) -> str:
    """Raises InvalidToken when no configured key opens the token (or it is not a passport's)."""
    return unseal(token, purpose=PASSPORT_AAD)  # passports were never sealed with Fernet


def cid_encrypt(cid: str) -> str:
    return cid_encrypt_many([cid])[0]


def cid_decrypt(token: str) -> str:
    """Raises InvalidToken when no configured key opens the token."""
    return unseal(token, purpose=AAD, fernet_allowed=True)


def cid_reencrypt(token: str) -> str:
    """The same CID under the current key and format (for a key-rotation job; old keys can then
    retire)."""
    return cid_encrypt(cid_decrypt(token))


def _hash_key() -> bytes:
    key = settings.PDPA_HASH_KEY
    return key.encode() if isinstance(key, str) else key


def cid_hash(cid: str) -> str:
    """Hex HMAC-SHA256 of an already normalised CID (see rules.normalise_national_id)."""
    return hmac.new(_hash_key(), cid.encode(), hashlib.sha256).hexdigest()


def cid_hash_many(cids: Iterable[str]) -> list[str]:
    # An HMAC object keyed once and copied per ID skips re-deriving the padded key each time.
    base = hmac.new(_hash_key(), digestmod=hashlib.sha256)
    out = []
    for cid in cids:
        mac = base.copy()
        mac.update(cid.encode())
        out.append(mac.hexdigest())
    return out
