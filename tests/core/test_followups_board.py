"""Follow-up helpers for the board and Today: the composer purpose, one follow-up, and the calendar feed."""

from datetime import date

import pytest

from core import followups, interactions, people
from core.errors import NotFound
from core.interactions import log_interaction

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("reason", "purpose"),
    [("thank_you", "thank_you"), ("event_followup", "event_followup"), ("check_in", "check_in"),
     ("date", "congratulations"), ("custom", "check_in")],
)
def test_each_kind_of_follow_up_composes_with_the_fitting_purpose(reason, purpose):
    assert followups.compose_purpose({"person_id": 3, "reason": reason}) == purpose


def test_a_reminder_about_no_one_has_nothing_to_compose():
    assert followups.compose_purpose({"person_id": None, "reason": "custom"}) is None


def test_get_followup_returns_it_with_its_person_even_once_done(db):
    pid = people.add_person(db, name="Ana", company="Globex")
    fid = followups.add_reminder(db, pid, "2026-11-30", "Send Ana the article")
    interactions.complete_followup(db, fid, TODAY)

    item = followups.get_followup(db, fid, TODAY)

    assert (item["person_id"], item["person"], item["company"], item["status"], item["days_left"]) == (
        pid, "Ana", "Globex", "done", 3)


def test_get_followup_of_a_missing_id_is_a_clear_error(db):
    with pytest.raises(NotFound, match="no longer exists"):
        followups.get_followup(db, 999, TODAY)


def test_calendar_feed_holds_open_follow_ups_in_its_window_soonest_first(db):
    pid = people.add_person(db, name="Ana")
    old = followups.add_reminder(db, pid, "2026-08-01", "Too old for the window")
    overdue = followups.add_reminder(db, pid, "2026-11-01", "Overdue")
    soon = followups.add_reminder(db, pid, "2026-12-01", "Soon")
    far = followups.add_reminder(db, pid, "2027-06-01", "Too far ahead")
    done = followups.add_reminder(db, pid, "2026-12-02", "Already done")
    interactions.complete_followup(db, done, TODAY)

    feed = followups.calendar_feed(db, TODAY)

    assert [i["id"] for i in feed] == [overdue, soon]
    assert {old, far}.isdisjoint(i["id"] for i in feed)


def test_calendar_feed_is_bounded_and_keeps_those_nearest_today_in_date_order(db):
    pid = people.add_person(db, name="Ana")
    for due in ("2026-10-01", "2026-10-02", "2026-11-26", "2026-11-28", "2027-03-20"):
        followups.add_reminder(db, pid, due, f"Reminder {due}")

    feed = followups.calendar_feed(db, TODAY, limit=3)

    assert [i["due"] for i in feed] == ["2026-10-02", "2026-11-26", "2026-11-28"]


def test_board_columns_bound_each_column_on_its_own_and_count_them_all(db):
    pid = people.add_person(db, name="Ana")
    for n in range(5):
        followups.add_reminder(db, pid, f"2026-11-0{n + 1}", f"Overdue {n}")
    today_id = followups.add_reminder(db, pid, "2026-11-27", "Today")
    week_id = followups.add_reminder(db, pid, "2026-12-04", "In a week")
    later_id = followups.add_reminder(db, pid, "2026-12-05", "In eight days")
    followups.add_reminder(db, pid, "2027-03-01", "Beyond the board")

    board = followups.board_columns(db, TODAY, limit=2)

    assert {k: c["total"] for k, c in board.items()} == {"overdue": 5, "today": 1, "week": 1, "later": 1}
    assert [i["title"] for i in board["overdue"]["items"]] == ["Overdue 0", "Overdue 1"]
    assert [board[k]["items"][0]["id"] for k in ("today", "week", "later")] == [today_id, week_id, later_id]
    some = followups.board_columns(db, TODAY, limit=2, columns=("overdue", "today"))
    assert some == {k: board[k] for k in ("overdue", "today")}  # what Today reads: the rest is not fetched


def test_board_columns_leave_out_closed_follow_ups_and_archived_people(db):
    ana = people.add_person(db, name="Ana")
    ben = people.add_person(db, name="Ben")
    done = followups.add_reminder(db, ana, "2026-11-27", "Done already")
    interactions.complete_followup(db, done, TODAY)
    followups.add_reminder(db, ben, "2026-11-27", "About someone archived")
    people.archive_person(db, ben)
    mine = followups.add_reminder(db, None, "2026-11-27", "My own errand")

    board = followups.board_columns(db, TODAY)

    assert [i["id"] for i in board["today"]["items"]] == [mine]
    assert board["today"]["total"] == 1


def test_reminder_people_finds_active_people_by_part_of_their_name(db):
    people.add_person(db, name="Ana Reyes", company="Globex")
    people.add_person(db, name="Juana Ruiz")
    gone = people.add_person(db, name="Anabel Archived")
    people.archive_person(db, gone)
    people.add_person(db, name="Ben")

    found, total = followups.reminder_people(db, "ana")

    assert [(p["name"], p["company"]) for p in found] == [("Ana Reyes", "Globex"), ("Juana Ruiz", "")]
    assert total == 2
    assert followups.reminder_people(db, "", limit=1)[1] == 3


def test_calendar_feed_leaves_out_archived_people(db):
    pid = people.add_person(db, name="Ana")
    log_interaction(db, pid, day="2026-11-26", channel="phone", today=TODAY)
    assert followups.calendar_feed(db, TODAY)

    people.archive_person(db, pid)

    assert followups.calendar_feed(db, TODAY) == []


def test_board_totals_are_the_open_follow_ups_of_active_people_in_each_window(demo_db):
    for pid in (3, 5, 8, 13):
        people.archive_person(demo_db, pid)
    windows = {"overdue": ("0001-01-01", "2026-11-26"), "today": ("2026-11-27", "2026-11-27"),
               "week": ("2026-11-28", "2026-12-04"), "later": ("2026-12-05", "2027-01-26")}

    board = followups.board_columns(demo_db, TODAY)

    for name, (start, end) in windows.items():
        expected = demo_db.execute(
            "select count(*) from followups f left join people p on p.id = f.person_id where f.status = 'open' "
            "and (p.id is null or p.archived_at is null) and f.due between ? and ?", [start, end]).fetchone()[0]
        assert board[name]["total"] == expected, name
    assert board["overdue"]["total"] > 0


def test_the_thank_you_window_can_be_bounded_and_counted(db):
    ana = people.add_person(db, name="Ana")
    ben = people.add_person(db, name="Ben")
    cleo = people.add_person(db, name="Cleo")
    for who, day in ((ben, date(2026, 11, 20)), (ana, date(2026, 11, 26)), (cleo, date(2026, 11, 27))):
        log_interaction(db, who, day=day, channel="video", today=day)
    people.archive_person(db, ben)

    everything = followups.thank_you_window(db, TODAY)

    assert [t["id"] for t in followups.thank_you_window(db, TODAY, limit=1)] == [everything[0]["id"]]
    assert followups.thank_you_counts(db, TODAY) == {"total": len(everything), "due": 0}
    assert followups.thank_you_counts(db, date(2026, 11, 28)) == {"total": 2, "due": 1}
