"""Making goals specific: presets, titles written from the numbers, the form's errors, and who counts."""

from datetime import date

import pytest

from core import goals, people
from core.errors import ValidationError

TODAY = date(2026, 11, 27)


def test_the_give_preset_counts_gives_from_the_first_to_the_last_day_of_the_month():
    d = goals.preset_defaults("give", TODAY)

    assert (d["metric"], d["interaction_kind"], d["start_on"], d["due_on"]) == (
        "interactions", "give", date(2026, 11, 1), date(2026, 11, 30))


def test_the_give_preset_in_december_ends_on_new_years_eve():
    assert goals.preset_defaults("give", date(2026, 12, 5))["due_on"] == date(2026, 12, 31)


def test_the_meet_preset_counts_people_who_reach_conversed():
    d = goals.preset_defaults("meet", TODAY)

    assert (d["metric"], d["stage"], d["revisit_on"]) == ("people_at_stage", "conversed", date(2026, 12, 11))


def test_an_unknown_preset_is_a_clear_error():
    with pytest.raises(ValidationError, match="Kind of goal must be one of"):
        goals.preset_defaults("world_peace", TODAY)


@pytest.mark.parametrize(
    ("fields", "title"),
    [
        ({"metric": "people_at_stage", "target": 5, "segment_role": "marketing manager",
          "segment_industry": "tech", "stage": "conversed", "due_on": "2027-03-31"},
         "Meet 5 marketing managers in tech who reach 'conversed' by 31 March 2027"),
        ({"metric": "people_at_stage", "target": 3, "segment_role": "data analyst", "stage": "connected",
          "due_on": date(2027, 1, 15)},
         "Meet 3 data analysts who reach 'connected' by 15 January 2027"),
        ({"metric": "people_at_stage", "target": 2, "stage": "ally", "due_on": "2027-01-15"},
         "Meet 2 people who reach 'ally' by 15 January 2027"),
        ({"metric": "interactions", "target": 4, "interaction_nature": "informational_interview",
          "due_on": "2027-02-01"}, "Hold 4 informational interviews by 1 February 2027"),
        ({"metric": "interactions", "target": 10, "interaction_kind": "give", "due_on": "2026-11-30"},
         "Give 10 times by 30 November 2026"),
        ({"metric": "interactions", "target": 6, "interaction_nature": "meeting", "due_on": "2026-12-31"},
         "6 meetings by 31 December 2026"),
    ],
)
def test_a_blank_title_is_written_from_the_number_segment_and_date(fields, title):
    assert goals.default_title(fields) == title


def test_create_goal_without_a_number_says_so_and_writes_nothing(db):
    with pytest.raises(ValidationError, match="A goal needs a number"):
        goals.create_goal(db, today=TODAY, metric="people_at_stage", stage="conversed", target=None,
                          due_on="2027-03-31")

    assert db.table("goals").count == 0


def test_create_goal_without_a_due_date_says_so_and_writes_nothing(db):
    with pytest.raises(ValidationError, match="A goal needs a due date"):
        goals.create_goal(db, today=TODAY, metric="people_at_stage", stage="conversed", target=5, due_on=None)

    assert db.table("goals").count == 0


def test_create_goal_names_a_goal_left_without_a_title(db):
    gid = goals.create_goal(db, today=TODAY, title="  ", metric="interactions", interaction_kind="give",
                            target=10, start_on="2026-11-01", due_on="2026-11-30")

    goal = goals.get_goal(db, gid)
    assert (goal["title"], goal["target"], goal["start_on"]) == ("Give 10 times by 30 November 2026", 10,
                                                                  "2026-11-01")


def test_create_goal_keeps_the_users_own_title(db):
    gid = goals.create_goal(db, today=TODAY, title="Data people", metric="people_at_stage", stage="contacted",
                            target=3, due_on="2027-01-31")

    assert goals.get_goal(db, gid)["title"] == "Data people"


def test_goal_people_lists_who_counts_with_their_companies_busiest_first(db):
    for name, company in (("Ana", "Globex"), ("Ben", "Globex"), ("Cy", "Initech"), ("Di", "")):
        pid = people.add_person(db, name=name, company=company, role="data engineer")
        people.set_stage(db, pid, "conversed", TODAY)
    people.add_person(db, name="Stranger Sam", company="Initech", role="data engineer")
    gid = goals.create_goal(db, today=TODAY, metric="people_at_stage", stage="conversed", target=5,
                            segment_role="data", due_on="2027-01-31")

    found = goals.goal_people(db, goals.get_goal(db, gid))

    assert [(p["name"], p["company"]) for p in found["people"]] == [
        ("Ana", "Globex"), ("Ben", "Globex"), ("Cy", "Initech"), ("Di", "")]
    assert found["companies"] == [{"name": "Globex", "people": 2}, {"name": "Initech", "people": 1}]


def test_goal_people_of_an_empty_segment_is_empty(db):
    gid = goals.create_goal(db, today=TODAY, metric="people_at_stage", stage="ally", target=1,
                            due_on="2027-01-31")

    assert goals.goal_people(db, goals.get_goal(db, gid)) == {"people": [], "companies": []}


def test_revisit_due_brings_back_goals_whose_revisit_date_came_or_due_date_passed(db):
    due_to_look = add(db, "Look again today", revisit_on="2026-11-27")
    overdue = add(db, "Past due", start_on="2026-09-01", due_on="2026-11-01")
    add(db, "Later", revisit_on="2026-12-15")
    closed = add(db, "Closed", revisit_on="2026-11-01")
    goals.close_goal(db, closed, TODAY)

    found = goals.revisit_due(db, TODAY)

    assert [g["id"] for g in found] == [overdue, due_to_look]
    assert [g["id"] for g in found] == [g["id"] for g in goals.goals_to_revisit(db, TODAY)]
    assert (found[1]["revisit_due"], found[0]["days_left"], found[1]["progress"]["current"]) == (True, -26, 0)


def test_goal_people_counts_people_even_when_progress_was_computed_without_them(db):
    pid = people.add_person(db, name="Ana", company="Globex")
    people.set_stage(db, pid, "conversed", TODAY)
    add(db, "Meet", revisit_on="2026-11-27")
    (goal,) = goals.revisit_due(db, TODAY)

    assert [p["name"] for p in goals.goal_people(db, goal)["people"]] == ["Ana"]


def add(db, title, **fields):
    base = {"metric": "people_at_stage", "stage": "conversed", "target": 2, "due_on": "2027-01-31"}
    return goals.create_goal(db, today=TODAY, title=title, **{**base, **fields})
