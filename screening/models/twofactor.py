"""Second-factor secrets at rest: authenticator keys encrypted, recovery codes kept only as hashes.

django-otp's own tables are kept (its throttling, its replay guard, the session's device id), but
what they store is not enough to pass the second factor:

- `SealedTOTPDevice` is a proxy of django-otp's TOTPDevice whose `key` column holds the secret
  sealed with AES-GCM under FIELD_ENCRYPTION_KEY ("<key id>$<nonce+ciphertext+tag>", 73 characters,
  within the column's 80); django-otp's code reads the secret through `bin_key`, which unseals it.
- Recovery codes stay django-otp StaticTokens, but the token column holds `recovery_code_digest()`
  of the code, a keyed hash (upper case base32, where a code in clear is lower case), and the code a
  therapist types is hashed the same way before django-otp compares it.

FIELD_ENCRYPTION_KEY is one or more comma-separated keys (32 random bytes, URL-safe base64): the
first seals, every one unseals, so a new key goes in front and `manage.py reseal_totp_keys`
re-seals every device under it before the old key is dropped (README "Security").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_otp.plugins.otp_totp.models import TOTPDevice

_SEP = "$"
_NONCE_BYTES = 12
# Bound into every sealed value, so a sealed key cannot be moved into another kind of field.
_PURPOSE = b"screening.totp-key"


class SecretUnreadable(Exception):
    """A sealed secret that no key in FIELD_ENCRYPTION_KEY opens (a wrong or dropped key)."""


def _keys() -> list[bytes]:
    keys = []
    for text in settings.FIELD_ENCRYPTION_KEY.split(","):
        try:
            key = base64.urlsafe_b64decode(text.strip().encode())
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEY must be comma-separated keys of 32 random bytes in URL-safe base64"
            )
        keys.append(key)
    return keys


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"key-id:" + key).hexdigest()[:8]


def seal(secret: bytes) -> str:
    """The secret encrypted under the first FIELD_ENCRYPTION_KEY, as stored text."""
    key = _keys()[0]
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, secret, _PURPOSE)
    return f"{_key_id(key)}{_SEP}{base64.urlsafe_b64encode(sealed).decode().rstrip('=')}"


def unseal(stored: str) -> bytes:
    """The secret again; SecretUnreadable if no configured key opens it."""
    key_id, _, text = stored.partition(_SEP)
    by_id = {_key_id(k): k for k in _keys()}
    if not text or key_id not in by_id:
        raise SecretUnreadable(f"no FIELD_ENCRYPTION_KEY has id {key_id!r}")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    try:
        return AESGCM(by_id[key_id]).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _PURPOSE)
    except InvalidTag:
        raise SecretUnreadable("the sealed key was changed or the key is wrong") from None


def is_sealed(stored: str) -> bool:
    return _SEP in stored


def sealed_with_current_key(stored: str) -> bool:
    return stored.partition(_SEP)[0] == _key_id(_keys()[0])


def recovery_code_digests(code: str) -> list[str]:
    """What may be stored for a recovery code: its HMAC under each FIELD_ENCRYPTION_KEY (the
    current key's first), 80 bits as 16 upper-case base32 letters.

    Keyed, not a plain hash: django-otp's codes are 8 letters (40 bits), few enough to try every
    one against a plain hash from a database dump; without the key a dump tells nothing.
    """
    digests = []
    for key in _keys():
        mac = hmac.new(hashlib.sha256(b"recovery-codes:" + key).digest(), code.encode(), "sha256")
        digests.append(base64.b32encode(mac.digest()).decode()[:16])
    return digests


def recovery_code_digest(code: str) -> str:
    """The digest stored for a new recovery code: under the current key."""
    return recovery_code_digests(code)[0]


class SealedTOTPDevice(TOTPDevice):
    """django-otp's authenticator device, with its key sealed in the database (module docstring)."""

    class Meta:
        proxy = True
        app_label = "screening"
        verbose_name = "authenticator app (key encrypted)"

    @classmethod
    def new_pending(cls, **fields: object) -> SealedTOTPDevice:
        return cls(key=seal(secrets.token_bytes(20)), confirmed=False, **fields)

    @property
    def bin_key(self) -> bytes:
        return unseal(self.key)
