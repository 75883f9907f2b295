"""Staying signed in across reloads: a signed, expiring token kept in a browser cookie.

A token is `v1.<expiry>.<mac>`: the Unix time it stops being accepted, and an HMAC-SHA256 of that time
under a key only the server can make. It carries no secret and names no one (there is one password and
no accounts), so a stolen cookie opens the copy only until its expiry, and changing the password signs
every browser out (the key is derived from it).

The key: with `cookie_secret` in secrets, HMAC of the password under that random secret (a leaked
cookie then tells nothing about the password). Without it, PBKDF2 of the password (200,000 rounds), so
that a leaked cookie is as slow to guess the password from as the password's own strength allows.
Pure logic with the clock passed in: the page reads and writes the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from functools import lru_cache

from core.errors import ValidationError

COOKIE_NAME = "rapport_session"
DEFAULT_DAYS = 7.0
MAX_DAYS = 365.0
_VERSION = "v1"
_ROUNDS = 200_000


def stay_signed_in_seconds(days: object) -> int:
    """How long a sign-in lasts, from the `stay_signed_in_days` setting: None means the default (7 days),
    0 means ask for the password on every load. Anything else must be a number of days from 0 to 365."""
    if days is None:
        days = DEFAULT_DAYS
    if isinstance(days, bool) or not isinstance(days, (int, float, str)):
        raise ValidationError("stay_signed_in_days must be a number of days from 0 to 365.")
    try:
        value = float(days)
    except ValueError:
        raise ValidationError("stay_signed_in_days must be a number of days from 0 to 365.") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_DAYS:
        raise ValidationError("stay_signed_in_days must be a number of days from 0 to 365.")
    return int(value * 86_400)


@lru_cache(maxsize=4)
def signing_key(password: str, cookie_secret: str | None = None) -> bytes:
    """The key tokens are signed with; it changes when the password or the cookie secret does."""
    if not password:
        raise ValidationError("A sign-in token needs a password to be set.")
    if cookie_secret:
        return hmac.new(str(cookie_secret).encode(), b"rapport-session\0" + password.encode(), hashlib.sha256).digest()
    return hashlib.pbkdf2_hmac("sha256", password.encode(), b"rapport-session-cookie-v1", _ROUNDS)


def _mac(key: bytes, expires: int) -> str:
    return hmac.new(key, f"{_VERSION}.{expires}".encode(), hashlib.sha256).hexdigest()


def make_token(key: bytes, now: float, seconds: int) -> str:
    """A token accepted until `now + seconds`."""
    if seconds <= 0:
        raise ValidationError("A sign-in token must last at least a second.")
    expires = int(now) + int(seconds)
    return f"{_VERSION}.{expires}.{_mac(key, expires)}"


def token_valid(key: bytes, token: object, now: float, max_seconds: int | None = None) -> bool:
    """True only for a token this key signed that has not expired (and, with max_seconds, whose expiry
    is no further away than a fresh token's would be: shortening the setting shortens old tokens too)."""
    if not isinstance(token, str) or len(token) > 200:
        return False
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != _VERSION or not parts[1].isdigit() or len(parts[1]) > 12:
        return False
    expires = int(parts[1])
    if expires <= now or (max_seconds is not None and expires > now + max_seconds):
        return False
    return hmac.compare_digest(parts[2], _mac(key, expires))
