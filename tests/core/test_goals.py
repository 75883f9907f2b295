"""Goals: specific, validated, and with progress computed from the data."""

from datetime import date

import pytest

from core import goals, people
from core.errors import NotFound, ValidationError
from core.interactions import log_interaction

TODAY = date(2026, 11, 27)


def test_people_at_stage_goal_counts_the_segment_at_or_beyond_the_stage(db):
    gid = goals.add_goal(db, today=TODAY, title="Meet 3 marketing managers in tech", metric="people_at_stage",
                         target=3, stage="conversed", segment_industry="tech", segment_role="marketing",
                         due_on="2027-03-31")
    people.add_person(db, name="Ana", industry="Tech", role="marketing", stage="conversed")
    people.add_person(db, name="Ben", industry="Tech", role="marketing", stage="ally")
    people.add_person(db, name="Cy", industry="Tech", role="marketing", stage="contacted")
    people.add_person(db, name="Di", industry="Health", role="marketing", stage="ally")

    result = goals.progress(db, goals.get_goal(db, gid))

    assert (result["current"], result["target"], result["met"]) == (2, 3, False)
    assert result["fraction"] == pytest.approx(2 / 3)
    assert [p["name"] for p in result["people"]] == ["Ana", "Ben"]


def test_interaction_goal_counts_touches_of_a_nature_inside_its_window(db):
    ana = people.add_person(db, name="Ana")
    gid = goals.add_goal(db, today=TODAY, title="Hold 2 informational interviews", metric="interactions",
                         target=2, interaction_nature="informational_interview", start_on="2026-11-01",
                         due_on="2026-12-31")
    log_interaction(db, ana, day="2026-11-10", channel="video", nature="informational_interview", today=TODAY)
    log_interaction(db, ana, day="2026-10-10", channel="video", nature="informational_interview", today=TODAY)
    log_interaction(db, ana, day="2026-11-12", channel="email", kind="give", today=TODAY)

    result = goals.progress(db, goals.get_goal(db, gid))

    assert (result["current"], result["met"]) == (1, False)
    assert result["people"] == [{"id": ana, "name": "Ana", "stage": "conversed", "score": result["people"][0]["score"],
                                 "touches": 1}]


def test_gives_goal_counts_gives(db):
    ana = people.add_person(db, name="Ana")
    gid = goals.add_goal(db, today=TODAY, title="Give twice", metric="interactions", target=2,
                         interaction_kind="give", due_on="2026-12-31", start_on="2026-11-01")
    for nature in ("shared_resource", "congratulated", "referral"):
        log_interaction(db, ana, day=TODAY, channel="email", nature=nature, today=TODAY)

    assert goals.progress(db, goals.get_goal(db, gid))["current"] == 2
    assert goals.progress(db, goals.get_goal(db, gid))["met"] is True


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"target": None}, "Target number is required"),
        ({"target": "five"}, "Target number must be a whole number"),
        ({"target": 0}, "Target number must be at least 1"),
        ({"due_on": None}, "Due date is required"),
        ({"due_on": "2026-01-01"}, "The due date must come after the start date"),
        ({"title": ""}, "Goal can't be empty"),
        ({"metric": "vibes"}, "What to count must be one of"),
        ({"stage": ""}, "Stage must be one of"),
    ],
)
def test_a_vague_goal_is_refused_and_nothing_is_written(db, fields, message):
    args = {"title": "Meet 5 PMs", "metric": "people_at_stage", "target": 5, "stage": "conversed",
            "due_on": "2027-01-31", **fields}

    with pytest.raises(ValidationError, match=message):
        goals.add_goal(db, today=TODAY, **args)

    assert db.table("goals").count == 0


def test_close_reopen_and_revisit(db):
    gid = goals.add_goal(db, today=TODAY, title="Meet 5 PMs", metric="people_at_stage", target=5,
                         stage="conversed", due_on="2027-01-31", revisit_on="2026-11-20")

    assert [g["id"] for g in goals.goals_to_revisit(db, TODAY)] == [gid]
    goals.mark_revisited(db, gid, "2026-12-11")
    assert goals.goals_to_revisit(db, TODAY) == []
    goals.close_goal(db, gid, TODAY)
    assert goals.list_goals(db, TODAY) == []
    assert [g["id"] for g in goals.list_goals(db, TODAY, status="closed")] == [gid]
    goals.reopen_goal(db, gid)
    assert [g["status"] for g in goals.list_goals(db, TODAY)] == ["open"]


def test_goals_are_listed_by_priority_then_due_date(db):
    low = goals.add_goal(db, today=TODAY, title="Low", metric="interactions", target=1, priority=3,
                         due_on="2026-12-01")
    high_late = goals.add_goal(db, today=TODAY, title="High late", metric="interactions", target=1, priority=1,
                               due_on="2027-02-01")
    high_soon = goals.add_goal(db, today=TODAY, title="High soon", metric="interactions", target=1, priority=1,
                               due_on="2026-12-15")

    assert [g["id"] for g in goals.list_goals(db, TODAY)] == [high_soon, high_late, low]


def test_update_goal_revalidates_and_missing_goals_are_not_found(db):
    gid = goals.add_goal(db, today=TODAY, title="Meet 5 PMs", metric="people_at_stage", target=5,
                         stage="conversed", due_on="2027-01-31")

    goals.update_goal(db, gid, today=TODAY, target=8)
    with pytest.raises(ValidationError):
        goals.update_goal(db, gid, today=TODAY, target=-1)

    assert goals.get_goal(db, gid)["target"] == 8
    with pytest.raises(NotFound):
        goals.close_goal(db, 999, TODAY)


def test_describe_reads_like_a_specific_goal(db):
    gid = goals.add_goal(db, today=TODAY, title="x", metric="people_at_stage", target=5, stage="conversed",
                         segment_role="marketing manager", segment_industry="tech", due_on="2027-03-31")

    assert goals.describe(goals.get_goal(db, gid)) == (
        "5 people (industry: tech, role: marketing manager) at 'conversed' or beyond by 2027-03-31")
