"""Sealing of secrets and personal data at rest: the one definition every app uses.

A token is urlsafe base64 of version byte 0x82, a 12-byte nonce and AES-256-GCM-SIV ciphertext
with its tag (authenticated; a repeated random nonce leaks only that two values are equal, never
a key, unlike plain GCM). Each key is derived (HKDF) from an entry of PDPA_ENCRYPTION_KEYS: the
first entry encrypts, every entry decrypts, so keys rotate. `purpose` is the associated data: a
token sealed for one field (a national ID, a LINE channel secret) cannot be presented as
another's. The first national-ID tokens were Fernet (version byte 0x80) from the same keys; only
callers that stored such tokens pass `fernet_allowed`.
"""

import base64
import os
from collections.abc import Iterable
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "seal", "seal_many", "unseal"]

VERSION = b"\x82"
NONCE = 12


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


def seal_many(texts: Iterable[str], *, purpose: bytes) -> list[str]:
    """Tokens for many values at once: one random read and one base64 pass for the whole batch."""
    values = [text.encode() for text in texts]
    if not values:
        return []
    encrypt = _keys()[0][0].encrypt
    nonces = os.urandom(NONCE * len(values))
    raw = []
    for i, value in enumerate(values):
        nonce = nonces[i * NONCE:(i + 1) * NONCE]
        raw.append(VERSION + nonce + encrypt(nonce, value, purpose))
    lengths = {len(token) for token in raw}
    if len(lengths) == 1 and next(iter(lengths)) % 3 == 0:
        # Equal lengths divisible by 3 (every 13-digit ID: 42 bytes) encode without padding, so
        # the batch is encoded in one call and cut into equal slices.
        size = next(iter(lengths)) // 3 * 4
        text = base64.urlsafe_b64encode(b"".join(raw)).decode()
        return [text[i:i + size] for i in range(0, len(text), size)]
    return [base64.urlsafe_b64encode(token).decode() for token in raw]


def seal(text: str, *, purpose: bytes) -> str:
    return seal_many([text], purpose=purpose)[0]


def unseal(token: str, *, purpose: bytes, fernet_allowed: bool = False) -> str:
    """Raises InvalidToken when no configured key opens the token for this purpose."""
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except (ValueError, TypeError):
        raise InvalidToken from None
    ciphers, fernet = _keys()
    if raw[:1] != VERSION:
        if not fernet_allowed:
            raise InvalidToken
        return fernet.decrypt(token.encode()).decode()
    nonce, sealed = raw[1:1 + NONCE], raw[1 + NONCE:]
    for cipher in ciphers:
        try:
            return cipher.decrypt(nonce, sealed, purpose).decode()
        except InvalidTag:
            continue
    raise InvalidToken
