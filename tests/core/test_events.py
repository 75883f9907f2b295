"""Events and the people met there."""

from datetime import date

import pytest

from core import composer, events, followups, interactions, people
from core.errors import NotFound, ValidationError

TODAY = date(2026, 11, 27)


def test_people_met_at_an_event_get_a_follow_up_the_next_day(db):
    eid = events.add_event(db, name="PyData Berlin", day="2026-11-26", url="meetup.com/pydata-berlin")
    ana = events.add_person_met(db, eid, today=TODAY, name="Ana", company="Globex", note="dbt tests")
    existing = people.add_person(db, name="Ben")
    events.add_person_met(db, eid, today=TODAY, person_id=existing)

    met = events.people_met(db, eid)
    assert [(p["name"], p["company"], p["stage"], p["note"]) for p in met] == [
        ("Ana", "Globex", "conversed", "dbt tests"), ("Ben", "", "conversed", "")]
    assert people.get_person(db, ana)["how_met"] == "event"
    assert db.execute("select reason, due, event_id from followups where reason != 'check_in' order by id"
                      ).fetchall() == [("event_followup", "2026-11-27", eid), ("event_followup", "2026-11-27", eid)]
    assert events.get_event(db, eid)["url"] == "https://meetup.com/pydata-berlin"
    assert events.list_events(db)[0]["people_met"] == 2


def test_people_cannot_be_met_at_an_event_that_has_not_happened(db):
    eid = events.add_event(db, name="Future Conf", day="2026-12-10")

    with pytest.raises(ValidationError, match="hasn't happened yet"):
        events.add_person_met(db, eid, today=TODAY, name="Ana")

    assert db.table("people").count == 0


def test_a_failed_add_leaves_no_half_made_person(db):
    eid = events.add_event(db, name="Meetup", day="2026-11-20")

    with pytest.raises(ValidationError):
        events.add_person_met(db, eid, today=TODAY, name="")
    with pytest.raises(NotFound):
        events.add_person_met(db, eid, today=TODAY, person_id=12)

    assert (db.table("people").count, db.table("event_people").count, db.table("interactions").count) == (0, 0, 0)


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": ""}, "Event name can't be empty"),
    ({"day": "soon"}, "Event date must be a date"),
    ({"url": "javascript:alert(1)"}, "Event page must be a web address"),
])
def test_bad_events_are_refused(db, fields, message):
    with pytest.raises(ValidationError, match=message):
        events.add_event(db, **{"name": "Meetup", "day": "2026-11-20", **fields})
    assert db.table("events").count == 0


def _met_at_meetup(db):
    """An event with Ana and Ben met there, each with an open follow-up; Ana also has other follow-ups."""
    eid = events.add_event(db, name="PyData Berlin", day="2026-11-26")
    ana = events.add_person_met(db, eid, today=TODAY, name="Ana", company="Globex", note="dbt tests")
    ben = events.add_person_met(db, eid, today=TODAY, name="Ben", note="Hiring in spring")
    return eid, ana, ben


def _followups(db, person_id):
    return db.execute("select reason, status, closed_on, event_id from followups where person_id = ? "
                      "and reason != 'check_in' order by id", [person_id]).fetchall()


def test_removing_someone_from_an_event_keeps_them_and_their_interactions(db):
    eid, ana, ben = _met_at_meetup(db)
    stage = people.get_person(db, ana)["stage"]

    events.remove_person_met(db, eid, ana, today=TODAY)

    assert [p["name"] for p in events.people_met(db, eid)] == ["Ben"]
    assert events.list_events(db)[0]["people_met"] == 1
    assert people.get_person(db, ana)["stage"] == stage == "conversed"
    assert [(i["channel"], i["notes"], i["event_id"]) for i in interactions.timeline(db, ana)] == [
        ("event", "dbt tests", None)]
    assert [i["event_id"] for i in interactions.timeline(db, ben)] == [eid]


def test_removing_someone_skips_their_open_event_follow_up_and_nothing_else(db):
    eid, ana, ben = _met_at_meetup(db)
    reminder = followups.add_reminder(db, ana, "2026-12-01", "Send Ana the dbt article")
    other = events.add_event(db, name="Climate Tech Drinks", day="2026-11-20")
    events.add_person_met(db, other, today=TODAY, person_id=ana, note="Solar")
    events.add_person_met(db, other, today=TODAY, person_id=ben)
    # One open follow-up per person and reason: one message follows up both events.
    assert _followups(db, ben) == [("event_followup", "open", None, eid)]

    events.remove_person_met(db, eid, ana, today=date(2026, 11, 28))

    assert _followups(db, ana) == [
        ("event_followup", "skipped", "2026-11-28", eid),
        ("custom", "open", None, None),
    ]
    assert followups.for_person(db, ana, TODAY)[0]["id"] == reminder
    assert _followups(db, ben) == [("event_followup", "open", None, eid)]


def test_removing_someone_whose_event_follow_up_was_done_leaves_it_done(db):
    eid, ana, _ = _met_at_meetup(db)
    [fid] = [f["id"] for f in followups.for_person(db, ana, TODAY) if f["reason"] == "event_followup"]
    interactions.complete_followup(db, fid, TODAY)

    events.remove_person_met(db, eid, ana, today=date(2026, 11, 30))

    assert _followups(db, ana) == [("event_followup", "done", "2026-11-27", eid)]


def test_the_composer_no_longer_recalls_an_event_someone_was_removed_from(db):
    eid, ana, _ = _met_at_meetup(db)
    assert composer.gather_facts(db, ana, "event_followup", TODAY)["event_name"] == "PyData Berlin"

    events.remove_person_met(db, eid, ana, today=TODAY)

    assert composer.gather_facts(db, ana, "event_followup", TODAY)["event_name"] == ""


def _snapshot(db):
    return [db.execute(f"select * from {t} order by 1, 2").fetchall()
            for t in ("people", "event_people", "interactions", "followups")]


@pytest.mark.parametrize(("event", "person", "message"), [
    ("missing", "ana", "That event no longer exists."),
    ("meetup", "stranger", "That person is not listed as met at this event"),
    ("meetup", "nobody", "That person is not listed as met at this event"),
])
def test_removing_or_editing_an_unknown_event_or_link_changes_nothing(db, event, person, message):
    eid, ana, _ = _met_at_meetup(db)
    stranger = people.add_person(db, name="Cleo")
    event_id = {"missing": eid + 99, "meetup": eid}[event]
    person_id = {"ana": ana, "stranger": stranger, "nobody": 999}[person]
    before = _snapshot(db)

    with pytest.raises(NotFound, match=message):
        events.remove_person_met(db, event_id, person_id, today=TODAY)
    with pytest.raises(NotFound, match=message):
        events.update_met_note(db, event_id, person_id, "New note")

    assert _snapshot(db) == before


def test_removing_someone_twice_says_they_are_no_longer_listed(db):
    eid, ana, _ = _met_at_meetup(db)
    events.remove_person_met(db, eid, ana, today=TODAY)

    with pytest.raises(NotFound, match="not listed as met at this event"):
        events.remove_person_met(db, eid, ana, today=TODAY)


def test_someone_removed_by_mistake_can_be_added_back(db):
    eid, ana, _ = _met_at_meetup(db)
    events.remove_person_met(db, eid, ana, today=TODAY)

    events.add_person_met(db, eid, today=TODAY, person_id=ana, note="Back again")

    assert [(p["name"], p["note"]) for p in events.people_met(db, eid)] == [("Ana", "Back again"), ("Ben", "Hiring in spring")]


def test_editing_the_note_about_someone_met_saves_it_and_the_conversation_follows(db):
    eid, ana, ben = _met_at_meetup(db)

    events.update_met_note(db, eid, ana, "  Talked about their data team  ")
    events.update_met_note(db, eid, ben, "")

    assert [(p["name"], p["note"]) for p in events.people_met(db, eid)] == [
        ("Ana", "Talked about their data team"), ("Ben", "")]
    assert [i["notes"] for i in interactions.timeline(db, ana)] == ["Talked about their data team"]
    assert [i["notes"] for i in interactions.timeline(db, ben)] == [""]


def test_a_conversation_note_edited_on_its_own_is_not_overwritten_by_the_event_note(db):
    eid, ana, _ = _met_at_meetup(db)
    [convo] = interactions.timeline(db, ana)
    interactions.update_interaction(db, convo["id"], today=TODAY, notes="Longer notes from the person page")

    events.update_met_note(db, eid, ana, "dbt tests and hiring")

    assert events.people_met(db, eid)[0]["note"] == "dbt tests and hiring"
    assert interactions.timeline(db, ana)[0]["notes"] == "Longer notes from the person page"


@pytest.mark.parametrize(("note", "message"), [
    ("x" * (events.MET_NOTE_MAX + 1), "Note is too long"),
    ("bad\x00note", "Note contains a NUL character"),
])
def test_a_bad_note_is_refused_and_changes_nothing(db, note, message):
    eid, ana, _ = _met_at_meetup(db)
    before = _snapshot(db)

    with pytest.raises(ValidationError, match=message):
        events.update_met_note(db, eid, ana, note)

    assert _snapshot(db) == before


@pytest.mark.parametrize(("day", "expected"), [
    ("2026-11-28", "coming up"), ("2026-11-27", "today"), ("2026-11-26", "past"), ("2025-12-31", "past")])
def test_an_events_timing_is_read_against_today(day, expected):
    assert events.timing(day, TODAY) == expected
