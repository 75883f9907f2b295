"""Follow-ups keep their promises: a snooze never moves anything earlier, Today and the board
count "overdue" alike, a date added today is scheduled at once, and an event's follow-up message names
the day the board shows."""

from datetime import date, timedelta

import pytest

from core import events, followups, people
from core.interactions import log_interaction
from core.relationships import daily_refresh, refresh_people

TODAY = date(2026, 11, 27)  # a Friday


def check_in(db, pid) -> dict:
    (row,) = db.execute("select id, due, status from followups where reason = 'check_in' and person_id = ?",
                        [pid]).fetchall()
    return {"id": row[0], "due": row[1], "status": row[2]}


# --- Snooze -------------------------------------------------------------------------------------


def test_snoozing_a_check_in_due_in_two_weeks_moves_it_a_week_later_and_refreshes_keep_it(db):
    ana = people.add_person(db, name="Ana", tier="active")  # a 14-day cadence
    log_interaction(db, ana, day=TODAY, channel="email", today=TODAY)
    before = check_in(db, ana)
    assert before["due"] == "2026-12-11"

    new_due = followups.snooze(db, before["id"], 7, TODAY)
    refresh_people(db, TODAY, [ana])
    daily_refresh(db, TODAY + timedelta(days=1), force=True)

    assert new_due == date(2026, 12, 18)
    assert check_in(db, ana) == {"id": before["id"], "due": "2026-12-18", "status": "open"}


@pytest.mark.parametrize(("due", "days", "expected"), [
    ("2026-11-20", 1, "2026-11-28"),  # overdue: a day from today
    ("2026-11-27", 7, "2026-12-04"),  # due today: a week from today
    ("2026-12-20", 1, "2026-12-21"),  # not due yet: a day after its due date
    ("2026-12-20", 30, "2027-01-19"),
])
def test_a_snooze_is_counted_from_the_later_of_the_due_date_and_today(db, due, days, expected):
    fid = followups.add_reminder(db, None, due, "Plan the week")

    assert followups.snooze(db, fid, days, TODAY).isoformat() == expected
    assert followups.get_followup(db, fid, TODAY)["due"] == expected


# --- Today and the board: one definition of overdue -------------------------------------------------


def test_today_counts_overdue_event_follow_ups_as_the_board_does(db):
    eid = events.add_event(db, name="Data meetup", day="2026-11-25")
    for name in ("Ana", "Ben"):
        events.add_person_met(db, eid, today=TODAY, name=name)

    board = followups.board_columns(db, TODAY)
    due = followups.due_now(db, TODAY)

    assert board["overdue"]["total"] == 2
    assert (due["overdue"], due["today"], due["thanks"]) == (2, 0, 2)
    assert due["items"] == []  # both are listed with the thank-yous, and counted as overdue all the same


def test_due_now_counts_every_kind_of_follow_up_and_skips_archived_people(db):
    ana, gone = people.add_person(db, name="Ana"), people.add_person(db, name="Gone")
    mine = followups.add_reminder(db, None, "2026-11-20", "Renew the meetup subscription")  # about no one
    hers = followups.add_reminder(db, ana, TODAY, "Send Ana the article")
    followups.add_reminder(db, gone, "2026-11-20", "Ask Gone about Porto")
    people.archive_person(db, gone, today=TODAY)
    people.add_date(db, ana, label="birthday", month=11, day=24, today=TODAY)  # three days ago
    log_interaction(db, ana, day="2026-11-22", channel="video", today=TODAY)  # thank-you due 11-24

    board = followups.board_columns(db, TODAY)
    due = followups.due_now(db, TODAY)

    assert (due["overdue"], due["today"]) == (board["overdue"]["total"], board["today"]["total"]) == (3, 1)
    assert [i["id"] for i in board["overdue"]["items"] + board["today"]["items"]
            if i["reason"] not in followups.THANK_REASONS] == [i["id"] for i in due["items"]]
    assert [i["reason"] for i in due["items"]] == ["custom", "date", "custom"]
    assert {mine, hers} <= {i["id"] for i in due["items"]}


def test_a_backlog_of_overdue_thank_yous_does_not_hide_what_else_is_due(db):
    for n in range(35):
        pid = people.add_person(db, name=f"Person {n}")
        log_interaction(db, pid, day="2026-11-20", channel="phone", today=TODAY)  # thank-you due 11-22
    reminder = followups.add_reminder(db, None, "2026-11-25", "Update the CV")

    due = followups.due_now(db, TODAY, limit=10)

    assert (due["overdue"], due["thanks"]) == (36, 35)
    assert [i["id"] for i in due["items"]] == [reminder]


# --- Important dates are scheduled when added -------------------------------------------------------


def test_a_birthday_added_on_the_day_is_due_that_day_at_once(db):
    ana = people.add_person(db, name="Ana")

    people.add_date(db, ana, label="birthday", month=11, day=27, year=1990, today=TODAY)

    board = followups.board_columns(db, TODAY)
    assert [(i["title"], i["due"]) for i in board["today"]["items"]] == [("Ana's birthday (36)", "2026-11-27")]
    daily_refresh(db, TODAY + timedelta(days=1), force=True)  # the next day's refresh adds no second one
    assert db.execute("select count(*) from followups where reason = 'date'").fetchone()[0] == 1


def test_a_date_added_is_scheduled_as_the_refresh_would_and_no_sooner(db):
    ana = people.add_person(db, name="Ana")
    archived = people.add_person(db, name="Archived")
    people.archive_person(db, archived, today=TODAY)

    people.add_date(db, ana, label="work_anniversary", month=12, day=10, today=TODAY)  # in the horizon
    people.add_date(db, ana, label="success", month=6, day=1, year=2027, yearly=False, today=TODAY)  # too far
    people.add_date(db, archived, label="birthday", month=11, day=30, today=TODAY)  # no reminders when archived

    assert db.execute("select person_id, due, title from followups where reason = 'date'").fetchall() == [
        (ana, "2026-12-10", "Ana's work anniversary")]


def test_a_refused_date_schedules_nothing(db):
    ana = people.add_person(db, name="Ana")

    with pytest.raises(Exception, match="not a day of month"):
        people.add_date(db, ana, label="birthday", month=2, day=30, today=TODAY)

    assert db.execute("select count(*) from followups").fetchone()[0] == 0


# --- An event's follow-up message says the day the board shows ---------------------------------------


@pytest.mark.parametrize(("event_day", "message", "column"), [
    ("2026-11-27", "follow up tomorrow", "week"),
    ("2026-11-26", "follow up today", "today"),
    ("2026-11-25", "follow up today: it was due Thursday 26 Nov (1 day overdue)", "overdue"),
    ("2026-11-20", "follow up today: it was due Saturday 21 Nov (6 days overdue)", "overdue"),
])
def test_the_message_for_someone_met_names_the_day_the_board_shows(db, event_day, message, column):
    eid = events.add_event(db, name="Data meetup", day=event_day)

    ana = events.add_person_met(db, eid, today=TODAY, name="Ana")

    assert events.met_followup_message(db, eid, ana, TODAY) == message
    (item,) = followups.board_columns(db, TODAY)[column]["items"]
    assert (item["person_id"], item["reason"]) == (ana, "event_followup")


def test_the_message_for_an_event_too_old_for_a_follow_up_says_none_was_scheduled(db):
    eid = events.add_event(db, name="Summer conference", day="2026-10-01")

    ana = events.add_person_met(db, eid, today=TODAY, name="Ana")

    assert events.met_followup_message(db, eid, ana, TODAY) == (
        "no follow-up scheduled, as the event was more than 14 days ago")


@pytest.mark.parametrize(("due", "phrase"), [
    (date(2026, 12, 1), "follow up by Tuesday 1 Dec"),
    (date(2026, 11, 28), "follow up tomorrow"),
    (TODAY, "follow up today"),
])
def test_due_phrase_names_the_day(due, phrase):
    assert followups.due_phrase(due, TODAY) == phrase
