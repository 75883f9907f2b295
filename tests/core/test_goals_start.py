"""Goals count from their start (issue 12): what happened before a goal began is not progress toward it."""

from datetime import date

import pytest

from core import goals, people
from core.errors import ValidationError
from core.interactions import log_interaction

TODAY = date(2026, 11, 27)
A_YEAR_AGO = date(2025, 11, 27)


def marketing_managers(db, n: int, conversed_on: date) -> list[int]:
    ids = []
    for i in range(n):
        pid = people.add_person(db, name=f"Manager {i}", role="marketing manager")
        log_interaction(db, pid, day=conversed_on, channel="video", today=conversed_on)
        ids.append(pid)
    return ids


def meet_five(db, **fields) -> dict:
    gid = goals.create_goal(db, today=TODAY, metric="people_at_stage", stage="conversed", target=5,
                            segment_role="marketing manager", due_on="2027-02-28", **fields)
    return goals.get_goal(db, gid)


def test_a_new_goal_does_not_count_conversations_from_before_it_was_created(db):
    marketing_managers(db, 5, A_YEAR_AGO)

    goal = meet_five(db)

    assert goal["start_on"] == TODAY.isoformat()
    assert goals.progress(db, goal)["current"] == 0
    assert goals.list_goals(db, TODAY)[0]["progress"]["met"] is False


def test_people_who_reach_the_stage_after_the_start_count(db):
    old = marketing_managers(db, 3, A_YEAR_AGO)
    goal = meet_five(db)
    new = people.add_person(db, name="New Manager", role="marketing manager")
    log_interaction(db, new, day="2026-12-02", channel="phone", today=date(2026, 12, 2))
    people.set_stage(db, old[0], "connected", date(2026, 12, 3))  # already conversed: moving on is no new meeting

    result = goals.progress(db, goal)

    assert (result["current"], [p["name"] for p in result["people"]]) == (1, ["New Manager"])


def test_an_explicit_earlier_start_counts_from_that_day(db):
    marketing_managers(db, 2, date(2026, 9, 15))
    marketing_managers(db, 1, date(2026, 6, 1))

    goal = meet_five(db, start_on="2026-09-01")

    assert goal["start_on"] == "2026-09-01"
    assert goals.progress(db, goal)["current"] == 2
    assert goals.counting_from(goal) == "counting from 1 September 2026"


def test_a_touches_goal_counts_touches_from_its_creation_day(db):
    ana = people.add_person(db, name="Ana")
    log_interaction(db, ana, day="2026-11-20", channel="email", nature="shared_resource", today=TODAY)
    log_interaction(db, ana, day=TODAY, channel="email", nature="shared_resource", today=TODAY)

    gid = goals.create_goal(db, today=TODAY, metric="interactions", interaction_kind="give", target=3,
                            due_on="2026-12-31")

    assert goals.progress(db, goals.get_goal(db, gid))["current"] == 1


def test_a_start_after_the_due_date_is_refused_and_changes_nothing(db):
    goal = meet_five(db)

    with pytest.raises(ValidationError, match="The due date must come after the start date"):
        goals.update_goal(db, goal["id"], today=TODAY, start_on="2027-03-01")
    with pytest.raises(ValidationError, match="The due date must come after the start date"):
        meet_five(db, start_on="2027-03-01")

    assert goals.get_goal(db, goal["id"]) == goal
    assert db.table("goals").count == 1
