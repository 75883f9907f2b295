"""Events and the people met there."""

from datetime import date

import pytest

from core import events, people
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
