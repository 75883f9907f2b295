"""The Goals page: add a specific goal, see its computed progress and who counts, edit, prioritise, close."""

from datetime import date

from core import goals, people
from core.db import open_db
from core.interactions import log_interaction
from tests.helpers import open_page, plain, shown_text

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
    assert at.success[0].value == "Goal added. Its progress counts what you log from 27 November 2026."
    assert goal["start_on"] == "2026-11-27"


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


def gives_goal(db, **fields) -> int:
    base = {"title": "Give often", "metric": "interactions", "target": 4, "interaction_kind": "give",
            "interaction_nature": "shared_resource", "start_on": "2026-11-01", "due_on": "2026-11-30"}
    return goals.create_goal(db, today=TODAY, **{**base, **fields})


def test_the_edit_form_shows_what_the_goal_counts_prefilled(app, db_path):
    gid = gives_goal(open_db(db_path))
    at = open_page(app, "goals")

    at.button(key=f"goals_edit_{gid}").click().run()

    p = f"goals_editing_{gid}"
    assert (at.selectbox(key=f"{p}_metric").value, at.selectbox(key=f"{p}_kind").value,
            at.selectbox(key=f"{p}_nature").value) == ("interactions", "give", "shared_resource")
    assert not [s for s in at.selectbox if s.key == f"{p}_stage"]


def test_switch_a_touches_goal_to_people_at_a_stage_and_see_its_new_progress(app, db_path):
    db = open_db(db_path)
    for name, stage in (("Ana", "connected"), ("Ben", "ally"), ("Cy", "contacted")):
        people.set_stage(db, people.add_person(db, name=name), stage, date(2026, 11, 10))
    gid = gives_goal(db)
    at = open_page(app, "goals")
    assert at.get("progress")[0].proto.text == "0 / 4"
    p = f"goals_editing_{gid}"

    at.button(key=f"goals_edit_{gid}").click().run()
    at.selectbox(key=f"{p}_metric").select("people_at_stage").run()
    at.selectbox(key=f"{p}_stage").select("connected")
    at.button(key=f"{p}_save").click().run()

    assert not at.exception
    goal = goals.get_goal(open_db(db_path), gid)
    assert (goal["metric"], goal["stage"], goal["interaction_kind"], goal["interaction_nature"]) == (
        "people_at_stage", "connected", "", "")
    assert at.success[0].value == "Saved: Give often."
    assert at.get("progress")[0].proto.text == "2 / 4"
    assert "4 people at 'connected' or beyond by 2026-11-30" in plain(shown_text(at))
    assert list(at.dataframe[0].value["name"]) == ["Ana", "Ben"]


def test_switch_a_people_goal_to_touches_of_a_nature(app, db_path):
    db = open_db(db_path)
    ana = people.add_person(db, name="Ana")
    log_interaction(db, ana, day="2026-11-20", channel="video", nature="informational_interview", today=TODAY)
    gid = add_goal(db, title="Meet data people", stage="ally", start_on="2026-11-01")
    p = f"goals_editing_{gid}"
    at = open_page(app, "goals")

    at.button(key=f"goals_edit_{gid}").click().run()
    at.selectbox(key=f"{p}_metric").select("interactions").run()
    at.selectbox(key=f"{p}_nature").select("informational_interview")
    at.button(key=f"{p}_save").click().run()

    assert not at.exception
    goal = goals.get_goal(open_db(db_path), gid)
    assert (goal["metric"], goal["stage"], goal["interaction_kind"], goal["interaction_nature"]) == (
        "interactions", "", "", "informational_interview")
    assert at.get("progress")[0].proto.text == "1 / 5"
    assert "5 informational interviews by 2027-03-31" in plain(shown_text(at))


def test_a_title_written_from_the_numbers_follows_the_switch(app, db_path):
    gid = goals.create_goal(open_db(db_path), today=TODAY, metric="interactions", interaction_kind="give",
                            target=10, start_on="2026-11-01", due_on="2026-11-30")
    p = f"goals_editing_{gid}"
    at = open_page(app, "goals")

    at.button(key=f"goals_edit_{gid}").click().run()
    at.selectbox(key=f"{p}_metric").select("people_at_stage").run()
    at.button(key=f"{p}_save").click().run()

    assert goals.get_goal(open_db(db_path), gid)["title"] == "Meet 10 people who reach 'conversed' by 30 November 2026"
    assert at.success[0].value == "Saved: Meet 10 people who reach 'conversed' by 30 November 2026."


def test_a_kind_that_contradicts_the_nature_shows_an_error_and_keeps_the_goal(app, db_path):
    gid = add_goal(open_db(db_path), title="Meet data people")
    before = goals.get_goal(open_db(db_path), gid)
    p = f"goals_editing_{gid}"
    at = open_page(app, "goals")

    at.button(key=f"goals_edit_{gid}").click().run()
    at.selectbox(key=f"{p}_metric").select("interactions").run()
    at.selectbox(key=f"{p}_kind").select("give")
    at.selectbox(key=f"{p}_nature").select("advice")
    at.button(key=f"{p}_save").click().run()

    assert [e.value for e in at.error] == [
        "Asked for advice counts as 'ask', not 'give': choose that kind of touch or leave the kind blank."]
    assert goals.get_goal(open_db(db_path), gid) == before
    assert at.selectbox(key=f"{p}_metric").value == "interactions"


def test_a_switch_with_the_due_date_before_the_start_shows_an_error_and_keeps_the_goal(app, db_path):
    gid = gives_goal(open_db(db_path))
    before = goals.get_goal(open_db(db_path), gid)
    p = f"goals_editing_{gid}"
    at = open_page(app, "goals")

    at.button(key=f"goals_edit_{gid}").click().run()
    at.selectbox(key=f"{p}_metric").select("people_at_stage").run()
    at.date_input(key=f"{p}_due").set_value(date(2026, 10, 1))
    at.button(key=f"{p}_save").click().run()

    assert [e.value for e in at.error] == ["The due date must come after the start date."]
    assert goals.get_goal(open_db(db_path), gid) == before


def test_a_custom_goal_counting_touches_shows_only_the_touch_inputs(app, db_path):
    at = open_page(app, "goals")
    at.radio(key="goals_preset").set_value("custom").run()
    at.selectbox(key="goals_new_custom_metric").select("interactions").run()

    assert not [s for s in at.selectbox if s.key == "goals_new_custom_stage"]
    at.number_input(key="goals_new_custom_target").set_value(3)
    at.selectbox(key="goals_new_custom_kind").select("ask")
    at.button(key="goals_new_add").click().run()

    assert not at.exception
    (goal,) = goals.list_goals(open_db(db_path), TODAY)
    assert (goal["metric"], goal["stage"], goal["interaction_kind"], goal["title"]) == (
        "interactions", "", "ask", "3 asks by 25 February 2027")


def test_the_edit_form_renders_for_every_demo_goal(app, demo_path):
    at = open_page(app, "goals")

    for g in goals.list_goals(open_db(demo_path), TODAY):
        at.button(key=f"goals_edit_{g['id']}").click().run()

        assert not at.exception
        assert at.selectbox(key=f"goals_editing_{g['id']}_metric").value == g["metric"]


def test_a_goal_shows_the_day_it_counts_from_and_not_what_came_before(app, db_path):
    db = open_db(db_path)
    for name, day in (("Ana", date(2025, 11, 20)), ("Ben", date(2026, 11, 27))):
        people.set_stage(db, people.add_person(db, name=name), "conversed", day)
    add_goal(db, title="Meet people")
    at = open_page(app, "goals")

    assert "counting from 27 November 2026" in shown_text(at)
    assert at.get("progress")[0].proto.text == "1 / 5"
    assert list(at.dataframe[0].value["name"]) == ["Ben"]


def test_the_meet_form_takes_a_start_date_and_refuses_one_after_the_due_date(app, db_path):
    at = open_page(app, "goals")
    at.number_input(key="goals_new_meet_target").set_value(3)
    at.date_input(key="goals_new_meet_start").set_value(date(2027, 6, 1))
    at.button(key="goals_new_add").click().run()

    assert [e.value for e in at.error] == ["The due date must come after the start date."]
    assert open_db(db_path).table("goals").count == 0

    at.date_input(key="goals_new_meet_start").set_value(date(2026, 11, 1))
    at.button(key="goals_new_add").click().run()

    assert not at.exception
    (goal,) = goals.list_goals(open_db(db_path), TODAY)
    assert goal["start_on"] == "2026-11-01"
    assert "counting from 1 November 2026" in shown_text(at)


def test_the_goal_form_has_no_grey_number_that_looks_filled_in(app):
    at = open_page(app, "goals")
    box = at.number_input(key="goals_new_meet_target")
    assert box.value is None
    assert not box.proto.placeholder.strip().isdigit()
    assert "required" in box.label
