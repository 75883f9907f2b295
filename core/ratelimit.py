"""How fast anyone may guess the password: one token bucket for the whole app process, across sessions.

A slow-down kept in a browser session is reset by opening a new session, so it only slows a polite
guesser. The bucket here is shared by every session of the process (Streamlit runs them all in one
process): a few tries at full speed, then one try per `refill_seconds`, refilling while nobody guesses.
A visitor who empties it makes the owner wait at most `refill_seconds` for the next try (ten seconds by
default, never more than MAX_WAIT_SECONDS), never a lock-out. Pure logic with an injectable clock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from core.words import plural

MAX_WAIT_SECONDS = 60


class TokenBucket:
    """`capacity` tries, then one more every `refill_seconds`. Thread-safe.

    acquire() takes a try before the password is compared (0.0) or says how many seconds to wait
    (nothing is compared then, so a guess made while waiting tells the guesser nothing). refund() gives
    the try back after a right password, so only wrong guesses use the bucket up.
    """

    def __init__(self, capacity: int = 5, refill_seconds: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if capacity < 1 or not 0 < refill_seconds <= MAX_WAIT_SECONDS:
            raise ValueError(f"A bucket needs at least one try and a refill of at most {MAX_WAIT_SECONDS} s.")
        self.capacity = capacity
        self.refill_seconds = refill_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._tokens = float(capacity)
        self._at = clock()

    def _refill(self) -> None:
        now = self.clock()
        elapsed = max(0.0, now - self._at)  # a clock that steps back never adds tries
        self._tokens = min(self.capacity, self._tokens + elapsed / self.refill_seconds)
        self._at = now

    def acquire(self) -> float:
        """Take one try: 0.0 when taken, else the seconds until one is free (at most refill_seconds)."""
        with self._lock:
            self._refill()
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) * self.refill_seconds

    def refund(self) -> None:
        """Give back a try taken by acquire() (the password was right)."""
        with self._lock:
            self._refill()
            self._tokens = min(self.capacity, self._tokens + 1)

    def wait_seconds(self) -> float:
        """Seconds until a try is free, without taking one (0.0 when one is free now)."""
        with self._lock:
            self._refill()
            return 0.0 if self._tokens >= 1 else (1 - self._tokens) * self.refill_seconds

    def reset(self) -> None:
        """Full again (tests; a restart does the same)."""
        with self._lock:
            self._tokens = float(self.capacity)
            self._at = self.clock()


def wait_message(seconds: float) -> str:
    """What the sign-in page says while the bucket is empty."""
    whole = max(1, math.ceil(seconds))
    return f"Too many wrong passwords have been tried on this server. Wait {plural(whole, 'second')}, then try again."


# The one bucket for the password sign-in, shared by every session of this process.
SIGN_IN = TokenBucket(capacity=5, refill_seconds=10.0)
