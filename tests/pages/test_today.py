"""The Today page: the first-run panel, and each due item with its action right there."""

from datetime import date

from core import followups, goals, people
from core.db import open_db
from core.interactions import log_interaction
from tests.helpers import due_board, open_page, shown_text

TODAY = date(2026, 11, 27)


def test_an_empty_database_shows_the_first_run_panel_with_its_four_first_steps(app):
    at = open_page(app, "today")

    assert [b.label for b in at.button] == ["Load the demo data", "Import LinkedIn connections", "Add a goal",
                                            "Add a person", "Save", "Skip for now"]  # the last two: About you
    assert "Nobody is in your network here yet" in shown_text(at)


def test_a_goal_alone_keeps_the_first_run_panel_and_marks_that_step_done(app, db_path):
    goals.create_goal(open_db(db_path), today=TODAY, metric="interactions", interaction_kind="give", target=3,
                      due_on="2026-12-31")
    at = open_page(app, "today")

    assert at.button(key="today_goal").label == "Add another goal"
    assert "✓ 1 goal set. Next, the people who can help you reach it." in shown_text(at)


def test_load_the_demo_data_fills_the_database_in_one_click(app, db_path):
    at = open_page(app, "today")

    at.button(key="today_demo").click().run()

    assert not at.exception
    assert open_db(db_path).table("people").count > 30
    assert at.success[0].value.startswith("The demo is loaded")
    assert "Thank-yous to send" in shown_text(at)


def test_add_a_goal_from_the_first_run_panel_opens_the_goals_page(app):
    at = open_page(app, "today")

    at.button(key="today_goal").click().run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Goals"]


def test_the_other_first_steps_leave_today_for_their_pages(app):
    for key in ("today_import", "today_person"):
        at = open_page(app, "today")

        at.button(key=key).click().run()

        assert not at.exception
        assert "Today" not in [t.value for t in at.title]


def test_the_demo_day_shows_every_section_with_its_items(app, demo_path):
    db = open_db(demo_path)
    thanks = followups.thank_you_window(db, TODAY)
    dates = followups.upcoming_dates(db, TODAY)
    at = open_page(app, "today")

    shown = shown_text(at)
    for section in (f"Thank-yous to send ({len(thanks)})", "Overdue (",
                    f"Dates in the next two weeks ({len(dates)})", "Goals to revisit", "This week",
                    "Small victories this week"):
        assert section in shown
    assert thanks and dates
    assert all(t["title"] in shown for t in thanks)
    assert dates[0]["title"].replace("(", "\\(").replace(")", "\\)") in shown
    assert "A new conversation with Ama Owusu" in shown


def test_marking_a_thank_you_sent_closes_it(app, demo_path):
    db = open_db(demo_path)
    first = followups.thank_you_window(db, TODAY)[0]
    at = open_page(app, "today")

    at.button(key=f"today_thanks_done_{first['id']}").click().run()

    assert not at.exception
    assert followups.get_followup(open_db(demo_path), first["id"], TODAY)["status"] == "done"
    assert at.success[0].value.startswith("Logged a thank-you to ")


def test_snoozing_an_overdue_follow_up_a_week_moves_it_from_today(app, demo_path):
    item = due_board(open_db(demo_path), TODAY)["overdue"][0]
    at = open_page(app, "today")

    at.button(key=f"today_due_snooze_{item['id']}_7").click().run()

    assert not at.exception
    assert followups.get_followup(open_db(demo_path), item["id"], TODAY)["due"] == "2026-12-04"
    assert at.success[0].value.startswith("Snoozed to Fri 04 Dec")


def test_compose_opens_the_composer_for_that_person_and_purpose(app, demo_path):
    item = followups.upcoming_dates(open_db(demo_path), TODAY)[0]
    at = open_page(app, "today")

    at.button(key=f"today_dates_compose_{item['id']}").click().run()

    assert not at.exception
    assert dict(at.query_params) == {"person": str(item["person_id"]), "purpose": "congratulations",
                                     "followup": str(item["id"])}


def test_revisiting_a_goal_moves_its_next_look_two_weeks_out(app, demo_path):
    goal = goals.goals_to_revisit(open_db(demo_path), TODAY)[0]
    at = open_page(app, "today")

    at.button(key=f"today_goal_revisited_{goal['id']}").click().run()

    assert not at.exception
    assert goals.get_goal(open_db(demo_path), goal["id"])["revisit_on"] == "2026-12-11"


def test_the_week_is_measured_against_the_budget(app, db_path):
    db = open_db(db_path)
    pid = people.add_person(db, name="Ana")
    log_interaction(db, pid, day="2026-11-24", channel="video", minutes=90, today=TODAY)
    at = open_page(app, "today")

    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Touches": "1", "Time": "1 h 30 min"}
    assert at.get("progress")[0].proto.text == "1 h 30 min of your 3 h budget left (2 days to go)."


def test_a_name_with_html_appears_literally(app, db_path):
    db = open_db(db_path)
    pid = people.add_person(db, name="<b>Bold</b> <script>alert(1)</script>")
    log_interaction(db, pid, day="2026-11-26", channel="phone", today=TODAY)
    at = open_page(app, "today")

    shown = shown_text(at)
    assert "Thank \\<b\\>Bold\\</b\\> \\<script\\>alert\\(1\\)\\</script\\>" in shown
    assert "<b>" not in shown.replace("\\<b\\>", "")
    assert "\\<b\\>Bold\\</b\\> \\<script\\>alert\\(1\\)\\</script\\>" in [link.label for link in at.get("page_link")]


def overdue_counts(at) -> list[str]:
    return [s.value for s in at.subheader if s.value.startswith("Overdue (")]


def test_today_counts_overdue_and_due_today_as_the_board_does_on_the_demo(app, demo_path):
    columns = followups.board_columns(open_db(demo_path), TODAY)
    today_page = open_page(app, "today")
    shown_today = overdue_counts(today_page)
    board_page = open_page(app, "board")

    assert shown_today == [f"Overdue ({columns['overdue']['total']}) and due today ({columns['today']['total']})"]
    assert f"Overdue ({columns['overdue']['total']})" in [s.value for s in board_page.subheader]
    assert f"Today ({columns['today']['total']})" in [s.value for s in board_page.subheader]


def test_overdue_event_follow_ups_are_counted_on_today_as_on_the_board(app, db_path):
    from core import events

    db = open_db(db_path)
    eid = events.add_event(db, name="Data meetup", day="2026-11-25")
    for name in ("Ana", "Ben"):
        events.add_person_met(db, eid, today=TODAY, name=name)

    assert overdue_counts(open_page(app, "today")) == ["Overdue (2) and due today (0)"]
    assert "2 of these are thank-yous, listed above." in shown_text(app)
    assert "Overdue (2)" in [s.value for s in open_page(app, "board").subheader]
