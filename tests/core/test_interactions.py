"""Logging touches: validation, the kind a nature implies, the ladder, and the stored score."""

from datetime import date

import pytest

from core import interactions, people
from core.errors import NotFound, ValidationError

TODAY = date(2026, 11, 27)


@pytest.fixture
def ana(db):
    return people.add_person(db, name="Ana", tier="core")


def test_logging_a_touch_stores_it_and_updates_the_score(db, ana):
    iid = interactions.log_interaction(db, ana, day="2026-11-20", channel="email", direction="me", kind="give",
                                       nature="shared_resource", responded=True, notes="Sent the dbt guide",
                                       details="Loves trail running", today=TODAY)

    row = db.table("interactions").get(iid)
    person = people.get_person(db, ana)
    assert (row["kind"], row["nature"], row["minutes"], row["responded"]) == ("give", "shared_resource", 15, 1)
    assert person["score"] is not None
    assert person["last_touch_on"] == "2026-11-20"
    assert person["score_reason"].startswith(f"Score ~{person['score']}: last touch 7 days ago (cadence 30d")


def test_the_nature_implies_the_kind(db, ana):
    iid = interactions.log_interaction(db, ana, day=TODAY, channel="email", nature="referral", today=TODAY)

    assert db.table("interactions").get(iid)["kind"] == "ask"


def test_a_nature_that_contradicts_the_kind_is_refused(db, ana):
    with pytest.raises(ValidationError, match="Referral is a ask, not a give"):
        interactions.log_interaction(db, ana, day=TODAY, channel="email", kind="give", nature="referral",
                                     today=TODAY)
    assert db.table("interactions").count == 0


def test_a_thank_you_carries_the_thank_you_tag(db, ana):
    iid = interactions.log_interaction(db, ana, day=TODAY, channel="email", nature="thank_you", today=TODAY)

    row = db.table("interactions").get(iid)
    assert (row["kind"], row["tags"]) == ("neutral", '["thank_you"]')


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"day": "27/11/2026"}, ValidationError, "Date must be a date like 2026-03-31"),
        ({"day": "2026-02-30"}, ValidationError, "Date must be a date like"),
        ({"day": "2026-12-01"}, ValidationError, "can't be in the future"),
        ({"channel": "pigeon"}, ValidationError, "Channel must be one of"),
        ({"direction": "sideways"}, ValidationError, "Who started it must be one of"),
        ({"kind": "bribe"}, ValidationError, "Give, ask or neutral must be one of"),
        ({"notes": "a\x00b"}, ValidationError, "NUL"),
        ({"notes": "x" * 100_001}, ValidationError, "Notes is too long"),
        ({"responded": "maybe"}, ValidationError, "Replied must be yes, no or unknown"),
        ({"event_id": 77}, NotFound, "That event does not exist"),
    ],
)
def test_bad_interactions_are_refused_and_nothing_is_written(db, ana, kwargs, error, message):
    args = {"day": TODAY, "channel": "email", **kwargs}

    with pytest.raises(error, match=message):
        interactions.log_interaction(db, ana, today=TODAY, **args)

    assert db.table("interactions").count == 0
    assert db.table("followups").count == 0
    assert people.get_person(db, ana)["stage"] == "stranger"


def test_an_interaction_for_someone_who_does_not_exist_is_refused(db):
    with pytest.raises(NotFound, match="That person does not exist"):
        interactions.log_interaction(db, 404, day=TODAY, channel="email", today=TODAY)

    assert db.table("interactions").count == 0


@pytest.mark.parametrize(
    ("kwargs", "stage"),
    [
        ({"channel": "email", "direction": "me"}, "contacted"),
        ({"channel": "email", "direction": "me", "responded": True}, "conversed"),
        ({"channel": "linkedin", "direction": "them"}, "conversed"),
        ({"channel": "video"}, "conversed"),
    ],
)
def test_touches_move_people_up_the_ladder(db, ana, kwargs, stage):
    interactions.log_interaction(db, ana, day=TODAY, today=TODAY, **kwargs)

    assert people.get_person(db, ana)["stage"] == stage


def test_touches_never_move_anyone_down_the_ladder(db, ana):
    people.set_stage(db, ana, "ally", TODAY)

    interactions.log_interaction(db, ana, day=TODAY, channel="email", today=TODAY)

    assert people.get_person(db, ana)["stage"] == "ally"


def test_timeline_is_newest_first_with_the_event_name(db, ana):
    interactions.log_interaction(db, ana, day="2026-11-01", channel="email", today=TODAY)
    interactions.log_interaction(db, ana, day="2026-11-20", channel="phone", details="New puppy", today=TODAY)

    timeline = interactions.timeline(db, ana)

    assert [t["day"] for t in timeline] == ["2026-11-20", "2026-11-01"]
    assert [d["details"] for d in interactions.details_to_remember(db, ana)] == ["New puppy"]


def test_deleting_an_interaction_rescores_and_removes_its_thank_you(db, ana):
    iid = interactions.log_interaction(db, ana, day=TODAY, channel="video", today=TODAY)
    assert db.table("followups").count_where("reason = 'thank_you'") == 1

    interactions.delete_interaction(db, iid, today=TODAY)

    person = people.get_person(db, ana)
    assert (person["score"], person["last_touch_on"]) == (None, None)
    assert db.table("followups").count_where("reason = 'thank_you'") == 0


def test_updating_a_reply_changes_the_score(db, ana):
    iid = interactions.log_interaction(db, ana, day="2026-11-01", channel="email", kind="ask", today=TODAY)
    before = people.get_person(db, ana)["score_reason"]

    interactions.update_interaction(db, iid, responded=True, today=TODAY)

    assert people.get_person(db, ana)["score_reason"] != before
    with pytest.raises(ValidationError, match="can't be changed here: channel"):
        interactions.update_interaction(db, iid, channel="phone", today=TODAY)


def test_editing_a_touch_checks_its_date_and_reply_as_logging_does(db, ana):
    iid = interactions.log_interaction(db, ana, day="2026-11-01", channel="email", today=TODAY)

    with pytest.raises(ValidationError, match="too long ago"):
        interactions.update_interaction(db, iid, day="1850-01-01", today=TODAY)
    with pytest.raises(ValidationError, match="future"):
        interactions.update_interaction(db, iid, day="2026-11-28", today=TODAY)
    interactions.update_interaction(db, iid, responded=1, today=TODAY)  # as logging takes it

    assert (db.table("interactions").get(iid)["day"], db.table("interactions").get(iid)["responded"]) == (
        "2026-11-01", 1)


def test_done_checks_the_follow_up_is_open_inside_its_transaction_and_rescores_once(db, ana, monkeypatch):
    # Outside the transaction, Done in two tabs could both pass the check and log two touches.
    interactions.log_interaction(db, ana, day="2026-10-01", channel="email", today=TODAY)
    (fid,) = db.execute("select id from followups where reason = 'check_in'").fetchone()
    checked_in, rescored = [], []
    require_open, refresh = interactions.followups.require_open, interactions.refresh_people
    monkeypatch.setattr(interactions.followups, "require_open",
                        lambda d, i: checked_in.append(d.conn.in_transaction) or require_open(d, i))
    monkeypatch.setattr(interactions, "refresh_people", lambda *a: rescored.append(a[2]) or refresh(*a))

    interactions.complete_followup(db, fid, TODAY, channel="email")

    assert checked_in == [True]
    assert rescored == [[ana]]
    assert db.table("followups").get(fid)["status"] == "open"  # the check-in comes back a cadence later
    assert db.execute("select count(*) from interactions where nature = 'check_in'").fetchone()[0] == 1


def test_mark_answered_fills_only_unmarked_touches_and_counts_them_per_person(db, ana):
    ben = people.add_person(db, name="Ben", tier="core")
    log = [interactions.log_interaction(db, pid, day="2026-11-20", channel="email", responded=responded, today=TODAY)
           for pid, responded in ((ana, None), (ana, None), (ana, False), (ben, None), (ben, None))]

    assert interactions.mark_answered(db, log[:4]) == {ana: 2, ben: 1}  # the third was already marked: kept
    assert interactions.mark_answered(db, log[:4]) == {}  # nothing left unmarked: nothing to rescore
    assert interactions.mark_answered(db, [log[4]], answered=False) == {ben: 1}
    assert [db.table("interactions").get(i)["responded"] for i in log] == [1, 1, 0, 1, 0]
