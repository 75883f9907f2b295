"""Today's question about the profile: due until there is a name or it is skipped; a name is required."""

import pytest

from core.errors import ValidationError
from core.settings import get_profile, profile_prompt_due, save_first_run_profile, save_profile, skip_profile_prompt


def test_the_question_is_due_until_there_is_a_name(db):
    assert profile_prompt_due(db)
    save_profile(db, pitch="I turn messy data into decisions.")
    assert profile_prompt_due(db)  # a pitch alone still signs drafts "[your name]"
    save_profile(db, name="Pat")
    assert not profile_prompt_due(db)


def test_skipping_ends_it_without_a_name(db):
    skip_profile_prompt(db)

    assert not profile_prompt_due(db)
    assert get_profile(db)["name"] == ""


@pytest.mark.parametrize("name", ["", "   ", None])
def test_the_first_run_profile_needs_a_name_and_stores_nothing_without_one(db, name):
    with pytest.raises(ValidationError, match="Type your name"):
        save_first_run_profile(db, name, pitch="A pitch", website="pat.example.com")

    assert set(get_profile(db).values()) == {""}


def test_a_bad_field_stores_nothing(db):
    with pytest.raises(ValidationError, match="web address"):
        save_first_run_profile(db, "Pat", website="javascript:alert(1)")

    assert get_profile(db)["name"] == ""
