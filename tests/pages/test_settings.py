"""The Settings page: the profile, the weekly budget, the cadence per tier and the resources worth sharing."""

from datetime import date

from core import followups, people, roles, settings
from core.db import open_db
from core.interactions import log_interaction
from tests.helpers import open_page

TODAY = date(2026, 11, 27)


def test_an_empty_profile_says_to_start_with_name_and_pitch(app):
    at = open_page(app, "settings")

    assert at.info[0].value.startswith("Start with your name and your elevator pitch")
    assert at.info[1].value.startswith("No resources yet.")


def test_save_the_profile(app, db_path):
    at = open_page(app, "settings")

    at.text_input(key="settings_name").input("Pat Seeker")
    at.text_input(key="settings_email").input("pat@example.com")
    at.text_area(key="settings_pitch").input("Data analyst moving into analytics engineering.")
    at.text_input(key="settings_website").input("pat.example.com")
    at.button(key="settings_profile_save").click().run()

    assert not at.exception
    assert settings.get_profile(open_db(db_path)) == {
        "name": "Pat Seeker", "email": "pat@example.com",
        "pitch": "Data analyst moving into analytics engineering.", "value_proposition": "", "signature": "",
        "website": "https://pat.example.com", "linkedin_url": ""}
    assert at.success[0].value == "Profile saved."
    assert at.text_input(key="settings_website").value == "https://pat.example.com"


def test_a_bad_email_shows_an_error_and_saves_nothing(app, db_path):
    at = open_page(app, "settings")

    at.text_input(key="settings_name").input("Pat")
    at.text_input(key="settings_email").input("pat at example")
    at.button(key="settings_profile_save").click().run()

    assert [e.value for e in at.error] == ["Your email doesn't look like an email address: 'pat at example'."]
    assert settings.get_profile(open_db(db_path))["name"] == ""


def test_the_weekly_budget_is_saved_in_hours(app, db_path):
    at = open_page(app, "settings")

    at.number_input(key="settings_budget_amount").set_value(2.5)
    at.button(key="settings_budget_save").click().run()

    assert not at.exception
    assert settings.get_budget_minutes(open_db(db_path)) == 150
    assert at.success[0].value == "Weekly budget saved: 2 h 30 min."
    assert (at.number_input(key="settings_budget_amount").value, at.radio(key="settings_budget_unit").value) == (
        2.5, "hours")


def test_a_budget_in_odd_minutes_is_shown_in_minutes(app, db_path):
    at = open_page(app, "settings")

    at.number_input(key="settings_budget_amount").set_value(100)
    at.radio(key="settings_budget_unit").set_value("minutes")
    at.button(key="settings_budget_save").click().run()

    assert settings.get_budget_minutes(open_db(db_path)) == 100
    assert (at.number_input(key="settings_budget_amount").value, at.radio(key="settings_budget_unit").value) == (
        100.0, "minutes")


def test_a_budget_under_a_quarter_hour_shows_an_error_and_keeps_the_old_one(app, db_path):
    at = open_page(app, "settings")

    at.number_input(key="settings_budget_amount").set_value(10)
    at.radio(key="settings_budget_unit").set_value("minutes")
    at.button(key="settings_budget_save").click().run()

    assert [e.value for e in at.error] == ["Weekly networking time must be at least 15."]
    assert settings.get_budget_minutes(open_db(db_path)) == 180


def test_a_new_cadence_moves_check_ins(app, db_path):
    db = open_db(db_path)
    pid = people.add_person(db, name="Ana")
    log_interaction(db, pid, day="2026-11-01", channel="email", today=TODAY)
    at = open_page(app, "settings")

    at.number_input(key="settings_cadence_network").set_value(45)
    at.button(key="settings_cadences_save").click().run()

    assert not at.exception
    assert settings.get_cadences(open_db(db_path))["network"] == 45
    assert followups.for_person(open_db(db_path), pid, TODAY)[0]["due"] == "2026-12-16"


def test_add_edit_and_delete_a_resource(app, db_path):
    at = open_page(app, "settings")

    at.text_input(key="settings_resource_new_title").input("The Mom Test")
    at.text_input(key="settings_resource_new_url").input("momtestbook.com")
    at.text_input(key="settings_resource_new_tags").input("Startups, interviews")
    at.button(key="settings_resource_add").click().run()
    (added,) = settings.list_resources(open_db(db_path))
    assert (added["title"], added["url"], added["tags"]) == ("The Mom Test", "https://momtestbook.com",
                                                             ["interviews", "startups"])
    assert at.text_input(key="settings_resource_new_title").value == ""

    rid = added["id"]
    at.text_input(key=f"settings_resource_{rid}_tags").input("interviews")
    at.button(key=f"settings_resource_{rid}_save").click().run()
    assert settings.list_resources(open_db(db_path))[0]["tags"] == ["interviews"]

    at.button(key=f"settings_resource_{rid}_delete").click().run()
    assert not at.exception
    assert settings.list_resources(open_db(db_path)) == []


def test_a_resource_with_a_javascript_link_shows_an_error_and_writes_nothing(app, db_path):
    at = open_page(app, "settings")

    at.text_input(key="settings_resource_new_title").input("Sneaky")
    at.text_input(key="settings_resource_new_url").input("javascript:alert(1)")
    at.button(key="settings_resource_add").click().run()

    assert [e.value for e in at.error] == ["Link must be a web address starting with https://."]
    assert settings.list_resources(open_db(db_path)) == []


def test_the_demo_settings_render(app, demo_path):
    at = open_page(app, "settings")

    assert at.text_input(key="settings_name").value == "Pat Seeker"
    assert len(at.dataframe[0].value) == len(settings.list_resources(open_db(demo_path)))


def test_a_resource_title_with_html_appears_literally(app, db_path):
    at = open_page(app, "settings")

    at.text_input(key="settings_resource_new_title").input("<b>Bold</b> <script>x</script>")
    at.button(key="settings_resource_add").click().run()

    assert at.success[0].value == "Added: \\<b\\>Bold\\</b\\> \\<script\\>x\\</script\\>."
    assert list(at.dataframe[0].value["title"]) == ["<b>Bold</b> <script>x</script>"]


def test_the_settings_page_edits_the_roles_from_titles(app, db_path):
    at = open_page(app, "settings")
    at.text_area(key="settings_roles_text").input("coordinator = operations")
    at.button(key="settings_roles_save").click().run()
    assert not at.error
    assert roles.get_role_map(open_db(db_path)) == [("coordinator", "operations")]
    at.text_area(key="settings_roles_text").input("no equals sign here")
    at.button(key="settings_roles_save").click().run()
    assert "Line 1" in at.error[0].value
    assert roles.get_role_map(open_db(db_path)) == [("coordinator", "operations")]
