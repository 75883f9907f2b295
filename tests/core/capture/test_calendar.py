"""Calendar exports (Google, Outlook, Apple) become conversations: recurring, moved, cancelled, declined, zoned."""

from __future__ import annotations

from datetime import date

import pytest

from core.capture import calendar as ical
from core.capture.plan import apply_capture, plan_calendar
from core.errors import ValidationError
from tests.core.capture.support import FIXTURES, touches


def ics(name: str) -> bytes:
    return (FIXTURES / f"{name}.ics").read_bytes()


def test_google_recurring_meetings_expand_with_exdate_moved_and_cancelled_instances(db, people, today):
    plan = plan_calendar(db, ics("google"), today)
    assert plan.skipped == {"cancelled": 1, "you declined": 1, "no one but you": 1}
    apply_capture(db, plan, today)
    ana = [(t["day"], t["channel"]) for t in touches(db) if t["name"] == "Ana Lopez"]
    # Weekly on Mondays from 5 Oct; 19 Oct excluded (EXDATE), 26 Oct moved to Wed 28 Oct in person,
    # 9 Nov cancelled, 14 Dec in the future (today is 27 Nov).
    assert ana == [("2026-10-05", "video"), ("2026-10-12", "video"), ("2026-10-28", "in_person"),
                   ("2026-11-02", "video"), ("2026-11-16", "video"), ("2026-11-23", "video")]
    # Chloé joined only the moved instance; Bob declined Dan's call so he has no touch from it.
    assert [(t["name"], t["day"]) for t in touches(db) if t["name"] != "Ana Lopez"] == [
        ("Chloé Dupont", "2026-10-28"), ("Dan Okafor", "2026-11-26")]
    # A call from 23:30 UTC is dated in the calendar's zone (X-WR-TIMEZONE Europe/London, GMT in November).
    dan = next(t for t in touches(db) if t["name"] == "Dan Okafor")
    assert (dan["channel"], dan["direction"]) == ("phone", "them")


def test_a_thank_you_is_due_for_the_last_two_days_meetings_only(db, people, today):
    apply_capture(db, plan_calendar(db, ics("google"), today), today)
    thanks = db.execute("select p.name, f.due from followups f join people p on p.id = f.person_id "
                        "where f.reason = 'thank_you' and f.status = 'open'").fetchall()
    assert thanks == [("Dan Okafor", "2026-11-28")]  # Ana's 23 Nov call is history, not a thank-you to write


def test_meetings_count_as_conversations_and_move_people_up_the_ladder(db, people, today):
    apply_capture(db, plan_calendar(db, ics("google"), today), today)
    stages = dict(db.execute("select name, stage from people").fetchall())
    assert stages["Ana Lopez"] == "conversed" and stages["Bob Smith"] == "stranger"
    assert {t["source"] for t in touches(db)} == {"calendar"}


def test_outlook_windows_zones_teams_links_and_a_cancelled_occurrence(db, people, today):
    plan = plan_calendar(db, ics("outlook"), today)
    assert plan.skipped == {"cancelled": 1}
    apply_capture(db, plan, today)
    got = [(t["name"], t["day"], t["channel"], t["direction"]) for t in touches(db)]
    assert got == [("Bob Smith", "2026-09-01", "video", "them"), ("Bob Smith", "2026-11-03", "video", "them"),
                   ("Chloé Dupont", "2026-11-24", "phone", "them")]


def test_apple_locations_all_day_events_and_events_with_no_one_else(db, people, today):
    plan = plan_calendar(db, ics("apple"), today, keep_subjects=True)
    assert plan.skipped == {"no one but you": 5}  # the daily run, five times
    apply_capture(db, plan, today)
    got = [(t["name"], t["day"], t["channel"], t["notes"]) for t in touches(db)]
    assert got == [("Chloé Dupont", "2026-11-03", "phone", "Coffee with Chloé (all day)"),
                   ("Dan Okafor", "2026-11-25", "in_person", "Dinner with Dan")]


def test_the_calendar_owner_is_read_from_google_calendar_name(db, people, today):
    from core.settings import save_my_addresses

    save_my_addresses(db, ["someone-else@x.example"])
    plan = plan_calendar(db, ics("google"), today)
    assert "me@gmail.example" in plan.my_addresses
    assert plan.skipped["you declined"] == 1


def test_reimporting_a_calendar_adds_nothing(db, people, today):
    apply_capture(db, plan_calendar(db, ics("google"), today), today)
    before = touches(db)
    again = plan_calendar(db, ics("google"), today)
    assert again.touches == [] and again.already == len(before)
    apply_capture(db, again, today)
    assert touches(db) == before


def test_a_later_export_adds_only_the_new_occurrences(db, people, today):
    apply_capture(db, plan_calendar(db, ics("google"), date(2026, 11, 10)), date(2026, 11, 10))
    first = len(touches(db))
    later = plan_calendar(db, ics("google"), today)
    assert [t.day for t in later.touches if t.person_id == people["ana"]] == ["2026-11-16", "2026-11-23"]
    apply_capture(db, later, today)
    assert len(touches(db)) == first + 3  # Ana twice and Dan's call


@pytest.mark.parametrize(("data", "message"), [
    (b"BEGIN:VCARD\nEND:VCARD\n", "doesn't look like a calendar"),
    (b"\x00\x01binary", "binary"),
    (b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:notadate\nEND:VEVENT\nEND:VCALENDAR\n", "can't be read"),
])
def test_a_bad_calendar_file_changes_nothing(db, people, today, data, message):
    with pytest.raises(ValidationError, match=message):
        plan_calendar(db, data, today)
    assert touches(db) == []


def test_video_in_person_or_call():
    import icalendar

    def event(**props):
        ev = icalendar.Event()
        for k, val in props.items():
            ev.add(k.replace("_", "-"), val)
        return ev

    assert ical.channel_of(event(location="https://zoom.us/j/123")) == "video"
    assert ical.channel_of(event(description="Join: https://meet.google.com/abc")) == "video"
    assert ical.channel_of(event(location="Café de Flore, Paris")) == "in_person"
    assert ical.channel_of(event(location="https://example.com/room")) == "phone"
    assert ical.channel_of(event(summary="Call")) == "phone"


def _calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n".replace("\n    ", "\n") for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n{body}END:VCALENDAR\r\n".encode()


def test_a_meeting_repeating_every_minute_since_1900_is_read_as_its_first_occurrence():
    cal = ical.load(_calendar("""UID:spam
    DTSTART:19000101T090000Z
    DTEND:19000101T090100Z
    RRULE:FREQ=MINUTELY
    SUMMARY:every minute"""))

    assert [o.day for o in ical.occurrences(cal, date(2026, 11, 27))] == [date(1900, 1, 1)]


def test_a_calendar_expanding_past_the_limit_is_refused_with_a_sentence(monkeypatch):
    monkeypatch.setattr(ical, "MAX_OCCURRENCES", 500)
    cal = ical.load(_calendar("""UID:daily
    DTSTART:20200101T090000Z
    DTEND:20200101T093000Z
    RRULE:FREQ=DAILY
    SUMMARY:stand-up"""))

    with pytest.raises(ValidationError, match="more than 500 meetings up to today: export a shorter range"):
        list(ical.occurrences(cal, date(2026, 11, 27)))


def test_a_meeting_across_the_edge_of_a_years_window_is_read_once():
    cal = ical.load(_calendar("""UID:first
    DTSTART:20240101T090000Z
    DTEND:20240101T100000Z
    SUMMARY:first""", """UID:late
    DTSTART:20241231T230000Z
    DTEND:20250101T020000Z
    SUMMARY:new year's eve call""", """UID:weekly
    DTSTART:20241001T090000Z
    DTEND:20241001T093000Z
    RRULE:FREQ=WEEKLY;COUNT=20
    SUMMARY:weekly"""))

    found = [o.summary for o in ical.occurrences(cal, date(2026, 11, 27))]

    assert found.count("new year's eve call") == 1 and found.count("weekly") == 20 and found.count("first") == 1
