"""Pages show the score as SCORING.md §4.8 says: "new" while evidence is thin, and the guardrail's pause."""

from __future__ import annotations

from datetime import timedelta

from core.db import open_db, scalar
from core.people import add_person
from core.relationships import refresh_people
from tests.helpers import open_page, shown_text

BAND_WORDS = ("thriving", "warm", "cooling", "cold")


def add_log(path, today, name, touches, tier="network"):
    """A person and their touches, as (age, direction, kind, channel), logged in this order."""
    db = open_db(path)
    pid = add_person(db, name=name, tier=tier, today=today)
    db.table("interactions").insert_all([
        {"person_id": pid, "day": (today - timedelta(days=age)).isoformat(), "channel": channel,
         "direction": direction, "kind": kind, "created_at": "x"} for age, direction, kind, channel in touches])
    refresh_people(db, today, [pid])
    return pid


def three_unanswered(path, today):
    return add_log(path, today, "Ana Reyes", [(90, "me", "give", "email"), (60, "them", "neutral", "email"),
                                               (24, "me", "neutral", "email"), (16, "me", "neutral", "email"),
                                               (8, "me", "neutral", "email")], tier="core")


def test_a_chat_at_a_meetup_shows_new_and_no_band_word(app, db_path, today):
    pid = add_log(db_path, today, "Ana Reyes", [(1, "me", "neutral", "in_person")])

    at = open_page(app, "person", id=pid)

    shown = next(m.value for m in at.markdown if m.value.startswith("**~"))
    assert shown.startswith("**~90 · new**")
    assert not any(word in shown for word in BAND_WORDS)


def test_the_targets_table_shows_new_for_thin_evidence(app, db_path, today):
    add_log(db_path, today, "Ana Reyes", [(1, "me", "neutral", "in_person")])

    at = open_page(app, "targets")

    scores = at.dataframe[0].value["Score"].tolist()
    assert scores == ["~90 · new"]


def test_unanswered_messages_show_the_pause_and_try_once_more_lifts_it(app, db_path, today):
    pid = three_unanswered(db_path, today)

    at = open_page(app, "person", id=pid)

    assert "Your last 3 messages went unanswered: pause and offer value" in shown_text(at)
    db = open_db(db_path)
    assert scalar(db, "select count(*) from followups where reason = 'check_in' and status = 'open'") == 0

    at.button(key="person_try_once_more").click().run()

    assert not at.exception
    assert scalar(db, "select count(*) from followups where reason = 'check_in' and status = 'open'") == 1
    assert "Check-ins are back on" in shown_text(at)
    assert not [b for b in at.button if b.key == "person_try_once_more"]


def test_the_composer_says_pause_and_offer_value_for_that_person_only(app, db_path, today):
    pid = three_unanswered(db_path, today)
    ben = add_log(db_path, today, "Ben Okafor", [(9, "me", "neutral", "email"), (8, "them", "neutral", "email")])

    for person, shown in ((pid, True), (ben, False)):
        at = open_page(app, "compose", person=person, purpose="check_in")

        assert ("Your last 3 messages went unanswered: pause and offer value" in shown_text(at)) is shown


def test_a_companys_page_and_an_events_page_show_new_for_thin_evidence(app, db_path, today):
    from core import events, people

    db = open_db(db_path)
    eid = events.add_event(db, name="PyData", day=today - timedelta(days=1))
    pid = events.add_person_met(db, eid, today=today, name="Ana Reyes", company="Globex")
    company = people.get_person(db, pid)["company_id"]

    on_company = shown_text(open_page(app, "companies", id=company))
    at = app.__class__.from_file(app._script_path, default_timeout=30)
    on_event = shown_text(open_page(at, "events", id=eid))

    for shown in (on_company, on_event):
        assert "· new" in shown, shown
        assert not any(f"· {word}" in shown for word in BAND_WORDS)
