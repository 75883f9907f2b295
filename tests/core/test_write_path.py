"""One write path for touches (issue 12): every action that says something happened records it once,
through core.interactions.record_touches, and every view reads the same log."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest

from core import composer, followups, insights, interactions, people, today
from core.db import rows, scalar
from core.errors import NotFound, ValidationError
from core.relationships import score_person

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 27)


def _person(db, name="Leila Haddad", **fields):
    return people.add_person(db, name=name, tier="core", today=TODAY, **fields)


def _touches(db, person_id):
    return rows(db, "select day, channel, direction, kind, nature from interactions where person_id = ? "
                    "order by id", [person_id])


def _open(db, person_id, reason):
    return [f for f in followups.for_person(db, person_id, TODAY) if f["reason"] == reason]


# --- The one write path ---------------------------------------------------------------------------

def _inserts_into_interactions(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            text = " ".join(sub.value.lower().split())
            if "into interactions" in text and "insert" in text:
                return True
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in (
                "insert", "insert_all", "upsert", "upsert_all"):
            target = sub.func.value
            if (isinstance(target, ast.Call) and target.args and isinstance(target.args[0], ast.Constant)
                    and target.args[0].value == "interactions"):
                return True
    return False


def test_only_the_write_path_inserts_touches():
    """No module of core/ or pages/ but core/interactions.py writes a row into interactions."""
    writers = []
    for folder in ("core", "pages"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name != "interactions.py" and _inserts_into_interactions(ast.parse(path.read_text())):
                writers.append(path.relative_to(ROOT).as_posix())
    assert writers == []
    source = (ROOT / "core" / "interactions.py").read_text()
    assert _inserts_into_interactions(ast.parse(source))  # the scanner does see an insert where there is one


def test_record_touches_records_many_at_once_and_their_consequences(db):
    ana, ben = _person(db, "Ana Reyes"), _person(db, "Ben Osei")
    ids = interactions.record_touches(db, [
        {"person_id": ana, "day": TODAY - timedelta(days=1), "channel": "video", "direction": "me"},
        {"person_id": ben, "day": TODAY - timedelta(days=3), "channel": "email", "direction": "me",
         "nature": "referral"},
    ], today=TODAY)
    assert len(ids) == 2 and all(ids)
    assert people.get_person(db, ana)["stage"] == "conversed"  # a conversation
    assert people.get_person(db, ben)["stage"] == "contacted"  # a message, no answer yet
    assert _touches(db, ben)[0]["kind"] == "ask"  # kind follows from nature
    assert [f["due"] for f in _open(db, ana, "thank_you")] == ["2026-11-28"]
    assert _open(db, ben, "thank_you") == []
    assert scalar(db, "select count(*) from scores where scored_on = ?", [TODAY.isoformat()]) == 2


def test_one_bad_touch_refuses_the_whole_batch(db):
    ana = _person(db)
    with pytest.raises(ValidationError, match="future"):
        interactions.record_touches(db, [
            {"person_id": ana, "day": TODAY, "channel": "email"},
            {"person_id": ana, "day": TODAY + timedelta(days=1), "channel": "email"},
        ], today=TODAY)
    with pytest.raises(NotFound):
        interactions.record_touches(db, [{"person_id": ana + 99, "day": TODAY, "channel": "email"}], today=TODAY)
    assert scalar(db, "select count(*) from interactions") == 0
    assert people.get_person(db, ana)["stage"] == "stranger"


@pytest.mark.parametrize("bad, message", [
    ({"day": "0001-01-01"}, "too long ago"),
    ({"channel": "pigeon"}, "Channel"),
    ({"direction": "sideways"}, "Who started it"),
    ({"nature": "referral", "kind": "give"}, "is a ask, not a give"),
    ({"responded": "maybe"}, "Replied"),
    ({"minutes": -5}, "Minutes"),
    ({"tags": "[not json"}, "Tags"),
    ({"colour": "red"}, "no field called colour"),
])
def test_every_touch_is_checked_the_same_way(db, bad, message):
    ana = _person(db)
    with pytest.raises(ValidationError, match=message):
        interactions.record_touches(db, [{"person_id": ana, "day": TODAY, "channel": "email", **bad}], today=TODAY)
    assert scalar(db, "select count(*) from interactions") == 0


def test_a_touch_recorded_twice_from_the_same_source_is_kept_once(db):
    ana = _person(db)
    touch = {"person_id": ana, "day": TODAY, "channel": "email", "source": "mbox", "source_uid": "<m1@x>"}
    assert interactions.record_touches(db, [touch], today=TODAY)[0] is not None
    assert interactions.record_touches(db, [touch, {**touch, "source_uid": "<m2@x>"}], today=TODAY)[0] is None
    assert scalar(db, "select count(*) from interactions") == 2


def test_a_thank_you_in_the_same_batch_closes_the_conversation_before_it_whatever_the_order(db):
    ana = _person(db)
    interactions.record_touches(db, [
        {"person_id": ana, "day": TODAY, "channel": "email", "nature": "thank_you"},
        {"person_id": ana, "day": TODAY - timedelta(days=1), "channel": "phone"},
    ], today=TODAY)
    assert _open(db, ana, "thank_you") == []
    assert scalar(db, "select count(*) from followups where reason = 'thank_you' and status = 'done' "
                      "and done_interaction_id is not null") == 1


def test_a_connection_request_they_sent_is_contact_not_a_conversation(db):
    ana = _person(db)
    interactions.record_touches(db, [{"person_id": ana, "day": TODAY, "channel": "linkedin", "direction": "them",
                                      "nature": "connection_request"}], today=TODAY)
    assert people.get_person(db, ana)["stage"] == "contacted"
    interactions.record_touches(db, [{"person_id": ana, "day": TODAY, "channel": "linkedin", "direction": "them"}],
                                today=TODAY)
    assert people.get_person(db, ana)["stage"] == "conversed"


# --- Done means it happened -----------------------------------------------------------------------

def _never_followed_up(db):
    return [p["name"] for p in insights.neglect(db, TODAY)["never_followed_up"]]


def test_done_on_a_thank_you_records_the_thank_you_and_every_view_agrees(db):
    leila = _person(db)
    interactions.log_interaction(db, leila, day=TODAY - timedelta(days=3), channel="video",
                                 nature="informational_interview", responded=True, today=TODAY)
    [thanks] = _open(db, leila, "thank_you")
    assert _never_followed_up(db) == ["Leila Haddad"]
    assert "thank-you" in score_person(db, people.get_person(db, leila), TODAY).reason

    touch = interactions.complete_followup(db, thanks["id"], TODAY)

    assert _touches(db, leila)[-1] == {"day": "2026-11-27", "channel": "email", "direction": "me",
                                       "kind": "neutral", "nature": "thank_you"}
    assert followups.get_followup(db, thanks["id"], TODAY)["status"] == "done"
    assert scalar(db, "select done_interaction_id from followups where id = ?", [thanks["id"]]) == touch
    assert "thank-you" not in score_person(db, people.get_person(db, leila), TODAY).reason
    assert _never_followed_up(db) == []


def test_done_uses_the_channel_you_last_wrote_on_or_the_one_chosen(db):
    ana = _person(db)
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=40), channel="linkedin", today=TODAY)
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=1), channel="phone", today=TODAY)
    assert interactions.default_channel(db, ana) == "linkedin"
    [thanks] = _open(db, ana, "thank_you")
    interactions.complete_followup(db, thanks["id"], TODAY, channel="text")
    assert _touches(db, ana)[-1]["channel"] == "text"
    assert interactions.default_channel(db, ana) == "text"


def test_done_on_a_check_in_records_a_check_in_and_the_score_follows(db):
    ana = _person(db)
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=200), channel="phone", today=TODAY)
    before = score_person(db, people.get_person(db, ana), TODAY)
    [check_in] = _open(db, ana, "check_in")

    interactions.complete_followup(db, check_in["id"], TODAY)

    assert _touches(db, ana)[-1]["nature"] == "check_in"
    after = score_person(db, people.get_person(db, ana), TODAY)
    assert after.days_since == 0 and before.days_since == 200
    stored = scalar(db, "select last_touch_on from scores where person_id = ?", [ana])
    assert stored == TODAY.isoformat()
    [next_one] = _open(db, ana, "check_in")
    assert next_one["due"] == (TODAY + timedelta(days=30)).isoformat()


def test_done_on_a_birthday_records_a_congratulation(db):
    ana = _person(db)
    people.add_date(db, ana, label="birthday", month=TODAY.month, day=TODAY.day, today=TODAY)
    [birthday] = _open(db, ana, "date")
    interactions.complete_followup(db, birthday["id"], TODAY)
    assert _touches(db, ana)[-1]["kind"] == "give" and _touches(db, ana)[-1]["nature"] == "congratulated"


def test_a_reminder_of_your_own_records_nothing_when_done(db):
    ana = _person(db)
    reminder = followups.add_reminder(db, ana, TODAY, "Read their blog post")
    assert interactions.complete_followup(db, reminder, TODAY) is None
    assert _touches(db, ana) == []


def test_skip_closes_with_no_message_and_records_nothing(db):
    ana = _person(db)
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=1), channel="phone", today=TODAY)
    [thanks] = _open(db, ana, "thank_you")
    followups.skip(db, thanks["id"], TODAY)
    assert len(_touches(db, ana)) == 1
    assert followups.get_followup(db, thanks["id"], TODAY)["status"] == "skipped"
    assert not any(w["kind"] == "thanks" for w in today.victories(db, TODAY))
    with pytest.raises(ValidationError, match="already closed"):
        interactions.complete_followup(db, thanks["id"], TODAY)


def test_the_thanks_victory_comes_from_the_log_not_from_closing_a_follow_up(db):
    ana, ben = _person(db, "Ana Reyes"), _person(db, "Ben Osei")
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=1), channel="phone", today=TODAY)
    interactions.log_interaction(db, ana, day=TODAY, channel="email", nature="thank_you", today=TODAY)
    # Ben was thanked a week after the call: no victory for that.
    interactions.log_interaction(db, ben, day=TODAY - timedelta(days=9), channel="phone", today=TODAY)
    interactions.log_interaction(db, ben, day=TODAY - timedelta(days=2), channel="email", nature="thank_you",
                                 today=TODAY)
    thanks = [w["person"] for w in today.victories(db, TODAY) if w["kind"] == "thanks"]
    assert thanks == ["Ana Reyes"]


# --- Marked sent once -----------------------------------------------------------------------------

def test_the_same_message_cannot_be_marked_sent_twice(db):
    ana = _person(db)
    message = (ana, "check_in", "Hello", "Hi Ana, how did the launch go?")
    composer.mark_sent(db, message, TODAY)
    with pytest.raises(ValidationError, match="already marked this message sent"):
        composer.mark_sent(db, message, TODAY)
    draft = composer.save_draft(db, ana, "check_in", "Other", "A different note.")
    composer.mark_sent(db, draft, TODAY)
    with pytest.raises(ValidationError, match="already sent"):
        composer.mark_sent(db, draft, TODAY)
    assert len(_touches(db, ana)) == 2


def test_a_thank_you_marked_sent_for_its_follow_up_is_logged_once(db):
    ana = _person(db)
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=1), channel="video", today=TODAY)
    [thanks] = _open(db, ana, "thank_you")
    touch = composer.mark_sent(db, (ana, "thank_you", "Thanks", "Thank you for your time yesterday."), TODAY,
                               followup_id=thanks["id"])
    assert [t["nature"] for t in _touches(db, ana)] == ["", "thank_you"]
    assert scalar(db, "select done_interaction_id from followups where id = ?", [thanks["id"]]) == touch


# --- Replies marked afterwards --------------------------------------------------------------------

def test_a_reply_can_be_marked_afterwards_and_the_mark_is_kept(db):
    ana = _person(db)
    sent = interactions.log_interaction(db, ana, day=TODAY - timedelta(days=10), channel="email", today=TODAY)
    interactions.update_interaction(db, sent, responded=True, today=TODAY)
    assert interactions.timeline(db, ana)[0]["responded"] is True
    interactions.update_interaction(db, sent, responded=None, today=TODAY)
    assert interactions.timeline(db, ana)[0]["responded"] is None


def test_two_conversations_leave_one_open_thank_you_which_one_message_closes(db):
    ana = _person(db)
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=3), channel="phone", today=TODAY)
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=1), channel="video", today=TODAY)
    [thanks] = _open(db, ana, "thank_you")
    assert thanks["due"] == (TODAY - timedelta(days=1)).isoformat()  # the earlier call's deadline
    interactions.log_interaction(db, ana, day=TODAY, channel="email", nature="thank_you", today=TODAY)
    assert _open(db, ana, "thank_you") == []


def test_default_channels_for_a_list_read_what_each_person_was_last_written_on(db):
    ana, ben, cleo = _person(db, "Ana Reyes"), _person(db, "Ben Osei"), _person(db, "Cleo Park")
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=9), channel="linkedin", today=TODAY)
    interactions.log_interaction(db, ana, day=TODAY - timedelta(days=2), channel="text", today=TODAY)
    interactions.log_interaction(db, ben, day=TODAY - timedelta(days=2), channel="email", direction="them",
                                 today=TODAY)
    interactions.log_interaction(db, ben, day=TODAY - timedelta(days=1), channel="phone", today=TODAY)
    assert interactions.default_channels(db, [ana, ben, cleo, None]) == {ana: "text", ben: "email", cleo: "email"}
    items = interactions.with_default_channels(db, [{"person_id": ana}, {"person_id": None}])
    assert [i["done_channel"] for i in items] == ["text", "email"]
