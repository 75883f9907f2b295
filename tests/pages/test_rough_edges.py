"""Rough edges a new user met (issue 16): each test failed on main before its fix."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core import people, roles
from core.db import open_db
from core.importers import plan_import
from core.interactions import record_touches
from core.words import plural
from tests.helpers import open_page, plain, shown_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def page_links(at) -> list[str]:
    return [e.proto.label for e in at.get("page_link")]


def test_insights_escapes_a_name_once(app, db_path, today):
    db = open_db(db_path)
    (pid, *_) = overdue_crowd(db, today, 1)
    people.update_person(db, pid, name="Ines Okafor-Lindqvist (Dr.)", today=today)
    at = open_page(app, "insights")
    labels = [label for label in page_links(at) if "Okafor" in label]
    assert labels and labels[0].startswith("Ines Okafor\\-Lindqvist \\(Dr\\.\\) · "), labels
    assert not any("\\\\" in label for label in labels), labels


def overdue_crowd(db, today, n: int = 13) -> list[int]:
    """n people past their cadence, overdue by different numbers of days, in a shuffled order of ids."""
    ids = []
    for i in range(n):
        pid = people.add_person(db, name=f"Late {i:02}", cadence_days=7, today=today)
        ago = 10 + (i * 7) % n  # not in id order
        record_touches(db, [{"person_id": pid, "day": (today - timedelta(days=ago)).isoformat(),
                             "channel": "email", "nature": "check_in"}], today=today)
        ids.append(pid)
    return ids


def test_insights_lists_say_how_many_more_and_past_cadence_is_most_overdue_first(app, db_path, today):
    overdue_crowd(open_db(db_path), today)
    at = open_page(app, "insights")
    text = shown_text(at)
    assert "**Past their check-in cadence** (13)" in text
    assert "+3 more" in text
    days = [int(label.split("· ")[1].split(" ")[0]) for label in page_links(at) if "overdue" in label]
    assert len(days) == 10 and days == sorted(days, reverse=True), days


def test_the_locked_self_audit_says_what_it_will_measure_and_how_far_you_are(app, db_path, today):
    db = open_db(db_path)
    pid = people.add_person(db, name="Ada", today=today)
    record_touches(db, [{"person_id": pid, "day": today.isoformat(), "channel": "email", "nature": "check_in"}],
                   today=today)
    at = open_page(app, "insights")
    text = plain(shown_text(at))
    assert "you have started 1, 4 more to go" in text
    assert "What it will measure" in text
    assert "You only reach out to people when you need a job or a favor." in text
    assert at.get("progress")[0].proto.text == "1 of 5 conversations you started"


def test_the_goal_form_has_no_grey_number_that_looks_filled_in(app):
    at = open_page(app, "goals")
    box = at.number_input(key="goals_new_meet_target")
    assert box.value is None
    assert not box.proto.placeholder.strip().isdigit()
    assert "required" in box.label


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


def test_the_import_result_is_shown_in_the_import_section_with_what_changed(app, db_path):
    at = open_page(app, "data")
    at.file_uploader(key="data_upload").set_value(
        ("Connections.csv", (FIXTURES / "Connections.csv").read_bytes(), "text/csv"))
    at.run()
    at.button(key="data_preview").click().run()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Added"], metrics["Skipped"]) == ("2", "1")
    assert at.success[0].value == "Imported: 2 added, 0 updated, 1 skipped."
    # In the import section, after its controls (where the preview and Confirm were), not above the page.
    order = [getattr(e, "key", None) or getattr(e, "value", None) for e in at.main
             if type(e).__name__ in ("Button", "Success", "Subheader")]
    assert order.index("data_preview") < order.index("Imported: 2 added, 0 updated, 1 skipped."), order


def test_plurals_read_right():
    assert [plural(n, "row") for n in (0, 1, 2, 3000)] == ["0 rows", "1 row", "2 rows", "3,000 rows"]
    assert plural(1, "person") == "1 person" and plural(2, "person") == "2 people"
    assert plural(1, "check-in") == "1 check-in" and plural(1, "day") == "1 day" and plural(1, "event") == "1 event"


def test_an_import_preview_says_skip_1_row(db, today):
    plan = plan_import(db, "linkedin", (FIXTURES / "Connections.csv").read_bytes(), today)
    assert "skip 1 row," in plan.describe() or plan.describe().endswith("skip 1 row.")


def test_a_person_due_in_one_day_reads_in_1_day(app, db_path, today):
    db = open_db(db_path)
    pid = people.add_person(db, name="Ada", today=today)
    people.add_date(db, pid, label="birthday", month=(today + timedelta(days=1)).month,
                    day=(today + timedelta(days=1)).day, today=today)
    at = open_page(app, "person", id=pid)
    text = shown_text(at)
    assert "(in 1 day)" in text and "1 days" not in text


def test_the_settings_page_edits_the_roles_from_titles(app, db_path):
    at = open_page(app, "settings")
    at.text_area(key="settings_roles_text").input("coordinator = operations")
    at.button(key="settings_roles_save").click().run()
    assert not at.error
    assert roles.get_role_map(open_db(db_path)) == [("coordinator", "operations")]
    at.text_area(key="settings_roles_text").input("no equals sign here")
    at.button(key="settings_roles_save").click().run()
    assert "Line 1" in at.error[0].value
    assert roles.get_role_map(open_db(db_path)) == [("coordinator", "operations")]
