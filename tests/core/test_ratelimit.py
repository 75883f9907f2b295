"""The sign-in's token bucket: shared by every session of the process, refilling, never a long lock-out."""

from __future__ import annotations

import pytest

from core.ratelimit import MAX_WAIT_SECONDS, SIGN_IN, TokenBucket, wait_message


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_five_wrong_guesses_in_one_session_leave_none_for_a_fresh_session(clock):
    bucket = TokenBucket(capacity=5, refill_seconds=10, clock=clock)
    first_session = [bucket.acquire() for _ in range(5)]  # five wrong passwords, one after the other

    second_session = bucket.acquire()  # a new browser session: no fresh tries

    assert first_session == [0.0] * 5
    assert second_session == pytest.approx(10.0)


def test_the_bucket_refills_one_try_per_interval_and_up_to_its_capacity(clock):
    bucket = TokenBucket(capacity=5, refill_seconds=10, clock=clock)
    for _ in range(5):
        bucket.acquire()
    clock.advance(4)
    assert bucket.wait_seconds() == pytest.approx(6.0)
    assert bucket.acquire() == pytest.approx(6.0)  # refused: nothing taken, the wait only shrinks
    clock.advance(6)
    assert bucket.acquire() == 0.0  # one try after ten seconds
    assert bucket.acquire() == pytest.approx(10.0)
    clock.advance(3600)  # an hour of quiet: five tries again, not 360
    assert [bucket.acquire() for _ in range(6)] == [0.0] * 5 + [pytest.approx(10.0)]


def test_a_guesser_never_makes_anyone_wait_longer_than_one_interval(clock):
    bucket = TokenBucket(capacity=5, refill_seconds=10, clock=clock)
    waits = []
    for _ in range(500):  # a visitor hammering the form, twice a second
        waits.append(bucket.acquire())
        clock.advance(0.5)
    assert max(waits) <= 10.0 <= MAX_WAIT_SECONDS
    assert sum(w == 0.0 for w in waits) <= 5 + 250 / 10 + 1  # at most one guess per ten seconds got through


def test_a_right_password_gives_its_try_back(clock):
    bucket = TokenBucket(capacity=2, refill_seconds=10, clock=clock)
    assert bucket.acquire() == 0.0
    bucket.refund()
    assert bucket.acquire() == 0.0 and bucket.acquire() == 0.0
    assert bucket.acquire() > 0


def test_a_clock_that_steps_back_adds_no_tries(clock):
    bucket = TokenBucket(capacity=1, refill_seconds=10, clock=clock)
    bucket.acquire()
    clock.advance(-3600)
    assert bucket.acquire() == pytest.approx(10.0)


def test_a_wait_longer_than_a_minute_cannot_be_configured():
    with pytest.raises(ValueError):
        TokenBucket(refill_seconds=MAX_WAIT_SECONDS + 1)


def test_the_message_says_how_long_to_wait():
    assert wait_message(9.2) == ("Too many wrong passwords have been tried on this server. Wait 10 seconds, "
                                 "then try again.")
    assert "Wait 1 second," in wait_message(0.3)


def test_the_app_uses_one_bucket_for_the_process():
    import core.ratelimit

    assert core.ratelimit.SIGN_IN is SIGN_IN and SIGN_IN.capacity == 5 and SIGN_IN.refill_seconds == 10
