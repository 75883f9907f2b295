"""The Events page: logging an event and adding the people met there, each with a follow-up."""

from __future__ import annotations

from datetime import date, timedelta

from core import events, followups, people, settings
from core.db import open_db
from tests.helpers import open_page, plain, shown_text


def test_an_empty_list_says_what_to_do(app):
    at = open_page(app, "events")

    assert "No events yet" in at.info[0].value


def test_the_demo_events_are_listed(app, demo_path):
    expected = events.list_events(open_db(demo_path))
    at = open_page(app, "events")

    assert list(at.dataframe[0].value["Event"]) == [e["name"] for e in expected]


def test_the_list_says_which_events_are_coming_up_today_or_past(app, db_path, today):
    db = open_db(db_path)
    for name, days in (("Next", 1), ("Now", 0), ("Before", -1)):
        events.add_event(db, name=name, day=today + timedelta(days=days))
    at = open_page(app, "events")

    shown = at.dataframe[0].value
    assert list(zip(shown["Event"], shown["When"], strict=True)) == [
        ("Next", "coming up"), ("Now", "today"), ("Before", "past")]


def test_logging_an_event_prefills_the_pitch_and_opens_the_event(app, db_path):
    settings.save_profile(open_db(db_path), pitch="Data analyst moving into climate tech.")
    at = open_page(app, "events")

    assert at.text_area(key="events_add_pitch").value == "Data analyst moving into climate tech."
    at.text_input(key="events_add_name").input("Data Meetup Lisbon")
    at.date_input(key="events_add_day").set_value(date(2026, 11, 25))
    at.text_input(key="events_add_place").input("Second Home")
    at.text_input(key="events_add_url").input("https://www.meetup.com/data-lisbon/events/1")
    at.text_area(key="events_add_research").input("Speaker: Ana Reyes, Head of Data at Northwind")
    at.button(key="FormSubmitter:events_add-Log event").click().run()

    [e] = events.list_events(open_db(db_path))
    assert (e["name"], e["day"], e["place"], e["url"], e["pitch"]) == (
        "Data Meetup Lisbon", "2026-11-25", "Second Home", "https://www.meetup.com/data-lisbon/events/1",
        "Data analyst moving into climate tech.")
    assert at.title[0].value == "Data Meetup Lisbon"


def test_an_event_without_a_name_is_refused(app, db_path):
    at = open_page(app, "events")

    at.text_input(key="events_add_place").input("Second Home")
    at.button(key="FormSubmitter:events_add-Log event").click().run()

    assert at.error[0].value == "Event name can't be empty."
    assert events.list_events(open_db(db_path)) == []


def test_two_people_met_each_get_a_follow_up_the_next_day(app, db_path, today):
    db = open_db(db_path)
    eid = events.add_event(db, name="Data Meetup", day=today - timedelta(days=1))
    at = open_page(app, "events", id=eid)

    for name, company, note in (("Ana Reyes", "Northwind", "Hiring analysts"), ("Kwame Mensah", "", "dbt fan")):
        at.text_input(key="events_met_name").input(name)
        at.text_input(key="events_met_company").input(company)
        at.text_input(key="events_met_note").input(note)
        at.button(key="FormSubmitter:events_met-Add").click().run()
        assert not at.exception

    met = events.people_met(db, eid)
    assert [(p["name"], p["company"], p["note"], p["stage"]) for p in met] == [
        ("Ana Reyes", "Northwind", "Hiring analysts", "conversed"), ("Kwame Mensah", "", "dbt fan", "conversed")]
    for p in met:
        due = [(f["reason"], f["due"]) for f in followups.for_person(db, p["id"], today)]
        assert ("event_followup", today.isoformat()) in due
    assert [link.label for link in at.get("page_link")] == ["Ana Reyes", "Kwame Mensah"]
    assert "Hiring analysts" in shown_text(at)


def test_someone_already_on_the_list_can_be_added(app, db_path, today):
    db = open_db(db_path)
    pid = people.add_person(db, name="Mei Chen")
    eid = events.add_event(db, name="Data Meetup", day=today)
    at = open_page(app, "events", id=eid)

    at.text_input(key="events_existing_q").input("Mei").run()
    at.text_input(key="events_existing_note").input("Talked about Porto")
    at.button(key="events_existing_add").click().run()

    assert [(p["id"], p["note"]) for p in events.people_met(db, eid)] == [(pid, "Talked about Porto")]
    assert people.list_people(db)[1] == 1


def test_a_person_met_without_a_name_shows_an_error_and_writes_nothing(app, db_path, today):
    db = open_db(db_path)
    eid = events.add_event(db, name="Data Meetup", day=today)
    at = open_page(app, "events", id=eid)

    at.text_input(key="events_met_company").input("Globex")
    at.button(key="FormSubmitter:events_met-Add").click().run()

    assert at.error[0].value == "Name can't be empty."
    assert events.people_met(db, eid) == []
    assert people.list_companies(db) == []


def test_people_cannot_be_added_to_a_future_event(app, db_path, today):
    db = open_db(db_path)
    eid = events.add_event(db, name="Climate Summit", day=today + timedelta(days=10))
    at = open_page(app, "events", id=eid)

    at.text_input(key="events_met_name").input("Ana Reyes")
    at.button(key="FormSubmitter:events_met-Add").click().run()

    assert "hasn't happened yet" in at.error[0].value
    assert people.list_people(db)[1] == 0


def test_editing_and_deleting_an_event(app, db_path, today):
    db = open_db(db_path)
    eid = events.add_event(db, name="Data Meetup", day=today)
    at = open_page(app, "events", id=eid)

    at.text_area(key="events_edit_notes").input("Bring business cards")
    at.button(key="FormSubmitter:events_edit-Save changes").click().run()
    assert events.get_event(db, eid)["notes"] == "Bring business cards"

    at.checkbox(key="events_delete_sure").check()
    at.button(key="events_delete").click().run()
    assert events.list_events(db) == []
    assert at.title[0].value == "Events"


def test_selecting_a_row_opens_the_event(app, demo_path):
    first = events.list_events(open_db(demo_path))[0]
    at = open_page(app, "events")

    at.session_state["events_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()

    assert at.title[0].value.replace("\\", "") == first["name"]


def test_an_unknown_event_id_says_so(app, db_path):
    at = open_page(app, "events", id="nope")

    assert "There is no such event" in at.error[0].value


def test_from_an_unknown_event_id_the_button_goes_back_to_the_list(app, db_path):
    at = open_page(app, "events", id="42")

    at.button(key="events_back").click().run()

    assert at.title[0].value == "Events"
    assert not at.error


def test_html_in_event_text_is_shown_literally(app, db_path, today):
    db = open_db(db_path)
    evil = "<b>bold</b> <script>x</script>"
    eid = events.add_event(db, name=evil, day=today, place=evil, research=evil, pitch=evil)
    events.add_person_met(db, eid, today=today, name=evil, title=evil, note=evil)
    at = open_page(app, "events")

    assert list(at.dataframe[0].value["Event"]) == [evil]
    at = open_page(at, "events", id=eid)
    shown = [e.value for kind in ("markdown", "caption", "title") for e in getattr(at, kind) if "bold" in e.value]
    shown += [link.label for link in at.get("page_link")]
    assert len(shown) >= 6
    assert all("<b>" not in s and "\\<b\\>" in s for s in shown)
    assert not any(m.proto.allow_html for m in at.markdown)


def _meetup_with_two(db_path, today):
    db = open_db(db_path)
    eid = events.add_event(db, name="Data Meetup", day=today - timedelta(days=1))
    ana = events.add_person_met(db, eid, today=today, name="Ana Reyes", note="Hiring analysts")
    ben = events.add_person_met(db, eid, today=today, name="Ben Okafor", note="dbt fan")
    return db, eid, ana, ben


def test_removing_someone_from_an_event_needs_the_confirmation(app, db_path, today):
    db, eid, ana, _ = _meetup_with_two(db_path, today)
    at = open_page(app, "events", id=eid)

    at.button(key=f"FormSubmitter:events_remove_{ana}-Remove").click().run()

    assert at.error[0].value == "Tick the box to confirm first."
    assert [p["name"] for p in events.people_met(db, eid)] == ["Ana Reyes", "Ben Okafor"]


def test_a_confirmed_removal_takes_them_off_the_event_but_not_off_the_list(app, db_path, today):
    db, eid, ana, _ = _meetup_with_two(db_path, today)
    at = open_page(app, "events", id=eid)

    at.checkbox(key=f"events_remove_sure_{ana}").check()
    at.button(key=f"FormSubmitter:events_remove_{ana}-Remove").click().run()

    assert not at.exception
    assert [p["name"] for p in events.people_met(db, eid)] == ["Ben Okafor"]
    assert people.get_person(db, ana)["name"] == "Ana Reyes"
    assert "event_followup" not in [f["reason"] for f in followups.for_person(db, ana, today)]
    assert [link.label for link in at.get("page_link")] == ["Ben Okafor"]
    assert "Removed Ana Reyes from this event; they are still on your list." in plain(at.success[0].value)


def test_editing_the_note_about_someone_met_saves_it(app, db_path, today):
    db, eid, _, ben = _meetup_with_two(db_path, today)
    at = open_page(app, "events", id=eid)

    assert at.text_input(key=f"events_note_text_{ben}").value == "dbt fan"
    at.text_input(key=f"events_note_text_{ben}").input("Runs the dbt meetup; wants a speaker")
    at.button(key=f"FormSubmitter:events_note_{ben}-Save note").click().run()

    assert [p["note"] for p in events.people_met(db, eid)] == ["Hiring analysts", "Runs the dbt meetup; wants a speaker"]
    assert "Note: Runs the dbt meetup; wants a speaker" in plain(shown_text(at))
    assert "Saved the note about Ben Okafor." in plain(at.success[0].value)


def test_a_bad_note_shows_an_error_and_writes_nothing(app, db_path, today):
    db, eid, ana, _ = _meetup_with_two(db_path, today)
    at = open_page(app, "events", id=eid)

    at.text_input(key=f"events_note_text_{ana}").input("bad\x00note")
    at.button(key=f"FormSubmitter:events_note_{ana}-Save note").click().run()

    assert at.error[0].value == "Note contains a NUL character; remove it and try again."
    assert [p["note"] for p in events.people_met(db, eid)] == ["Hiring analysts", "dbt fan"]


def test_a_note_with_html_is_shown_literally(app, db_path, today):
    db, eid, ana, _ = _meetup_with_two(db_path, today)
    at = open_page(app, "events", id=eid)

    at.text_input(key=f"events_note_text_{ana}").input("<b>x</b> <script>alert(1)</script>")
    at.button(key=f"FormSubmitter:events_note_{ana}-Save note").click().run()

    assert events.people_met(db, eid)[0]["note"] == "<b>x</b> <script>alert(1)</script>"
    [caption] = [c.value for c in at.caption if c.value.startswith("Note: ") and "script" in c.value]
    assert "<b>" not in caption and plain(caption) == "Note: <b>x</b> <script>alert(1)</script>"
    assert at.text_input(key=f"events_note_text_{ana}").value == "<b>x</b> <script>alert(1)</script>"
    assert not any(m.proto.allow_html for m in at.markdown)



def test_each_person_met_at_a_demo_event_can_be_corrected(app, demo_path):
    db = open_db(demo_path)
    event = next(e for e in events.list_events(db) if e["people_met"])
    met = events.people_met(db, event["id"])
    at = open_page(app, "events", id=event["id"])

    assert [at.text_input(key=f"events_note_text_{p['id']}").value for p in met] == [p["note"] for p in met]
    assert all(at.checkbox(key=f"events_remove_sure_{p['id']}").value is False for p in met)


def test_someone_met_two_days_ago_is_told_the_follow_up_is_overdue_as_the_board_shows(app, db_path, today):
    db = open_db(db_path)
    eid = events.add_event(db, name="Data Meetup", day=today - timedelta(days=2))
    at = open_page(app, "events", id=eid)

    at.text_input(key="events_met_name").input("Ana Reyes")
    at.button(key="FormSubmitter:events_met-Add").click().run()

    assert not at.exception
    assert plain(at.success[0].value) == (
        "Added Ana Reyes: follow up today: it was due Thursday 26 Nov (1 day overdue).")
    (item,) = followups.board_columns(db, today)["overdue"]["items"]
    assert (item["person"], item["days_left"]) == ("Ana Reyes", -1)


def test_someone_on_the_list_met_today_is_told_to_follow_up_tomorrow(app, db_path, today):
    db = open_db(db_path)
    people.add_person(db, name="Mei Chen")
    eid = events.add_event(db, name="Data Meetup", day=today)
    at = open_page(app, "events", id=eid)

    at.text_input(key="events_existing_q").input("Mei").run()
    at.button(key="events_existing_add").click().run()

    assert plain(at.success[0].value) == "Added Mei Chen: follow up tomorrow."
