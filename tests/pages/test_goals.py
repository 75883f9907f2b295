"""The Goals page: add a specific goal, see its computed progress and who counts, edit, prioritise, close."""

from datetime import date

from core import goals, people
from core.db import open_db
from tests.helpers import open_page, shown_text

TODAY = date(2026, 11, 27)


def add_goal(db, **fields) -> int:
    base = {"metric": "people_at_stage", "stage": "conversed", "target": 5, "due_on": "2027-03-31"}
    return goals.create_goal(db, today=TODAY, **{**base, **fields})


def test_no_goals_yet_invites_the_first_one(app):
    at = open_page(app, "goals")

    assert at.info[0].value.startswith("No open goals. Add one above")
    assert at.button(key="goals_new_add").label == "Add the goal"


def test_add_a_meet_goal_from_its_preset(app, db_path):
    at = open_page(app, "goals")

    at.number_input(key="goals_new_meet_target").set_value(5)
    at.text_input(key="goals_new_meet_role").input("marketing manager")
    at.text_input(key="goals_new_meet_industry").input("tech")
    at.button(key="goals_new_add").click().run()

    assert not at.exception
    (goal,) = goals.list_goals(open_db(db_path), TODAY)
    assert (goal["title"], goal["metric"], goal["stage"], goal["target"], goal["segment_role"]) == (
        "Meet 5 marketing managers in tech who reach 'conversed' by 25 February 2027", "people_at_stage",
        "conversed", 5, "marketing manager")
    assert goal["revisit_on"] == "2026-12-11"
    assert at.success[0].value == "Goal added. Its progress counts from your log."


def test_the_give_preset_counts_gives_this_month(app, db_path):
    at = open_page(app, "goals")
    at.radio(key="goals_preset").set_value("give").run()

    at.number_input(key="goals_new_give_target").set_value(4)
    at.button(key="goals_new_add").click().run()

    assert not at.exception
    (goal,) = goals.list_goals(open_db(db_path), TODAY)
    assert (goal["title"], goal["interaction_kind"], goal["start_on"], goal["due_on"]) == (
        "Give 4 times by 30 November 2026", "give", "2026-11-01", "2026-11-30")


def test_a_goal_without_a_number_shows_a_clear_error_and_writes_nothing(app, db_path):
    at = open_page(app, "goals")

    at.text_input(key="goals_new_meet_role").input("recruiter")
    at.button(key="goals_new_add").click().run()

    assert [e.value for e in at.error] == ["A goal needs a number: how many people or touches, by the due date?"]
    assert open_db(db_path).table("goals").count == 0


def test_a_goal_without_a_due_date_shows_a_clear_error_and_writes_nothing(app, db_path):
    at = open_page(app, "goals")

    at.number_input(key="goals_new_meet_target").set_value(3)
    at.date_input(key="goals_new_meet_due").set_value(None)
    at.button(key="goals_new_add").click().run()

    assert [e.value for e in at.error] == ["A goal needs a due date: by when do you want to get there?"]
    assert open_db(db_path).table("goals").count == 0


def test_progress_is_a_bar_with_current_over_target_and_the_people_who_count(app, db_path):
    db = open_db(db_path)
    for name, company in (("Ana", "Globex"), ("Ben", "Globex"), ("Cy", "Initech")):
        pid = people.add_person(db, name=name, company=company)
        people.set_stage(db, pid, "conversed", TODAY)
    add_goal(db, title="Three conversations")
    at = open_page(app, "goals")

    assert at.get("progress")[0].proto.text == "3 / 5"
    table = at.dataframe[0].value
    assert list(table["name"]) == ["Ana", "Ben", "Cy"]
    assert list(table["company"]) == ["Globex", "Globex", "Initech"]
    assert "Companies\\: Globex \\(2\\), Initech \\(1\\)" in shown_text(at)


def test_edit_a_goal_changes_its_number(app, db_path):
    gid = add_goal(open_db(db_path), title="Meet data people")
    at = open_page(app, "goals")

    at.button(key=f"goals_edit_{gid}").click().run()
    at.number_input(key=f"goals_editing_{gid}_target").set_value(8)
    at.button(key=f"goals_editing_{gid}_save").click().run()

    assert not at.exception
    assert goals.get_goal(open_db(db_path), gid)["target"] == 8
    assert at.success[0].value == "Saved: Meet data people."


def test_an_edit_that_empties_the_title_shows_an_error_and_keeps_the_goal(app, db_path):
    gid = add_goal(open_db(db_path), title="Meet data people")
    at = open_page(app, "goals")

    at.button(key=f"goals_edit_{gid}").click().run()
    at.text_input(key=f"goals_editing_{gid}_title").input(" ")
    at.number_input(key=f"goals_editing_{gid}_target").set_value(9)
    at.button(key=f"goals_editing_{gid}_save").click().run()

    assert [e.value for e in at.error] == ["Goal can't be empty."]
    assert (goals.get_goal(open_db(db_path), gid)["title"], goals.get_goal(open_db(db_path), gid)["target"]) == (
        "Meet data people", 5)


def test_raising_a_goals_priority_puts_it_first(app, db_path):
    db = open_db(db_path)
    first = add_goal(db, title="First")
    second = add_goal(db, title="Second", priority=3)
    at = open_page(app, "goals")

    at.button(key=f"goals_up_{second}").click().run()
    at.button(key=f"goals_up_{second}").click().run()

    assert not at.exception
    assert [g["id"] for g in goals.list_goals(open_db(db_path), TODAY)] == [second, first]


def test_close_and_reopen_a_goal(app, db_path):
    gid = add_goal(open_db(db_path), title="Meet data people")
    at = open_page(app, "goals")

    at.button(key=f"goals_close_{gid}").click().run()
    assert goals.get_goal(open_db(db_path), gid)["status"] == "closed"
    at.button(key=f"goals_reopen_{gid}").click().run()

    assert not at.exception
    assert goals.get_goal(open_db(db_path), gid)["status"] == "open"


def test_the_demo_goals_render(app, demo_path):
    at = open_page(app, "goals")

    assert not at.exception
    assert len(at.get("progress")) == len(goals.list_goals(open_db(demo_path), TODAY))


def test_a_goal_title_with_html_appears_literally(app, db_path):
    add_goal(open_db(db_path), title="<b>Big</b> <script>x</script>")
    at = open_page(app, "goals")

    assert "**\\<b\\>Big\\</b\\> \\<script\\>x\\</script\\>**" in [m.value for m in at.markdown]
