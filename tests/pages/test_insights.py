"""The insights page with AppTest: empty state, the audit gate, the signs as next actions, charts, safety."""

from datetime import timedelta

from core import people
from core.db import open_db
from core.interactions import log_interaction, record_touches
from core.people import add_person
from tests.helpers import open_page, plain, shown_items, shown_text

HOSTILE = "<b>x</b> <script>alert(1)</script>"


def test_the_empty_page_says_what_to_log_first(app):
    at = open_page(app, "insights")

    assert at.title[0].value == "Insights"
    assert "Nothing to measure yet" in plain(at.info[0].value)
    assert "Log your first touches" in plain(at.info[0].value)


def test_the_demo_shows_the_ratio_the_four_signs_as_actions_and_the_charts(app, demo_path):
    at = open_page(app, "insights")

    assert at.metric[0].label == "Relational ratio"
    assert at.metric[0].value.endswith(": 1")
    nexts = [plain(m.value) for m in at.markdown if m.value.startswith("**Next:**")]
    assert len(nexts) >= 5  # the headline and the four signs
    assert any("You only reach out to people when you need a job or a favor" in plain(m.value) for m in at.markdown)
    assert len(at.get("vega_lite_chart")) == 1  # the channels; the charts over time wait for the toggle
    assert any("Met, never followed up" in plain(m.value) for m in at.markdown)

    at.toggle(key="insights_charts").set_value(True).run()

    assert len(at.get("vega_lite_chart")) == 5
    assert any("Relationships by band" in plain(m.value) for m in at.markdown)


def test_below_five_touches_it_says_how_many_more_are_needed_and_updates(app, db_path, today):
    db = open_db(db_path)
    pid = add_person(db, name="Ana")
    for age in (1, 2):
        log_interaction(db, pid, day=today - timedelta(days=age), channel="email", today=today)

    at = open_page(app, "insights")

    assert "3 more to go" in plain(at.info[0].value)
    log_interaction(db, pid, day=today, channel="email", today=today)
    at.run()
    assert "2 more to go" in plain(at.info[0].value)


def test_an_ask_heavy_log_names_the_person_to_give_to(app, db_path, today):
    db = open_db(db_path)
    pid = add_person(db, name="Ana Reyes", tier="core")
    for age in range(1, 7):
        log_interaction(db, pid, day=today - timedelta(days=age), channel="email", nature="referral", today=today)

    at = open_page(app, "insights")

    nexts = [plain(m.value) for m in at.markdown if m.value.startswith("**Next:**")]
    assert "**Next:** Share something useful with Ana Reyes before your next ask." in nexts
    assert at.metric[0].value == "0.0 : 1"


def test_a_hostile_name_is_shown_literally(app, db_path, today):
    db = open_db(db_path)
    pid = add_person(db, name=HOSTILE, tier="core")
    for age in range(1, 7):
        log_interaction(db, pid, day=today - timedelta(days=age), channel="video", nature="referral", today=today)

    at = open_page(app, "insights")

    assert not any("<b>" in t or "<script>" in t for t in shown_items(at))
    assert any("\\<b\\>x\\</b\\>" in t for t in shown_items(at))


def page_links(at) -> list[str]:
    return [e.proto.label for e in at.get("page_link")]


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


def test_insights_escapes_a_name_once(app, db_path, today):
    db = open_db(db_path)
    (pid, *_) = overdue_crowd(db, today, 1)
    people.update_person(db, pid, name="Ines Okafor-Lindqvist (Dr.)", today=today)
    at = open_page(app, "insights")
    labels = [label for label in page_links(at) if "Okafor" in label]
    assert labels and labels[0].startswith("Ines Okafor\\-Lindqvist \\(Dr\\.\\) · "), labels
    assert not any("\\\\" in label for label in labels), labels


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
