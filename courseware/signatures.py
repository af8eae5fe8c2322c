"""Django's signatures, made without Django's per-call work.

``django.core.signing`` builds a signer for every value, derives its HMAC
key from the secret again, and runs the HMAC through ``hmac.new``. On a
demo click that cost more than the demo's view. Here the derived key is
kept per salt and secret, and an HMAC is one ``hmac.digest`` call (one
call into OpenSSL, where ``hmac.new`` runs Python code around it). What
comes out is exactly what Django's ``Signer`` and ``TimestampSigner``
make, so Django's own code reads it back (and tries ``SECRET_KEY_FALLBACKS``
for a value an older secret signed).
"""

import functools
import hashlib
import hmac
import json
import time

from django.conf import settings
from django.core import signing
from django.utils.encoding import force_bytes


def signature(salt: str, value: str) -> str:
    """``Signer(salt=salt).signature(value)``, for the current secret."""
    key = _key(salt + "signer", settings.SECRET_KEY)
    return b64(hmac.digest(key, value.encode(), "sha256"))


def sign_object(salt: str, obj) -> str:
    """``TimestampSigner(salt=salt).sign_object(obj)``: JSON, uncompressed, dated."""
    value = b64(compact_json(obj).encode())
    value = f"{value}:{signing.b62_encode(int(time.time()))}"
    return f"{value}:{signature(salt, value)}"


def b64(data: bytes) -> str:
    return signing.b64_encode(data).decode()


# What Django's JSONSerializer writes (as text), without the new encoder it
# makes on every call.
compact_json = json.JSONEncoder(separators=(",", ":")).encode


@functools.lru_cache(maxsize=8)
def _key(salt: str, secret: str | bytes) -> bytes:
    # Django's salted_hmac derives the HMAC key like this on every call.
    return hashlib.sha256(salt.encode() + force_bytes(secret)).digest()
