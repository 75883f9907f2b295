"""Neglect (core.insights.neglect): people met and never followed up, people past their cadence, channel
variety; on small logs, and equal to the reference on the demo."""

from datetime import timedelta

import pytest

from core import insights as ins
from core.events import add_event, add_person_met
from core.interactions import log_interaction
from core.people import add_person
from tests.core.insights.reference import reference_neglect, reference_victories

# --- On small logs --------------------------------------------------------------------------------


def test_people_met_and_never_followed_up_are_listed(db, today):
    met = add_person(db, name="Met Once")
    thanked = add_person(db, name="Thanked")
    fresh = add_person(db, name="Just Met")
    log_interaction(db, met, day=today - timedelta(days=10), channel="video", today=today)
    log_interaction(db, thanked, day=today - timedelta(days=10), channel="phone", today=today)
    log_interaction(db, thanked, day=today - timedelta(days=9), channel="email", nature="thank_you", today=today)
    log_interaction(db, fresh, day=today - timedelta(days=1), channel="in_person", today=today)
    event = add_event(db, name="Meetup", day=today - timedelta(days=5))
    add_person_met(db, event, today=today, name="Event Person")

    found = ins.neglect(db, today)

    assert [(m["name"], m["days_ago"]) for m in found["never_followed_up"]] == [("Event Person", 5),
                                                                                ("Met Once", 10)]
    assert found["never_followed_up_count"] == 2


def test_an_event_with_an_unreadable_day_does_not_stop_the_neglect_signs(db, today):
    pid = add_person(db, name="Met Once")
    log_interaction(db, pid, day=today - timedelta(days=10), channel="video", today=today)
    db.execute("insert into events (name, day, created_at, updated_at) values ('Hand edit', 'soon', 'x', 'x')")
    db.execute("insert into event_people (event_id, person_id) values (1, ?)", [pid])

    found = ins.neglect(db, today)

    assert [(m["name"], m["days_ago"]) for m in found["never_followed_up"]] == [("Met Once", 10)]


def test_connections_past_their_cadence_are_listed_active_first(db, today):
    net = add_person(db, name="Network", tier="network")
    act = add_person(db, name="Active", tier="active")
    log_interaction(db, net, day=today - timedelta(days=120), channel="email", today=today)
    log_interaction(db, act, day=today - timedelta(days=20), channel="email", today=today)

    found = ins.neglect(db, today)

    assert [(o["name"], o["days_overdue"]) for o in found["past_cadence"]] == [("Active", 6), ("Network", 30)]


def test_channel_variety_names_someone_reached_only_in_writing(db, today):
    ana = add_person(db, name="Ana")
    bo = add_person(db, name="Bo")
    for age in range(1, 5):
        log_interaction(db, ana, day=today - timedelta(days=age), channel="email", today=today)
    log_interaction(db, bo, day=today - timedelta(days=1), channel="linkedin", today=today)

    found = ins.neglect(db, today)

    assert found["top_channel"] == "email"
    assert found["top_share"] == 0.8
    assert found["variety_flag"] is True
    assert found["variety_action"].startswith("Try a call or a coffee with Ana")
    log_interaction(db, bo, day=today, channel="phone", today=today)
    log_interaction(db, bo, day=today, channel="in_person", today=today)
    assert ins.neglect(db, today)["variety_flag"] is False


def test_between_equal_writers_the_one_written_to_first_is_named(db, today):
    for name in ("Zed", "Ann", "Ann"):
        pid = add_person(db, name=name)
        for age in (5, 3):
            log_interaction(db, pid, day=today - timedelta(days=age + pid), channel="email", today=today)

    found = ins.neglect(db, today)

    assert found["variety_person_id"] == 3  # Ann and Ann tie: 3 was written to first (8 days ago)
    assert found == reference_neglect(db, today)


# --- Equal to the reference on the demo, and bounded ----------------------------------------------


@pytest.mark.parametrize("days_back", [0, 25, 120])
def test_victories_and_neglect_equal_the_reference_on_a_varied_demo(demo_db, today, days_back):
    on = today - timedelta(days=days_back)
    demo_db.execute("update interactions set nature = 'thank_you' where direction = 'me' and id % 4 = 0")
    demo_db.execute("""update interactions set tags = '["thank_you"]' where id % 7 = 0""")
    demo_db.execute("update interactions set channel = 'phone' where id % 5 = 0")
    demo_db.execute("update people set archived_at = '2026-01-01' where id % 9 = 0")

    assert ins.victories(demo_db, on) == reference_victories(demo_db, on)
    for limit in (3, 10, 1000):
        assert ins.neglect(demo_db, on, limit) == reference_neglect(demo_db, on, limit)


def test_a_demo_written_mostly_by_email_names_the_same_person_to_call_as_the_reference(demo_db, today):
    demo_db.execute("update interactions set channel = 'email' where id % 10 != 0")
    demo_db.execute("update people set name = 'Same Name' where id % 2 = 0")  # ties on name: the log decides

    found = ins.neglect(demo_db, today)

    assert found["variety_flag"] is True
    assert found["variety_person_id"] is not None
    assert found == reference_neglect(demo_db, today)


def test_a_channel_outside_the_vocabulary_is_counted_by_its_name(demo_db, today):
    demo_db.execute("update interactions set channel = 'fax' where id % 6 = 0")  # a hand edit

    found = ins.neglect(demo_db, today)

    assert "fax" in [c["channel"] for c in found["channels"]]
    assert found == reference_neglect(demo_db, today)


def test_neglect_lists_a_bounded_few_but_counts_everyone(demo_db, today):
    everyone = ins.neglect(demo_db, today, limit=100_000)
    few = ins.neglect(demo_db, today, limit=2)

    assert few["never_followed_up"] == everyone["never_followed_up"][:2]
    assert few["past_cadence"] == everyone["past_cadence"][:2]
    assert (few["never_followed_up_count"], few["past_cadence_count"]) == (
        len(everyone["never_followed_up"]), len(everyone["past_cadence"]))
    assert few["past_cadence_count"] > 2
