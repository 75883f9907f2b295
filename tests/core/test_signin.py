"""Sign-in tokens: signed, expiring, tied to the password; the lifetime setting is validated."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.signin import make_token, signing_key, stay_signed_in_seconds, token_valid

NOW = 1_800_000_000.0
KEY = signing_key("correct horse battery", "a-random-cookie-secret")
DAY = 86_400


def test_a_fresh_token_is_accepted_until_it_expires_and_not_after():
    token = make_token(KEY, NOW, 7 * DAY)

    assert token_valid(KEY, token, NOW)
    assert token_valid(KEY, token, NOW + 7 * DAY - 1)
    assert not token_valid(KEY, token, NOW + 7 * DAY)


def test_changing_the_password_or_the_cookie_secret_refuses_every_old_token():
    token = make_token(KEY, NOW, DAY)

    assert not token_valid(signing_key("a new password", "a-random-cookie-secret"), token, NOW)
    assert not token_valid(signing_key("correct horse battery", "another-secret"), token, NOW)
    assert not token_valid(signing_key("correct horse battery"), token, NOW)  # no cookie secret: another key


def test_without_a_cookie_secret_the_key_comes_from_the_password_alone_and_is_stable():
    assert signing_key("pw") == signing_key("pw") != signing_key("pw2")
    token = make_token(signing_key("pw"), NOW, DAY)
    assert token_valid(signing_key("pw"), token, NOW)


def test_a_later_expiry_with_the_old_signature_is_refused():
    token = make_token(KEY, NOW, DAY)
    version, expires, mac = token.split(".")

    assert not token_valid(KEY, f"{version}.{int(expires) + 365 * DAY}.{mac}", NOW)


def test_shortening_the_setting_shortens_tokens_already_given():
    token = make_token(KEY, NOW, 30 * DAY)

    assert token_valid(KEY, token, NOW, max_seconds=30 * DAY)
    assert not token_valid(KEY, token, NOW, max_seconds=DAY)


@given(st.one_of(st.none(), st.integers(), st.binary(), st.text(max_size=300), st.lists(st.text())))
def test_anything_that_is_not_a_token_is_refused_without_an_error(junk):
    assert token_valid(KEY, junk, NOW) is False


@pytest.mark.parametrize(("days", "seconds"), [(None, 7 * DAY), (0, 0), (1, DAY), ("30", 30 * DAY), (0.5, DAY // 2),
                                               (365, 365 * DAY)])
def test_the_lifetime_is_days_from_0_to_365_with_a_week_by_default(days, seconds):
    assert stay_signed_in_seconds(days) == seconds


@pytest.mark.parametrize("days", [-1, 366, "forever", float("nan"), float("inf"), True, [7], ""])
def test_any_other_lifetime_is_refused_with_a_sentence(days):
    with pytest.raises(ValidationError, match="a number of days from 0 to 365"):
        stay_signed_in_seconds(days)


def test_a_token_needs_a_password_and_a_positive_lifetime():
    with pytest.raises(ValidationError):
        signing_key("")
    with pytest.raises(ValidationError):
        make_token(KEY, NOW, 0)
