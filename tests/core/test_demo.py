"""The demo data: believable, deterministic, and scalable."""

from datetime import date

import pytest

from core.db import memory_db
from core.demo import generate_demo
from core.errors import ValidationError
from core.followups import thank_you_window, upcoming_dates
from tests.helpers import due_board

TODAY = date(2026, 11, 27)


def test_demo_is_a_job_seeker_three_months_in(demo_db):
    db = demo_db

    assert db.table("people").count == 42
    assert db.table("companies").count == 8
    assert 160 <= db.table("interactions").count <= 210  # with the thank-yous after help and conversations
    kinds = dict(db.execute("select kind, count(*) from interactions group by kind").fetchall())
    assert kinds["give"] > 10 and kinds["ask"] > 10
    assert db.table("goals").count == 3
    assert db.table("events").count == 1
    assert db.execute("select min(day) from interactions").fetchone()[0] >= "2026-08-29"


def test_demo_has_something_due_today_and_a_birthday_soon(demo_db):
    board = due_board(demo_db, TODAY)

    assert board["overdue"] and board["today"]
    assert thank_you_window(demo_db, TODAY)
    assert any("birthday" in d["title"] for d in upcoming_dates(demo_db, TODAY))


def test_demo_scores_everyone_who_has_been_touched(demo_db):
    unscored = demo_db.execute("select count(*) from scores where last_touch_on is not null and score is null")

    assert unscored.fetchone()[0] == 0


def test_demo_is_deterministic():
    a, b = memory_db(), memory_db()
    generate_demo(a, TODAY)
    generate_demo(b, TODAY)

    query = "select name, stage, score from people join scores on person_id = id order by id"
    assert a.execute(query).fetchall() == b.execute(query).fetchall()


def test_demo_refuses_a_database_that_has_data(demo_db):
    with pytest.raises(ValidationError, match="empty database"):
        generate_demo(demo_db, TODAY)


def test_demo_scales_for_benchmarks():
    db = memory_db()

    generate_demo(db, TODAY, people=1000, touches_per_person=10, span_days=720)

    assert db.table("people").count == 1002
    assert 10000 <= db.table("interactions").count <= 17000  # ~10 touches each, plus thank-yous after help and calls
