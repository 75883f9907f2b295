"""The follow-up engine: thank-yous, check-ins, yearly dates, done, snooze and skip."""

from datetime import date, timedelta

import pytest

from core import followups, interactions, people
from core.errors import NotFound, ValidationError
from core.interactions import log_interaction
from core.relationships import daily_refresh
from core.settings import save_cadences

TODAY = date(2026, 11, 27)
from tests.helpers import due_board


def open_followups(db, reason=None):
    sql = "select reason, due, title from followups where status = 'open'"
    params = []
    if reason:
        sql += " and reason = ?"
        params.append(reason)
    return db.execute(sql + " order by due, id", params).fetchall()


@pytest.fixture
def ana(db):
    return people.add_person(db, name="Ana", tier="core")


@pytest.mark.parametrize("channel", ["phone", "video", "in_person"])
def test_a_conversation_schedules_a_thank_you_48_hours_after_it_happened(db, ana, channel):
    log_interaction(db, ana, day="2026-11-25", channel=channel, today=TODAY)

    assert open_followups(db, "thank_you") == [("thank_you", "2026-11-27", "Thank Ana")]


def test_an_informational_interview_by_email_still_needs_a_thank_you(db, ana):
    log_interaction(db, ana, day=TODAY, channel="email", nature="informational_interview", today=TODAY)

    assert open_followups(db, "thank_you") == [("thank_you", "2026-11-29", "Thank Ana")]


def test_an_email_or_a_thank_you_itself_schedules_no_thank_you(db, ana):
    log_interaction(db, ana, day=TODAY, channel="email", today=TODAY)
    log_interaction(db, ana, day=TODAY, channel="phone", nature="thank_you", today=TODAY)

    assert open_followups(db, "thank_you") == []


def test_logging_a_thank_you_closes_the_open_thank_you(db, ana):
    log_interaction(db, ana, day="2026-11-25", channel="video", today=TODAY)

    log_interaction(db, ana, day="2026-11-26", channel="email", nature="thank_you", today=TODAY)

    assert open_followups(db, "thank_you") == []
    assert db.execute("select status, closed_on from followups where reason = 'thank_you'").fetchone() == (
        "done", "2026-11-26")


def test_a_meeting_logged_weeks_later_is_history_not_a_thank_you_to_write(db, ana):
    log_interaction(db, ana, day="2026-10-01", channel="in_person", today=TODAY)

    assert open_followups(db, "thank_you") == []


def test_the_check_in_is_the_last_touch_plus_the_cadence_counted_from_the_event_date(db, ana):
    log_interaction(db, ana, day="2026-11-10", channel="email", today=TODAY)

    assert open_followups(db, "check_in") == [("check_in", "2026-12-10", "")]


def test_any_touch_resets_the_check_in(db, ana):
    log_interaction(db, ana, day="2026-10-01", channel="email", today=TODAY)
    log_interaction(db, ana, day="2026-11-20", channel="text", direction="them", today=TODAY)

    assert open_followups(db, "check_in") == [("check_in", "2026-12-20", "")]


def test_an_older_touch_logged_late_does_not_move_the_check_in_back(db, ana):
    log_interaction(db, ana, day="2026-11-20", channel="email", today=TODAY)
    log_interaction(db, ana, day="2026-09-01", channel="email", today=TODAY)

    assert open_followups(db, "check_in") == [("check_in", "2026-12-20", "")]


def test_changing_the_tier_cadence_moves_the_check_in(db, ana):
    log_interaction(db, ana, day="2026-11-20", channel="email", today=TODAY)

    save_cadences(db, {"core": 14})
    people.update_person(db, ana, tier="core", today=TODAY)

    assert open_followups(db, "check_in") == [("check_in", "2026-12-04", "")]


def test_archived_tier_has_no_check_in(db, ana):
    log_interaction(db, ana, day="2026-11-20", channel="email", today=TODAY)

    people.update_person(db, ana, tier="archived", today=TODAY)

    assert open_followups(db, "check_in") == []


def test_a_person_never_touched_has_no_check_in(db, ana):
    daily_refresh(db, TODAY, force=True)

    assert open_followups(db) == []


def test_done_check_in_starts_the_next_cycle_from_today(db, ana):
    log_interaction(db, ana, day="2026-10-01", channel="email", today=TODAY)
    (fid,) = db.execute("select id from followups where reason = 'check_in'").fetchone()

    interactions.complete_followup(db, fid, TODAY)

    assert open_followups(db, "check_in") == [("check_in", "2026-12-27", "")]


def test_snooze_pushes_from_today_and_survives_a_refresh(db, ana):
    log_interaction(db, ana, day="2026-10-01", channel="email", today=TODAY)
    (fid,) = db.execute("select id from followups where reason = 'check_in'").fetchone()

    new_due = followups.snooze(db, fid, 7, TODAY)
    daily_refresh(db, TODAY, force=True)

    assert new_due == date(2026, 12, 4)
    assert open_followups(db, "check_in") == [("check_in", "2026-12-04", "")]


def test_a_new_touch_after_a_snooze_resets_the_check_in(db, ana):
    log_interaction(db, ana, day="2026-10-01", channel="email", today=TODAY)
    (fid,) = db.execute("select id from followups where reason = 'check_in'").fetchone()
    followups.snooze(db, fid, 30, TODAY)

    log_interaction(db, ana, day=TODAY, channel="email", today=TODAY)

    assert open_followups(db, "check_in") == [("check_in", "2026-12-27", "")]


def test_skip_closes_without_doing_and_closed_ones_cannot_be_closed_again(db, ana):
    log_interaction(db, ana, day=TODAY, channel="video", today=TODAY)
    (fid,) = db.execute("select id from followups where reason = 'thank_you'").fetchone()

    followups.skip(db, fid, TODAY)

    assert open_followups(db, "thank_you") == []
    with pytest.raises(ValidationError, match="already closed"):
        interactions.complete_followup(db, fid, TODAY)
    with pytest.raises(NotFound):
        followups.snooze(db, 999, 1, TODAY)


@pytest.mark.parametrize(("year", "expected"), [(2027, date(2027, 2, 28)), (2028, date(2028, 2, 29))])
def test_29_february_falls_on_28_february_in_other_years(year, expected):
    assert followups.occurrence(2, 29, year) == expected


def test_next_occurrence_rolls_into_next_year():
    assert followups.next_occurrence(1, 5, TODAY) == date(2027, 1, 5)
    assert followups.next_occurrence(11, 27, TODAY) == TODAY


def test_birthdays_become_reminders_once_with_the_age(db, ana):
    people.add_date(db, ana, label="birthday", month=12, day=3, year=1990)

    followups.schedule_date_reminders(db, TODAY)
    followups.schedule_date_reminders(db, TODAY)  # nothing due twice for the same reason

    assert open_followups(db, "date") == [("date", "2026-12-03", "Ana's birthday (36)")]


def test_a_done_birthday_does_not_come_back_this_year_but_does_next_year(db, ana):
    people.add_date(db, ana, label="birthday", month=12, day=3)
    followups.schedule_date_reminders(db, TODAY)
    (fid,) = db.execute("select id from followups where reason = 'date'").fetchone()
    interactions.complete_followup(db, fid, TODAY)

    followups.schedule_date_reminders(db, TODAY + timedelta(days=3))
    followups.schedule_date_reminders(db, date(2027, 11, 30))

    assert open_followups(db, "date") == [("date", "2027-12-03", "Ana's birthday")]


def test_dates_far_ahead_wait_until_they_come_near(db, ana):
    people.add_date(db, ana, label="work_anniversary", month=6, day=1)

    followups.schedule_date_reminders(db, TODAY)

    assert open_followups(db, "date") == []


def test_due_board_sorts_into_columns(db, ana):
    ben = people.add_person(db, name="Ben")
    log_interaction(db, ana, day="2026-10-01", channel="email", today=TODAY)  # check-in due 10-31: overdue
    log_interaction(db, ben, day="2026-11-25", channel="video", today=TODAY)  # thank-you due today
    followups.add_reminder(db, ben, "2026-12-02", "Send Ben the article")
    followups.add_reminder(db, None, "2027-01-10", "Plan Q1 goals")

    board = due_board(db, TODAY)

    assert [i["title"] for i in board["overdue"]] == ["Check in with Ana"]
    assert [i["title"] for i in board["today"]] == ["Thank Ben"]
    assert [i["title"] for i in board["week"]] == ["Send Ben the article"]
    assert [i["title"] for i in board["later"]] == ["Plan Q1 goals"]
    assert board["today"][0]["window_left_hours"] == 0
    assert board["overdue"][0]["days_left"] == -27


def test_a_reminder_needs_a_title_and_a_real_date(db):
    with pytest.raises(ValidationError, match="Reminder can't be empty"):
        followups.add_reminder(db, None, TODAY, " ")
    with pytest.raises(ValidationError, match="Due date must be a date"):
        followups.add_reminder(db, None, "next tuesday", "x")
    assert db.table("followups").count == 0


def test_thank_you_window_lists_only_open_thank_yous(db, ana):
    log_interaction(db, ana, day="2026-11-26", channel="phone", today=TODAY)

    window = followups.thank_you_window(db, TODAY)

    assert [(i["title"], i["window_left_hours"]) for i in window] == [("Thank Ana", 24)]


def test_an_overdue_backlog_never_hides_what_is_due_today(db):
    for i in range(30):
        pid = people.add_person(db, name=f"Old {i:02d}", tier="active")
        log_interaction(db, pid, day="2026-09-01", channel="email", today=TODAY)
    ben = people.add_person(db, name="Ben")
    log_interaction(db, ben, day="2026-11-25", channel="video", today=TODAY)

    board = due_board(db, TODAY, limit=5)

    assert len(board["overdue"]) == 5
    assert [i["title"] for i in board["today"]] == ["Thank Ben"]


def test_skip_never_overwrites_a_follow_up_closed_after_it_was_checked(db, ana, monkeypatch):
    # Done in another tab lands between skip's check and its update: the follow-up stays done.
    log_interaction(db, ana, day=TODAY, channel="video", today=TODAY)
    (fid,) = db.execute("select id from followups where reason = 'thank_you'").fetchone()
    interactions.complete_followup(db, fid, TODAY, channel="email")
    monkeypatch.setattr(followups, "require_open", lambda d, i: {"id": i, "status": "open"})  # the stale check

    with pytest.raises(ValidationError, match="already closed"):
        followups.skip(db, fid, TODAY)

    assert db.table("followups").get(fid)["status"] == "done"
