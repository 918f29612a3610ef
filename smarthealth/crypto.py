"""Encryption and keyed hashing of national IDs (PDPA: health data is sensitive personal data).

A CID is stored twice, neither time readable: a Fernet token (AES-128-CBC + HMAC; MultiFernet so
keys rotate: the first key of PDPA_ENCRYPTION_KEYS encrypts, every key decrypts) and a keyed
HMAC-SHA256 for exact lookup and uniqueness. A plain SHA-256 would not do: there are only ~10¹²
valid IDs, so an unkeyed hash is reversed by brute force in hours.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _fernet() -> MultiFernet:
    # Keyed by the settings value, so override_settings in tests (and rotation) take effect.
    return _fernet_for(tuple(settings.PDPA_ENCRYPTION_KEYS))


def cid_encrypt(cid: str) -> str:
    return _fernet().encrypt(cid.encode()).decode()


def cid_decrypt(token: str) -> str:
    """Raises cryptography.fernet.InvalidToken when no configured key opens the token."""
    return _fernet().decrypt(token.encode()).decode()


def cid_reencrypt(token: str) -> str:
    """The same CID under the current key (for a key-rotation job; old keys can then retire)."""
    return _fernet().rotate(token.encode()).decode()


def cid_hash(cid: str) -> str:
    """Hex HMAC-SHA256 of an already normalised CID (see rules.normalise_cid)."""
    key = settings.PDPA_HASH_KEY
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, cid.encode(), hashlib.sha256).hexdigest()
