"""Goals: specific, validated, and with progress computed from the data."""

from datetime import date

import pytest

from core import goals, people
from core.errors import NotFound, ValidationError
from core.interactions import log_interaction

TODAY = date(2026, 11, 27)
A_YEAR_AGO = date(2025, 11, 27)


def test_people_at_stage_goal_counts_the_segment_at_or_beyond_the_stage(db):
    gid = goals.add_goal(db, today=TODAY, title="Meet 3 marketing managers in tech", metric="people_at_stage",
                         target=3, stage="conversed", segment_industry="tech", segment_role="marketing",
                         due_on="2027-03-31")
    for name, industry, stage in (("Ana", "Tech", "conversed"), ("Ben", "Tech", "ally"), ("Cy", "Tech", "contacted"),
                                  ("Di", "Health", "ally")):
        pid = people.add_person(db, name=name, industry=industry, role="marketing")
        people.set_stage(db, pid, stage, TODAY)

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
        ({"stage": ""}, "A goal that counts people needs the stage they reach: one of stranger, contacted"),
        ({"stage": "boss"}, "Stage must be one of"),
        ({"interaction_kind": "give"}, "A goal that counts people at a stage counts no touches"),
        ({"metric": "interactions"}, "A goal that counts touches has no stage"),
        ({"metric": "interactions", "stage": "", "interaction_kind": "favour"}, "Kind of touch must be one of"),
        ({"metric": "interactions", "stage": "", "interaction_nature": "bribe"}, "Nature of touch must be one of"),
        ({"metric": "interactions", "stage": "", "interaction_kind": "give", "interaction_nature": "referral"},
         "Asked for a referral counts as 'ask', not 'give'"),
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


# --- Editing what a goal counts ------------------------------------------------------------------


@pytest.fixture
def log(db):
    """Ana has conversed (since 2 November) and was given to twice this month; Ben became an ally on
    5 November and nobody touched him."""
    ana = people.add_person(db, name="Ana")
    people.set_stage(db, ana, "conversed", date(2026, 11, 2))
    people.set_stage(db, people.add_person(db, name="Ben"), "ally", date(2026, 11, 5))
    for day in ("2026-11-03", "2026-11-20"):
        log_interaction(db, ana, day=day, channel="email", nature="shared_resource", today=TODAY)
    log_interaction(db, ana, day="2026-11-21", channel="video", nature="advice", today=TODAY)
    return db


def gives_goal(db, **fields) -> int:
    base = {"title": "Give often", "metric": "interactions", "target": 4, "interaction_kind": "give",
            "interaction_nature": "shared_resource", "start_on": "2026-11-01", "due_on": "2026-11-30"}
    return goals.add_goal(db, today=TODAY, **{**base, **fields})


def test_switching_a_touches_goal_to_people_at_a_stage_clears_kind_and_nature_and_recounts(log):
    gid = gives_goal(log)
    assert goals.progress(log, goals.get_goal(log, gid))["current"] == 2

    goals.update_goal(log, gid, today=TODAY, metric="people_at_stage", stage="connected")

    goal = goals.get_goal(log, gid)
    assert (goal["metric"], goal["stage"], goal["interaction_kind"], goal["interaction_nature"]) == (
        "people_at_stage", "connected", "", "")
    result = goals.progress(log, goal)
    assert (result["current"], [p["name"] for p in result["people"]]) == (1, ["Ben"])
    assert goals.describe(goal) == "4 people at 'connected' or beyond by 2026-11-30"


def test_switching_a_people_goal_to_touches_clears_its_stage_and_recounts(log):
    gid = goals.add_goal(log, today=TODAY, title="Meet", metric="people_at_stage", target=3, stage="conversed",
                         start_on="2026-11-01", due_on="2026-11-30")
    assert goals.progress(log, goals.get_goal(log, gid))["current"] == 2

    goals.update_goal(log, gid, today=TODAY, metric="interactions", interaction_kind="ask")

    goal = goals.get_goal(log, gid)
    assert (goal["metric"], goal["stage"], goal["interaction_kind"], goal["interaction_nature"]) == (
        "interactions", "", "ask", "")
    assert goals.progress(log, goal)["current"] == 1
    assert goals.describe(goal) == "3 asks by 2026-11-30"


def test_switching_there_and_back_leaves_a_goal_carrying_one_metric_only(log):
    gid = gives_goal(log)

    goals.update_goal(log, gid, today=TODAY, metric="people_at_stage", stage="conversed")
    goals.update_goal(log, gid, today=TODAY, metric="interactions", interaction_nature="advice")

    goal = goals.get_goal(log, gid)
    assert (goal["metric"], goal["stage"], goal["interaction_kind"], goal["interaction_nature"]) == (
        "interactions", "", "", "advice")
    assert goals.progress(log, goal)["current"] == 1


def test_switching_to_touches_with_only_the_metric_counts_every_touch(log):
    gid = goals.add_goal(log, today=TODAY, title="Meet", metric="people_at_stage", target=3, stage="ally",
                         start_on="2026-11-01", due_on="2026-11-30")

    goals.update_goal(log, gid, today=TODAY, metric="interactions")

    goal = goals.get_goal(log, gid)
    assert (goal["stage"], goals.progress(log, goal)["current"]) == ("", 3)


def test_changing_only_the_nature_of_a_touches_goal_keeps_its_metric(log):
    gid = gives_goal(log, interaction_kind="", interaction_nature="")

    goals.update_goal(log, gid, today=TODAY, interaction_nature="advice")

    goal = goals.get_goal(log, gid)
    assert (goal["metric"], goal["interaction_nature"], goals.progress(log, goal)["current"]) == (
        "interactions", "advice", 1)


@pytest.mark.parametrize(
    ("start", "change", "message"),
    [
        ("touches", {"metric": "people_at_stage"}, "A goal that counts people needs the stage they reach"),
        ("touches", {"metric": "people_at_stage", "stage": "boss"}, "Stage must be one of"),
        ("touches", {"metric": "people_at_stage", "stage": "ally", "interaction_kind": "give"},
         "A goal that counts people at a stage counts no touches"),
        ("touches", {"metric": "people_at_stage", "stage": "ally", "interaction_nature": "advice"},
         "A goal that counts people at a stage counts no touches"),
        ("touches", {"stage": "conversed"}, "A goal that counts touches has no stage"),
        ("people", {"metric": "interactions", "stage": "ally"}, "A goal that counts touches has no stage"),
        ("people", {"interaction_kind": "give"}, "A goal that counts people at a stage counts no touches"),
        ("people", {"stage": ""}, "A goal that counts people needs the stage they reach"),
        ("people", {"metric": "interactions", "interaction_kind": "favour"}, "Kind of touch must be one of"),
        ("people", {"metric": "interactions", "interaction_nature": "bribe"}, "Nature of touch must be one of"),
        ("touches", {"interaction_kind": "neutral"}, "Shared a resource counts as 'give', not 'neutral'"),
        ("people", {"metric": "interactions", "interaction_kind": "give", "interaction_nature": "advice"},
         "Asked for advice counts as 'ask', not 'give'"),
        ("people", {"metric": "vibes"}, "What to count must be one of"),
        ("touches", {"metric": "people_at_stage", "stage": "ally", "target": 0}, "Target number must be at least 1"),
        ("people", {"metric": "interactions", "due_on": "2026-10-01"}, "The due date must come after the start"),
    ],
)
def test_an_invalid_change_of_what_a_goal_counts_is_refused_and_changes_nothing(log, start, change, message):
    if start == "touches":
        gid = gives_goal(log)
    else:
        gid = goals.add_goal(log, today=TODAY, title="Meet", metric="people_at_stage", target=3, stage="conversed",
                             start_on="2026-11-01", due_on="2026-11-30")
    before = goals.get_goal(log, gid)

    with pytest.raises(ValidationError, match=message):
        goals.update_goal(log, gid, today=TODAY, **change)

    assert goals.get_goal(log, gid) == before


def test_any_edit_clears_a_stage_left_on_a_touches_goal_by_older_data(log):
    gid = gives_goal(log)
    log.execute("update goals set stage = 'ally' where id = ?", [gid])

    goals.update_goal(log, gid, today=TODAY, priority=1)

    goal = goals.get_goal(log, gid)
    assert (goal["priority"], goal["stage"], goal["interaction_kind"]) == (1, "", "give")


def test_a_title_written_from_the_numbers_follows_a_change_of_what_the_goal_counts(log):
    gid = goals.create_goal(log, today=TODAY, metric="interactions", interaction_kind="give", target=10,
                            start_on="2026-11-01", due_on="2026-11-30")
    assert goals.get_goal(log, gid)["title"] == "Give 10 times by 30 November 2026"

    goals.update_goal(log, gid, today=TODAY, metric="people_at_stage", stage="connected", target=3,
                      title="Give 10 times by 30 November 2026")

    assert goals.get_goal(log, gid)["title"] == "Meet 3 people who reach 'connected' by 30 November 2026"


def test_a_title_the_user_wrote_is_kept_when_what_the_goal_counts_changes(log):
    gid = gives_goal(log, title="Be generous")

    goals.update_goal(log, gid, today=TODAY, metric="people_at_stage", stage="ally")

    assert goals.get_goal(log, gid)["title"] == "Be generous"


def test_a_new_title_passed_with_the_change_wins_over_the_written_one(log):
    gid = goals.create_goal(log, today=TODAY, metric="interactions", interaction_kind="give", target=10,
                            start_on="2026-11-01", due_on="2026-11-30")

    goals.update_goal(log, gid, today=TODAY, metric="people_at_stage", stage="ally", title="Allies")

    assert goals.get_goal(log, gid)["title"] == "Allies"


def test_updating_a_goal_that_is_gone_is_not_found(db):
    with pytest.raises(NotFound, match="That goal no longer exists"):
        goals.update_goal(db, 404, today=TODAY, metric="interactions")


# --- Making goals specific: presets, titles written from the numbers, the form's errors, who counts ---


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


# --- Goals count from their start: what happened before a goal began is not progress toward it ---


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
