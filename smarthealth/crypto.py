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
of a million persons encrypt in seconds (issue 5).
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "cid_decrypt", "cid_encrypt", "cid_encrypt_many", "cid_hash", "cid_hash_many",
           "cid_reencrypt", "passport_decrypt", "passport_encrypt", "passport_encrypt_many"]

VERSION = b"\x82"
NONCE = 12
AAD = b"cityplatform:cid"  # binds a token to its purpose: it cannot pass for another field's
# A foreigner's passport number (43-file PERSON.PASSPORT) is sealed the same way under its own
# purpose: a passport token cannot be presented as a national ID's, nor the reverse.
PASSPORT_AAD = b"cityplatform:passport"


def _derive(key: str) -> AESGCMSIV:
    material = base64.urlsafe_b64decode(key)
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"cityplatform cid aes-gcm-siv v2")
    return AESGCMSIV(kdf.derive(material))


@lru_cache(maxsize=4)
def _keys_for(keys: tuple[str, ...]) -> tuple[list[AESGCMSIV], MultiFernet]:
    return [_derive(key) for key in keys], MultiFernet([Fernet(key) for key in keys])


def _keys() -> tuple[list[AESGCMSIV], MultiFernet]:
    # Keyed by the settings value, so override_settings in tests (and rotation) take effect.
    return _keys_for(tuple(settings.PDPA_ENCRYPTION_KEYS))


def cid_encrypt_many(cids: Iterable[str]) -> list[str]:
    """Tokens for many IDs at once: one random read and one base64 pass for the whole batch."""
    return _encrypt_many(cids, AAD)


def passport_encrypt_many(numbers: Iterable[str]) -> list[str]:
    return _encrypt_many(numbers, PASSPORT_AAD)


def passport_encrypt(number: str) -> str:
    return _encrypt_many([number], PASSPORT_AAD)[0]


def passport_decrypt(token: str) -> str:
    """Raises InvalidToken when no configured key opens the token (or it is not a passport's)."""
    return _decrypt(token, PASSPORT_AAD, fernet_allowed=False)


def _encrypt_many(texts: Iterable[str], aad: bytes) -> list[str]:
    values = [text.encode() for text in texts]
    if not values:
        return []
    encrypt = _keys()[0][0].encrypt
    nonces = os.urandom(NONCE * len(values))
    raw = []
    for i, value in enumerate(values):
        nonce = nonces[i * NONCE:(i + 1) * NONCE]
        raw.append(VERSION + nonce + encrypt(nonce, value, aad))
    lengths = {len(token) for token in raw}
    if len(lengths) == 1 and next(iter(lengths)) % 3 == 0:
        # Equal lengths divisible by 3 (every 13-digit ID: 42 bytes) encode without padding, so
        # the batch is encoded in one call and cut into equal slices.
        size = next(iter(lengths)) // 3 * 4
        text = base64.urlsafe_b64encode(b"".join(raw)).decode()
        return [text[i:i + size] for i in range(0, len(text), size)]
    return [base64.urlsafe_b64encode(token).decode() for token in raw]


def cid_encrypt(cid: str) -> str:
    return cid_encrypt_many([cid])[0]


def cid_decrypt(token: str) -> str:
    """Raises InvalidToken when no configured key opens the token."""
    return _decrypt(token, AAD, fernet_allowed=True)


def _decrypt(token: str, aad: bytes, *, fernet_allowed: bool) -> str:
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except (ValueError, TypeError):
        raise InvalidToken from None
    ciphers, fernet = _keys()
    if raw[:1] != VERSION:
        if not fernet_allowed:  # passports were never sealed with Fernet
            raise InvalidToken
        return fernet.decrypt(token.encode()).decode()
    nonce, sealed = raw[1:1 + NONCE], raw[1 + NONCE:]
    for cipher in ciphers:
        try:
            return cipher.decrypt(nonce, sealed, aad).decode()
        except InvalidTag:
            continue
    raise InvalidToken


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
