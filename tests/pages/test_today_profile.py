"""The first-run panel asks who is writing (name, pitch, value proposition, website): skippable, and once
saved no draft says "[your name]"."""

from core import composer
from core.db import get_setting, open_db
from core.people import add_person
from core.settings import get_profile, save_profile
from tests.conftest import TODAY
from tests.helpers import open_page

SAVE = "FormSubmitter:today_profile-Save"
SKIP = "FormSubmitter:today_profile-Skip for now"


def fill(at, name="", pitch="", offer="", website=""):
    at.text_input(key="today_profile_name").input(name)
    at.text_area(key="today_profile_pitch").input(pitch)
    at.text_area(key="today_profile_offer").input(offer)
    at.text_input(key="today_profile_website").input(website)
    return at


def test_the_profile_saved_on_the_first_run_signs_and_introduces_every_draft(app, db_path):
    at = fill(open_page(app, "today"), "Pat Seeker", "i turn messy data into decisions",
              "I can review dashboards with fresh eyes.", "pat.example.com")

    at.button(key=SAVE).click().run()

    assert not at.exception
    assert at.success[0].value == "Saved: your drafts now sign with Pat Seeker."
    assert "today_profile_name" not in [t.key for t in at.text_input]  # asked once
    db = open_db(db_path)
    assert {k: v for k, v in get_profile(db).items() if v} == {
        "name": "Pat Seeker", "pitch": "i turn messy data into decisions",
        "value_proposition": "I can review dashboards with fresh eyes.", "website": "https://pat.example.com"}
    pid = add_person(db, name="Ana Reyes")
    body = composer.draft(db, pid, "introduction", TODAY)["body"]
    assert "[your name]" not in body
    assert "I turn messy data into decisions. I can review dashboards with fresh eyes." in body
    assert body.endswith("Pat Seeker\nhttps://pat.example.com")


def test_without_a_name_nothing_is_saved_and_the_error_says_what_to_do(app, db_path):
    at = fill(open_page(app, "today"), "  ", "A pitch")

    at.button(key=SAVE).click().run()

    assert [e.value for e in at.error] == ["Type your name (the drafts sign with it), or press Skip for now."]
    assert get_profile(open_db(db_path))["pitch"] == ""


def test_a_bad_website_is_refused_and_nothing_is_saved(app, db_path):
    at = fill(open_page(app, "today"), "Pat", website="javascript:alert(1)")

    at.button(key=SAVE).click().run()

    assert "must be a web address" in at.error[0].value
    assert get_profile(open_db(db_path))["name"] == ""


def test_skip_hides_the_question_and_keeps_the_first_steps(app, db_path):
    at = open_page(app, "today")

    at.button(key=SKIP).click().run()

    assert not at.exception
    assert at.success[0].value.startswith("Skipped")
    assert "today_profile_name" not in [t.key for t in at.text_input]
    assert at.button(key="today_demo").label == "Load the demo data"
    assert get_setting(open_db(db_path), "profile_prompt_skipped") is True


def test_with_a_name_already_in_settings_it_is_not_asked(app, db_path):
    save_profile(open_db(db_path), name="Pat")

    at = open_page(app, "today")

    assert "today_profile_name" not in [t.key for t in at.text_input]
