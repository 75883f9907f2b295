"""The Today page's cross-table queries: the week against the budget, moves up the ladder, and victories."""

from datetime import date

from core import followups, goals, interactions, people, today
from core.interactions import log_interaction
from core.settings import save_budget_minutes

TODAY = date(2026, 11, 27)  # a Friday


def test_the_week_starts_on_monday():
    assert today.week_start(TODAY) == date(2026, 11, 23)
    assert today.week_start(date(2026, 11, 23)) == date(2026, 11, 23)


def test_an_empty_database_is_a_first_run_and_one_person_ends_it(db):
    assert today.is_first_run(db) is True
    goals.create_goal(db, today=TODAY, metric="people_at_stage", stage="conversed", target=5, due_on="2027-03-31")
    assert today.is_first_run(db) is True

    people.add_person(db, name="Ana")

    assert today.is_first_run(db) is False


def test_week_activity_counts_touches_and_minutes_since_monday_against_the_budget(db):
    save_budget_minutes(db, 120)
    pid = people.add_person(db, name="Ana")
    log_interaction(db, pid, day="2026-11-22", channel="phone", minutes=30, today=TODAY)  # last Sunday
    log_interaction(db, pid, day="2026-11-23", channel="email", minutes=20, today=TODAY)
    log_interaction(db, pid, day="2026-11-27", channel="video", minutes=40, today=TODAY)

    week = today.week_activity(db, TODAY)

    assert (week["touches"], week["minutes"], week["budget"], week["left"], week["met"]) == (2, 60, 120, 60, False)
    assert week["fraction"] == 0.5
    assert week["days_left"] == 2


def test_a_budget_spent_is_met_and_the_bar_stops_at_full(db):
    save_budget_minutes(db, 30)
    pid = people.add_person(db, name="Ana")
    log_interaction(db, pid, day="2026-11-24", channel="in_person", minutes=90, today=TODAY)

    week = today.week_activity(db, TODAY)

    assert (week["met"], week["fraction"], week["left"]) == (True, 1.0, 0)


def test_stage_moves_keep_each_persons_highest_rung_and_skip_moves_down_and_archived_people(db):
    ana = people.add_person(db, name="Ana")
    ben = people.add_person(db, name="Ben")
    cy = people.add_person(db, name="Cy")
    people.set_stage(db, ana, "contacted", date(2026, 11, 24))
    people.set_stage(db, ana, "conversed", date(2026, 11, 25))
    people.set_stage(db, ben, "connected", date(2026, 11, 26))
    people.set_stage(db, ben, "contacted", date(2026, 11, 27))  # a move down is no victory
    people.set_stage(db, cy, "ally", date(2026, 11, 26))
    people.archive_person(db, cy)

    moves = today.stage_moves(db, date(2026, 11, 21))

    assert [(m["name"], m["from_stage"], m["to_stage"], m["day"]) for m in moves] == [
        ("Ben", "stranger", "connected", "2026-11-26"),
        ("Ana", "contacted", "conversed", "2026-11-25"),
    ]


def test_stage_moves_before_the_window_are_left_out(db):
    ana = people.add_person(db, name="Ana")
    people.set_stage(db, ana, "conversed", date(2026, 11, 1))

    assert today.stage_moves(db, date(2026, 11, 21)) == []


def test_victories_name_a_new_conversation_a_give_and_a_thank_you_sent_on_time(db):
    ana = people.add_person(db, name="Ana")
    ben = people.add_person(db, name="Ben")
    log_interaction(db, ana, day="2026-11-25", channel="video", today=date(2026, 11, 25))
    log_interaction(db, ben, day="2026-11-26", channel="email", nature="shared_resource", today=TODAY)
    thank_you = followups.thank_you_window(db, date(2026, 11, 26))[0]
    interactions.complete_followup(db, thank_you["id"], date(2026, 11, 26))

    wins = today.victories(db, TODAY)

    assert [(w["kind"], w["day"], w["text"]) for w in wins] == [
        ("stage", "2026-11-26", "You reached out to Ben for the first time"),
        ("give", "2026-11-26", "You gave: shared a resource (Ben)"),
        ("thanks", "2026-11-26", "You thanked Ana within 48 hours"),
        ("conversation", "2026-11-25", "A new conversation with Ana"),
    ]


def test_a_late_thank_you_is_not_a_victory(db):
    ana = people.add_person(db, name="Ana")
    log_interaction(db, ana, day="2026-11-20", channel="phone", today=date(2026, 11, 20))
    late = followups.thank_you_window(db, TODAY)[0]
    interactions.complete_followup(db, late["id"], TODAY)  # due 22 November, done the 27th

    assert [w for w in today.victories(db, TODAY) if w["kind"] == "thanks"] == []


def test_victories_older_than_a_week_are_left_out(db):
    ana = people.add_person(db, name="Ana")
    log_interaction(db, ana, day="2026-11-10", channel="email", nature="congratulated", today=date(2026, 11, 10))

    assert today.victories(db, TODAY) == []


def test_todays_lists_split_thank_yous_from_the_rest_and_list_a_date_once(db):
    day = date(2026, 11, 27)
    ana, ben = people.add_person(db, name="Ana"), people.add_person(db, name="Ben")
    log_interaction(db, ana, day="2026-11-22", channel="video", today=day)  # thank-you overdue since 11-24
    log_interaction(db, ben, day="2026-11-25", channel="linkedin", today=day)  # what Done would send Ben on
    log_interaction(db, ben, day="2026-11-26", channel="phone", today=day)  # thank-you due 11-28, not yet due
    people.add_date(db, ana, label="birthday", month=11, day=27, today=day)  # due today: listed once, as due
    people.add_date(db, ben, label="birthday", month=12, day=3, today=day)  # in the next two weeks
    reminder = followups.add_reminder(db, None, "2026-11-20", "Renew the meetup subscription")

    lists = today.follow_up_lists(db, day, shown=10)

    assert [i["person_id"] for i in lists["thanks"]] == [ana, ben] and lists["thanks_total"] == 2
    assert (lists["overdue"], lists["due_today"], lists["due_thanks"], lists["due_others"]) == (2, 1, 1, 2)
    assert [(i["id"], i["reason"]) for i in lists["due"]] == [(reminder, "custom"), (lists["due"][1]["id"], "date")]
    assert lists["due"][1]["title"] == "Ana's birthday"
    assert [i["title"] for i in lists["dates"]] == ["Ben's birthday"]
    assert [i["done_channel"] for i in lists["thanks"]] == ["email", "linkedin"]


def test_a_thank_you_for_a_thank_you_is_not_a_victory(db):
    # Insights' victories count only thank-yous for conversations that were not themselves thank-yous.
    ana = people.add_person(db, name="Ana")
    log_interaction(db, ana, day="2026-11-25", channel="phone", nature="thank_you", today=date(2026, 11, 25))
    log_interaction(db, ana, day="2026-11-26", channel="email", nature="thank_you", today=date(2026, 11, 26))

    assert [w for w in today.victories(db, TODAY) if w["kind"] == "thanks"] == []
