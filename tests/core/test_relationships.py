"""Stored scores and check-ins: everyone at once (in bulk) stores exactly what one by one would."""

from datetime import date, timedelta

import pytest

from core.bulk_scoring import touches_of
from core.db import memory_db, rows, scalar
from core.demo import generate_demo
from core.errors import NotFound
from core.interactions import complete_followup as complete
from core.people import archive_person
from core.relationships import (
    BULK_FROM,
    cadence_for,
    checkin_pause,
    daily_refresh,
    refresh_people,
    score_person,
    try_once_more,
)

TODAY = date(2026, 11, 27)
CADENCES = {"active": 14, "core": 30, "network": 90, "acquaintance": 180}


@pytest.mark.parametrize(("person", "expected"), [
    ({"tier": "core"}, 30),
    ({"tier": "core", "cadence_days": 7}, 7),
    ({"tier": None}, 90),
    ({"tier": "network", "archived_at": "2026-01-01"}, None),
    ({"tier": "archived"}, None),
])
def test_the_cadence_is_the_persons_own_else_their_tiers(person, expected):
    assert cadence_for(person, CADENCES) == expected


def snapshot(db):
    people = rows(db, "select person_id, score, score_status, score_confidence, score_reason, scored_on, "
                      "last_touch_on from scores order by person_id")
    checkins = rows(db, "select person_id, due, status, anchor_on, closed_on from followups "
                        "where reason = 'check_in' order by person_id")
    return people, checkins


def small_demo():
    db = memory_db()
    generate_demo(db, TODAY, people=80, touches_per_person=5, span_days=300)
    return db


def test_refreshing_everyone_stores_what_refreshing_each_person_alone_stores():
    together, one_by_one = small_demo(), small_demo()
    later = TODAY + timedelta(days=20)

    refresh_people(together, later)
    for (pid,) in one_by_one.execute("select id from people").fetchall():
        refresh_people(one_by_one, later, [pid])

    assert together.table("people").count >= BULK_FROM
    assert snapshot(together) == snapshot(one_by_one)


def test_a_done_check_in_keeps_counting_from_the_day_it_was_done_on_later_refreshes(db):
    # It used to fall back to the last touch the next day, and so came back overdue.
    from core.interactions import log_interaction
    from core.people import add_person

    pid = add_person(db, name="Ana", tier="core")
    log_interaction(db, pid, day=TODAY - timedelta(days=40), channel="email", today=TODAY)
    checkin = scalar(db, "select id from followups where reason = 'check_in' and person_id = ?", [pid])
    complete(db, checkin, TODAY)

    for days in (1, 2, 10):
        refresh_people(db, TODAY + timedelta(days=days))
        assert scalar(db, "select due from followups where id = ?", [checkin]) == "2026-12-27"


def test_a_done_check_in_anchors_the_next_one_when_everyone_is_refreshed():
    db = small_demo()
    item = rows(db, "select f.id, f.person_id, p.tier from followups f join people p on p.id = f.person_id "
                    "where f.reason = 'check_in' and f.status = 'open' and p.cadence_days is null limit 1")[0]
    done_on = TODAY + timedelta(days=3)
    complete(db, item["id"], done_on)

    refresh_people(db, done_on + timedelta(days=1))

    due = scalar(db, "select due from followups where id = ?", [item["id"]])
    assert due == (done_on + timedelta(days=CADENCES[item["tier"]])).isoformat()


def test_archiving_closes_the_check_in_and_a_refresh_does_not_reopen_it():
    db = small_demo()
    pid = scalar(db, "select person_id from followups where reason = 'check_in' and status = 'open' limit 1")
    archive_person(db, pid)

    refresh_people(db, TODAY + timedelta(days=1))

    assert scalar(db, "select status from followups where reason = 'check_in' and person_id = ?", [pid]) == "skipped"
    assert scalar(db, "select count(*) from followups where reason = 'check_in' and person_id = ? "
                      "and status = 'open'", [pid]) == 0


def test_a_score_that_did_not_change_still_records_the_day_it_was_scored():
    db = small_demo()
    before = dict(db.execute("select person_id, score from scores").fetchall())

    refresh_people(db, TODAY + timedelta(days=1))

    after = rows(db, "select person_id, score, scored_on from scores")
    assert any(before[r["person_id"]] == r["score"] for r in after)
    assert {r["scored_on"] for r in after} == {(TODAY + timedelta(days=1)).isoformat()}


def test_refreshing_nobody_changes_nothing(db):
    assert refresh_people(db, TODAY, []) == 0


def test_the_daily_refresh_runs_once_a_day_unless_forced(demo_db):
    assert daily_refresh(demo_db, TODAY) is False  # the demo already ran it today
    assert daily_refresh(demo_db, TODAY, force=True) is True
    assert daily_refresh(demo_db, TODAY + timedelta(days=1)) is True
    assert scalar(demo_db, "select count(*) from scores where scored_on != ?",
                  [(TODAY + timedelta(days=1)).isoformat()]) == 0


# --- SCORING.md §4.8: the log read in order, conversations, and the guardrail's pause on check-ins ---


def add(db, pid, tier="core"):
    db.table("people").insert({"id": pid, "name": f"P{pid}", "tier": tier, "created_at": "x", "updated_at": "x"})


def log(db, pid, day, direction, kind="neutral", channel="email", responded=None, nature=""):
    db.table("interactions").insert({
        "person_id": pid, "day": day.isoformat(), "channel": channel, "direction": direction, "kind": kind,
        "nature": nature, "responded": responded, "created_at": "x"})


def three_unanswered(db, pid, day=TODAY):
    """§4.8 example C: a give and their answer long ago, then three check-ins of yours, 24, 16 and 8 days ago."""
    add(db, pid)
    log(db, pid, day - timedelta(days=90), "me", "give", responded=1)
    log(db, pid, day - timedelta(days=60), "them", responded=1)
    for age in (24, 16, 8):
        log(db, pid, day - timedelta(days=age), "me")


def checkin(db, pid):
    found = rows(db, "select status, due from followups where reason = 'check_in' and person_id = ?", [pid])
    return found[0] if found else None


def status(db, pid):
    return scalar(db, "select score_status from scores where person_id = ?", [pid])


def test_three_unanswered_check_ins_schedule_no_new_check_in(db):
    three_unanswered(db, 1)

    refresh_people(db, TODAY)

    assert status(db, 1) == "unanswered"
    assert checkin(db, 1) is None


def test_the_pause_closes_an_open_check_in_as_skipped_when_the_third_goes_unanswered(db):
    three_unanswered(db, 1)
    refresh_people(db, TODAY - timedelta(days=2))  # the newest check-in is 6 days old: still awaited
    assert checkin(db, 1)["status"] == "open"

    refresh_people(db, TODAY)

    assert checkin(db, 1)["status"] == "skipped"


def test_everyone_refreshed_in_bulk_pauses_the_same_people():
    db = memory_db()
    for pid in range(1, BULK_FROM + 11):
        if pid % 2:
            three_unanswered(db, pid)
        else:
            add(db, pid)
            log(db, pid, TODAY - timedelta(days=8), "them")

    refresh_people(db, TODAY)

    assert {pid for pid in range(1, BULK_FROM + 11) if status(db, pid) == "unanswered"} == set(
        range(1, BULK_FROM + 11, 2))
    assert all((checkin(db, pid) is None) == bool(pid % 2) for pid in range(1, BULK_FROM + 11))


def test_an_answer_lifts_the_pause(db):
    three_unanswered(db, 1)
    refresh_people(db, TODAY)

    log(db, 1, TODAY, "them")
    refresh_people(db, TODAY, [1])

    assert status(db, 1) != "unanswered"
    assert checkin(db, 1) == {"status": "open", "due": (TODAY + timedelta(days=30)).isoformat()}


def test_try_once_more_schedules_check_ins_until_a_newer_message_goes_unanswered(db):
    three_unanswered(db, 1)
    refresh_people(db, TODAY)
    assert checkin_pause(db, 1, TODAY)["paused"] is True

    due = try_once_more(db, 1, TODAY)

    assert due == (TODAY - timedelta(days=8) + timedelta(days=30)).isoformat()
    assert checkin(db, 1) == {"status": "open", "due": due}
    assert checkin_pause(db, 1, TODAY)["paused"] is False
    refresh_people(db, TODAY + timedelta(days=20))  # the old run alone does not pause it again
    assert checkin(db, 1)["status"] == "open"

    log(db, 1, TODAY + timedelta(days=21), "me")  # the one more try
    refresh_people(db, TODAY + timedelta(days=27), [1])
    assert checkin(db, 1)["status"] == "open"  # still inside its reply window
    refresh_people(db, TODAY + timedelta(days=28))

    assert status(db, 1) == "unanswered"
    assert checkin(db, 1)["status"] == "skipped"
    assert checkin_pause(db, 1, TODAY + timedelta(days=28)) == {
        "run": 4, "paused": True, "notice": "Your last 4 messages went unanswered: pause and offer value"}


def test_try_once_more_for_nobody_says_so(db):
    with pytest.raises(NotFound):
        try_once_more(db, 99, TODAY)


def test_no_pause_notice_without_the_guardrail(db):
    add(db, 1)
    log(db, 1, TODAY - timedelta(days=9), "me")
    refresh_people(db, TODAY)

    assert status(db, 1) == "one_way"
    assert checkin_pause(db, 1, TODAY) is None
    assert checkin(db, 1)["status"] == "open"


def test_touches_are_read_in_log_order_with_their_conversations(db):
    add(db, 1)
    log(db, 1, TODAY - timedelta(days=3), "them")
    log(db, 1, TODAY - timedelta(days=9), "me", "ask", channel="video", nature="informational_interview")
    log(db, 1, TODAY - timedelta(days=3), "me")

    touches = touches_of(db, [1])[1]

    assert [(x.day, x.direction, x.conversation) for x in touches] == [
        (TODAY - timedelta(days=3), "them", False), (TODAY - timedelta(days=9), "me", True),
        (TODAY - timedelta(days=3), "me", False)]


def test_an_informational_interview_last_week_is_not_dormant_in_either_path():
    db = memory_db()
    for pid in range(1, BULK_FROM + 1):
        add(db, pid, "network")
        log(db, pid, TODAY - timedelta(days=6), "me", "ask", channel="video", nature="informational_interview")

    refresh_people(db, TODAY)
    bulk = {status(db, pid) for pid in range(1, BULK_FROM + 1)}
    refresh_people(db, TODAY, [1])

    assert bulk == {"on_track"}
    assert status(db, 1) == "on_track"
    assert score_person(db, {"id": 1, "tier": "network"}, TODAY).status == "on_track"


def test_the_evidence_of_a_few_people_comes_in_log_order(db):
    from core.bulk_scoring import SHIFT_DAY, fetch_evidence

    add(db, 1)
    for age in (2, 9, 2, 5):  # the (person, day) index would give 9, 5, 2, 2
        log(db, 1, TODAY - timedelta(days=age), "me")

    for packed in (fetch_evidence(db, [1]), fetch_evidence(db)):  # a few people, and everyone
        days = (packed >> SHIFT_DAY) & ((1 << 22) - 1)
        assert (days - days.max()).tolist() == [0, -7, 0, -3]
