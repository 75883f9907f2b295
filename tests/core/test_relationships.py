"""Stored scores and check-ins: everyone at once (in bulk) stores exactly what one by one would."""

from datetime import date, timedelta

import pytest

from core.db import memory_db, rows, scalar
from core.demo import generate_demo
from core.interactions import complete_followup as complete
from core.people import archive_person
from core.relationships import BULK_FROM, cadence_for, daily_refresh, refresh_people

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
