"""The follow-up board: columns with done, snooze and compose; the calendar; the stage ladder; reminders."""

import json
from datetime import date, timedelta

from core import followups, interactions, people
from core.db import open_db
from core.interactions import log_interaction
from tests.helpers import due_board, open_page, plain, shown_text

TODAY = date(2026, 11, 27)


def calendar_args(at) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def test_an_empty_board_says_what_to_do_next_in_every_view(app):
    at = open_page(app, "board")

    assert at.info[0].value.startswith("Nothing is due.")
    at.radio(key="board_view").set_value("Calendar").run()
    assert not at.exception
    assert at.info[0].value.startswith("Nothing is scheduled yet.")
    at.radio(key="board_view").set_value("Stage ladder").run()
    assert not at.exception
    assert at.info[0].value.startswith("Nobody on the ladder yet.")


def test_the_demo_board_has_four_columns_of_cards(app, demo_path):
    columns = followups.board_columns(open_db(demo_path), TODAY)
    at = open_page(app, "board")

    assert [s.value for s in at.subheader] == [
        f"{title} ({columns[key]['total']})" for key, title in
        (("overdue", "Overdue"), ("today", "Today"), ("week", "This week"), ("later", "Later"))]
    assert all(columns[key]["total"] > 0 for key in columns)
    assert columns["overdue"]["items"][0]["title"] in shown_text(at)


def test_done_closes_a_thank_you(app, demo_path):
    item = due_board(open_db(demo_path), TODAY)["today"][0]
    assert item["reason"] == "event_followup"
    at = open_page(app, "board")

    at.button(key=f"board_done_{item['id']}").click().run()

    assert not at.exception
    assert followups.get_followup(open_db(demo_path), item["id"], TODAY)["status"] == "done"
    assert plain(at.success[0].value) == f"Logged a thank-you to {item['person']} by email today."
    assert interactions.timeline(open_db(demo_path), item["person_id"])[0]["nature"] == "thank_you"
    assert f"board_done_{item['id']}" not in [b.key for b in at.button]


def test_done_on_an_overdue_check_in_starts_its_next_cadence_from_today(app, demo_path):
    from datetime import timedelta

    from core.relationships import cadence_for
    from core.settings import get_cadences

    db = open_db(demo_path)
    overdue = followups.board_columns(db, TODAY)["overdue"]
    item = overdue["items"][0]
    assert item["reason"] == "check_in"
    cadence = cadence_for(people.get_person(db, item["person_id"]), get_cadences(db))
    at = open_page(app, "board")

    at.button(key=f"board_done_{item['id']}").click().run()

    assert not at.exception
    assert followups.get_followup(open_db(demo_path), item["id"], TODAY)["due"] == (
        TODAY + timedelta(days=cadence)).isoformat()
    assert f"Overdue ({overdue['total'] - 1})" in [s.value for s in at.subheader]


def test_snooze_a_month_pushes_the_follow_up_thirty_days_from_today(app, demo_path):
    item = due_board(open_db(demo_path), TODAY)["today"][0]
    at = open_page(app, "board")

    at.button(key=f"board_snooze_{item['id']}_30").click().run()

    assert not at.exception
    after = followups.get_followup(open_db(demo_path), item["id"], TODAY)
    assert (after["due"], after["snoozes"], after["status"]) == ("2026-12-27", 1, "open")


def test_compose_on_a_check_in_opens_the_composer_with_purpose_check_in(app, demo_path):
    item = due_board(open_db(demo_path), TODAY)["overdue"][0]
    at = open_page(app, "board")

    at.button(key=f"board_compose_{item['id']}").click().run()

    assert not at.exception
    assert dict(at.query_params) == {"person": str(item["person_id"]), "purpose": "check_in",
                                     "followup": str(item["id"])}


def test_the_calendar_shows_the_same_follow_ups_with_their_ids_in_utc(app, demo_path):
    at = open_page(app, "board")

    at.radio(key="board_view").set_value("Calendar").run()

    args = calendar_args(at)
    feed = followups.calendar_feed(open_db(demo_path), TODAY)
    assert [e["id"] for e in args["events"]] == [str(i["id"]) for i in feed]
    assert args["options"]["timeZone"] == "UTC"
    assert args["callbacks"] == ["eventClick", "dateClick"]
    first = args["events"][0]
    assert (first["allDay"], first["color"]) == (True, "#c92a2a")  # overdue in red


def test_clicking_a_calendar_event_opens_its_person(app, demo_path):
    item = due_board(open_db(demo_path), TODAY)["week"][0]
    at = open_page(app, "board")
    at.radio(key="board_view").set_value("Calendar").run()

    at.session_state["board_calendar"] = {"callback": "eventClick", "eventClick": {"event": {"id": str(item["id"])}}}
    at.run()

    assert not at.exception
    assert dict(at.query_params) == {"id": str(item["person_id"])}


def test_clicking_a_day_opens_the_reminder_form_on_that_day(app, demo_path):
    at = open_page(app, "board")
    at.radio(key="board_view").set_value("Calendar").run()

    at.session_state["board_calendar"] = {"callback": "dateClick",
                                          "dateClick": {"date": "2026-12-09T00:00:00.000Z", "allDay": True}}
    at.run()

    assert not at.exception
    assert at.date_input(key="board_reminder_due").value == date(2026, 12, 9)


def test_the_stage_ladder_counts_each_rung_and_names_recent_moves(app, demo_path):
    at = open_page(app, "board")

    at.radio(key="board_view").set_value("Stage ladder").run()

    assert not at.exception
    counts = people.stage_counts(open_db(demo_path))
    assert {m.label: m.value for m in at.metric} == {stage.capitalize(): str(n) for stage, n in counts.items()}
    assert counts["stranger"] > 0 and counts["conversed"] > 0
    assert "Ama Owusu went from stranger to conversed" in shown_text(at)


def test_add_a_reminder_about_a_person(app, db_path):
    pid = people.add_person(open_db(db_path), name="Ana Reyes")
    at = open_page(app, "board")

    at.selectbox(key="board_reminder_person").set_value(pid)
    at.date_input(key="board_reminder_due").set_value(date(2026, 12, 3))
    at.text_input(key="board_reminder_title").input("Send Ana the dbt article")
    at.button(key="board_reminder_add").click().run()

    assert not at.exception
    (item,) = followups.for_person(open_db(db_path), pid, TODAY)
    assert (item["title"], item["due"], item["reason"]) == ("Send Ana the dbt article", "2026-12-03", "custom")
    assert at.success[0].value == "Reminder added for Thu 03 Dec."
    assert at.text_input(key="board_reminder_title").value == ""


def test_a_reminder_without_words_shows_an_error_and_writes_nothing(app, db_path):
    at = open_page(app, "board")

    at.button(key="board_reminder_add").click().run()

    assert [e.value for e in at.error] == ["Reminder can't be empty."]
    assert open_db(db_path).table("followups").count == 0


def test_a_name_with_html_appears_literally_on_cards_and_in_the_calendar(app, db_path):
    db = open_db(db_path)
    pid = people.add_person(db, name="<script>alert(1)</script>")
    log_interaction(db, pid, day="2026-11-26", channel="in_person", today=TODAY)
    at = open_page(app, "board")

    assert "**Thank \\<script\\>alert\\(1\\)\\</script\\>**" in [m.value for m in at.markdown]
    at.radio(key="board_view").set_value("Calendar").run()
    assert calendar_args(at)["events"][0]["title"] == "Thank <script>alert(1)</script>"


def test_the_calendar_shows_a_new_reminder_at_once_though_its_feed_is_cached(app, db_path):
    pid = people.add_person(open_db(db_path), name="Ana Reyes")
    at = open_page(app, "board")
    at.radio(key="board_view").set_value("Calendar").run()
    assert calendar_args(at)["events"] == []

    at.selectbox(key="board_reminder_person").set_value(pid)
    at.date_input(key="board_reminder_due").set_value(date(2026, 12, 3))
    at.text_input(key="board_reminder_title").input("Send Ana the dbt article")
    at.button(key="board_reminder_add").click().run()

    assert [e["title"] for e in calendar_args(at)["events"]] == ["Send Ana the dbt article"]


def test_the_calendar_tells_a_thank_you_not_yet_due_from_an_overdue_one_and_has_a_legend(app, demo_path, today):
    from pages._calendar import LEGEND, to_events

    def rgb(color: str) -> tuple[int, ...]:
        return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))

    items = [{"id": 1, "title": "Thank Ada", "due": (today + timedelta(days=1)).isoformat(), "reason": "thank_you"},
             {"id": 2, "title": "Thank Bo", "due": (today - timedelta(days=1)).isoformat(), "reason": "thank_you"}]
    soon, late = (rgb(e["color"]) for e in to_events(items, today))
    assert sum((a - b) ** 2 for a, b in zip(soon, late, strict=True)) ** 0.5 > 150
    at = open_page(app, "board")
    at.radio(key="board_view").set_value("Calendar").run()
    legend = " ".join(e.proto.body for e in at.get("html"))
    assert all(label in legend for label, _ in LEGEND.values())


def test_every_kind_of_follow_up_has_its_own_colour_and_legend_word_on_the_calendar(today):
    from core.vocab import FOLLOWUP_REASONS
    from pages._calendar import LEGEND, to_events

    items = [{"id": n, "title": reason, "due": today.isoformat(), "reason": reason}
             for n, reason in enumerate(FOLLOWUP_REASONS)]
    colours = [e["color"] for e in to_events(items, today)]
    assert len(set(colours)) == len(FOLLOWUP_REASONS)
    assert {LEGEND[reason] for reason in FOLLOWUP_REASONS} == {
        (FOLLOWUP_REASONS[r], c) for r, c in zip(FOLLOWUP_REASONS, colours, strict=True)}
