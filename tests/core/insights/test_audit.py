"""The self-audit (core.insights.audit): its gate, the relational ratio and the four warning signs on small
hand-built logs whose numbers are known, and the bulk audit equal to the reference on the demo."""

import json
import math
from datetime import date, timedelta

import pytest

from core import insights as ins
from core.db import memory_db
from core.interactions import log_interaction
from core.people import add_person
from tests.core.insights.reference import reference_audit_log, reference_people, reference_touch_rows

TODAY = date(2026, 11, 27)
PEOPLE = {
    1: {"name": "Ana", "tier": "core", "cadence": 30, "archived": False},
    2: {"name": "Bo", "tier": "active", "cadence": 30, "archived": False},
    3: {"name": "Cy", "tier": "network", "cadence": 30, "archived": False},
    4: {"name": "Di", "tier": "core", "cadence": 30, "archived": False},
    5: {"name": "Ed", "tier": "active", "cadence": 30, "archived": False},
    6: {"name": "Fay", "tier": "core", "cadence": 30, "archived": True},
}
_ids = iter(range(1, 10_000))


def t(pid, age, direction="me", kind="neutral", nature="", responded=None, tags=()):
    return {"id": next(_ids), "person_id": pid, "day": TODAY - timedelta(days=age), "direction": direction,
            "kind": kind, "nature": nature, "tags": set(tags), "responded": responded}


def thanks(pid, age):
    return t(pid, age, nature="thank_you", tags=("thank_you",))


def audit_of(log: list[dict], people: dict[int, dict], today: date, window: int = ins.WINDOW) -> dict:
    """What the app's audit says of a hand-built log: the people and touches stored as they are, then audit()."""
    db = memory_db()
    for pid, p in people.items():
        db.table("people").insert({"id": pid, "name": p["name"], "tier": p["tier"], "cadence_days": p["cadence"],
                                   "archived_at": "2026-01-01" if p["archived"] else None,
                                   "created_at": "2025-01-01", "updated_at": "2025-01-01"})
    for x in log:
        db.table("interactions").insert({
            "id": x["id"], "person_id": x["person_id"], "day": x["day"].isoformat(), "channel": "email",
            "direction": x["direction"], "kind": x["kind"], "nature": x["nature"], "responded": x["responded"],
            "tags": json.dumps(sorted(x["tags"])), "created_at": "2025-01-01"})
    return ins.audit(db, today, window)


def sign(result, key):
    return next(s for s in result["signs"] if s["key"] == key)


# --- The gate -------------------------------------------------------------------------------------


def test_the_audit_waits_for_five_touches_you_started_and_says_how_many_more():
    log = [t(1, 1), t(1, 2), t(2, 3), t(2, 4, direction="them"), t(3, 100)]

    assert audit_of(log, PEOPLE, TODAY) == {"ready": False, "initiated": 3, "needed": 2, "window": 90}


# --- 1. Only reaching out when you need a favor ---------------------------------------------------


def test_ask_share_and_the_relational_ratio_are_counted_over_your_own_touches():
    log = [t(3, a, kind="ask") for a in (1, 2, 3, 4, 5, 6)] + [
        t(3, 7, kind="give"), t(3, 8, kind="give"), t(3, 9), thanks(3, 10), t(3, 11, direction="them", kind="ask")]

    result = audit_of(log, PEOPLE, TODAY)

    one = sign(result, "only_when_needed")
    assert one["metrics"]["ask_share"] == 0.6
    assert one["level"] == "amber"
    assert one["summary"].startswith("6 of the 10 messages you started were asks (60%)")
    assert result["headline"]["ratio"] == 0.5  # (2 gives + 1 check-in) : 6 asks; the thank-you isn't counted
    assert result["headline"]["level"] == "red"
    assert result["headline"]["action"] == "Share something useful with Cy before your next ask."


def test_more_than_seven_asks_in_ten_is_red_and_half_or_less_is_fine():
    red = [t(3, a, kind="ask") for a in range(1, 9)] + [t(3, 20), t(3, 21)]
    fine = [t(3, a, kind="ask") for a in range(10, 15)] + [t(3, a) for a in range(1, 6)]

    assert sign(audit_of(red, PEOPLE, TODAY), "only_when_needed")["level"] == "red"
    assert sign(audit_of(fine, PEOPLE, TODAY), "only_when_needed")["level"] == "ok"


def test_reconnections_that_open_with_an_ask_are_flagged_from_three():
    log = [
        t(1, 100), t(1, 60, kind="ask"), t(1, 20, kind="ask"), t(1, 15, kind="give"),  # 2 cold asks (gaps 40, 40)
        t(2, 80), t(2, 40),  # 1 reconnection with a check-in; the first touch is not a reconnection
    ]

    one = sign(audit_of(log, PEOPLE, TODAY), "only_when_needed")

    assert (one["metrics"]["reconnects"], one["metrics"]["cold_asks"]) == (3, 2)
    assert one["metrics"]["cold_ask_rate"] == pytest.approx(2 / 3)
    assert one["level"] == "amber"
    assert "2 of 3 reconnections opened with an ask" in one["summary"]


def test_a_contact_whose_last_three_messages_from_you_were_asks_is_named():
    log = [t(4, 50, kind="give"), t(4, 30, kind="ask"), t(4, 20, kind="ask"), t(4, 10, kind="ask"),
           t(3, 5), t(3, 6), t(3, 7)]

    result = audit_of(log, PEOPLE, TODAY)

    assert [p["name"] for p in result["per_contact"]] == ["Di"]
    one = sign(result, "only_when_needed")
    assert one["action"].startswith("Before your next ask to Di, check in or share something useful")
    assert one["person_id"] == 4


# --- 2. Conversations focused on your needs -------------------------------------------------------


def test_asks_against_gives_are_weighted_by_age():
    log = [t(3, 0, kind="ask"), t(3, 0, kind="ask"), t(3, 36, kind="give"), t(3, 1), t(3, 2)]

    two = sign(audit_of(log, PEOPLE, TODAY), "own_needs")

    assert two["metrics"]["ask_give_ratio"] == pytest.approx(2 / 2 ** (-36 / 180))  # 2.297
    assert two["level"] == "red"
    assert "2.3 asks per give" in two["summary"]


def test_asks_without_any_give_read_as_no_gives_yet():
    log = [t(3, a, kind="ask") for a in (1, 2)] + [t(3, a) for a in (3, 4, 5)]

    two = sign(audit_of(log, PEOPLE, TODAY), "own_needs")

    assert two["metrics"]["ask_give_ratio"] == math.inf
    assert "no gives yet" in two["summary"]


def test_their_asks_answered_by_a_give_within_two_weeks():
    log = [t(3, a) for a in (1, 2, 3, 4, 5)] + [
        t(1, 40, direction="them", kind="ask"), t(1, 35, kind="give"),  # answered
        t(2, 30, direction="them", kind="ask"),  # unanswered, decided
        t(4, 25, direction="them", kind="ask"),  # unanswered, decided
        t(5, 5, direction="them", kind="ask"),  # still open: not counted in the rate
    ]

    two = sign(audit_of(log, PEOPLE, TODAY), "own_needs")

    assert two["metrics"]["reciprocated"] == 1
    assert two["metrics"]["reciprocated_rate"] == pytest.approx(1 / 3)
    assert two["level"] == "amber"
    assert two["action"] == "Ed asked you for something on 22 Nov: see how you can help."


# --- 3. Rarely following up -----------------------------------------------------------------------


def test_thank_you_rate_counts_favors_thanked_within_48_hours():
    log = [t(3, a) for a in (50, 51, 52)] + [
        t(1, 20, kind="ask", responded=True), thanks(1, 18),  # thanked on time (2 days)
        t(2, 10, direction="them", kind="give"),  # never thanked
        t(4, 30, kind="ask", responded=True), thanks(4, 27),  # thanked 3 days later: late
        t(5, 1, kind="ask", responded=True),  # younger than 48 hours: pending
        t(5, 40, kind="ask", responded=False),  # not answered: no favor
    ]

    three = sign(audit_of(log, PEOPLE, TODAY), "no_follow_up")

    assert (three["metrics"]["thanked_on_time"], three["metrics"]["help_events"]) == (1, 3)
    assert three["level"] == "red"  # 1/3 < 0.5
    assert three["action"] == "Thank Bo for their help on 17 Nov: a late thank-you still counts."


def test_post_help_ghosting_looks_at_favors_90_to_180_days_old():
    log = [t(3, a) for a in range(1, 6)] + [
        t(1, 120, direction="them", kind="give"), t(1, 100),  # followed up
        t(2, 150, direction="them", kind="give"), t(2, 140, kind="ask"),  # only an ask after: ghosted
        t(4, 170, kind="ask", responded=True),  # silence: ghosted
    ]

    three = sign(audit_of(log, PEOPLE, TODAY), "no_follow_up")

    assert (three["metrics"]["ghosted"], three["metrics"]["older_help_events"]) == (2, 3)
    assert three["level"] == "amber"
    assert three["action"] == "Get back in touch with Bo and tell them how their help turned out."


# --- 4. Not offering value ------------------------------------------------------------------------


def test_give_share_and_coverage_of_core_and_active_contacts():
    log = [t(3, a, kind="ask") for a in (1, 2, 3, 4, 5, 6, 7, 8, 9)] + [
        t(1, 10, kind="give"),  # Ana (core) covered
        t(2, 200, kind="give"),  # Bo's give is older than 180 days
        t(6, 11, kind="give"),  # Fay is archived: not counted
    ]

    four = sign(audit_of(log, PEOPLE, TODAY), "no_value")

    assert four["metrics"]["give_share"] == pytest.approx(2 / 11)
    assert (four["metrics"]["covered"], four["metrics"]["key_contacts"]) == (1, 4)
    assert four["level"] == "amber"
    assert "1 of your 4 core and active contacts received a give" in four["summary"]
    assert four["action"] == "Share something useful with Bo before your next ask."


def test_a_generous_log_shows_every_sign_as_fine_with_encouragement_not_judgment():
    log = [t(pid, a, kind="give") for pid, a in ((1, 1), (2, 2), (4, 3), (5, 4))] + [
        t(3, 5, kind="ask", responded=True), thanks(3, 4), t(3, 6)]

    result = audit_of(log, PEOPLE, TODAY)

    assert [s["level"] for s in result["signs"]] == ["ok", "ok", "ok", "ok"]
    assert result["headline"]["text"] == "5.0 : 1"
    for s in result["signs"]:
        assert s["action"].startswith("Keep")
        assert "transactional" not in s["action"].lower()


def test_audit_reads_the_same_numbers_from_the_database(db, today):
    ana = add_person(db, name="Ana", tier="core")
    for age, nature in ((1, "referral"), (2, "advice"), (3, "shared_resource"), (4, "check_in"), (5, "job_lead")):
        log_interaction(db, ana, day=today - timedelta(days=age), channel="email", nature=nature, today=today)

    result = ins.audit(db, today)

    assert sign(result, "only_when_needed")["metrics"]["ask_share"] == 0.6
    assert result["headline"]["ratio"] == pytest.approx(2 / 3)
    assert sign(result, "no_value")["metrics"]["coverage"] == 1.0


# --- Asks in a row --------------------------------------------------------------------------------


def test_asks_in_a_row_count_your_latest_touches_until_one_is_not_an_ask(db, today):
    ana = add_person(db, name="Ana")
    assert ins.asks_in_a_row(db, ana) == 0
    log_interaction(db, ana, day=today - timedelta(days=40), channel="email", nature="shared_resource", today=today)
    for age in (30, 20):
        log_interaction(db, ana, day=today - timedelta(days=age), channel="email", nature="advice", today=today)
    log_interaction(db, ana, day=today - timedelta(days=15), channel="email", direction="them", nature="advice",
                    today=today)  # their touches neither break nor extend the run
    assert ins.asks_in_a_row(db, ana) == 2

    log_interaction(db, ana, day=today - timedelta(days=5), channel="email", nature="job_lead", today=today)
    assert ins.asks_in_a_row(db, ana) == 3
    assert ins.asks_in_a_row(db, ana, look_back=2) == 2


# --- Reading only what the audit needs, saying the same as the reference --------------------------


@pytest.mark.parametrize("days_back", [0, 40, 200])
def test_the_audit_reads_less_but_says_the_same_as_over_everyones_whole_history(days_back):
    from core.db import memory_db
    from core.demo import generate_demo

    db = memory_db()
    generate_demo(db, date(2026, 11, 27), people=300, touches_per_person=8, span_days=600)
    on = date(2026, 11, 27) - timedelta(days=days_back)
    db.execute("update interactions set kind = 'ask' where direction = 'me' and id % 3 = 0")  # asks-only runs

    for window in (90, 30):
        full = reference_audit_log(reference_touch_rows(db, on - timedelta(days=2 * window + ins.COVERAGE_DAYS)),
                                   reference_people(db), on, window)
        assert ins.audit(db, on, window) == full
    assert ins.audit(db, on)["ready"]


@pytest.mark.parametrize("days_back", [0, 25, 120])
def test_the_bulk_audit_equals_the_reference_on_the_demo_with_every_sign_at_work(demo_db, today, days_back):
    on = today - timedelta(days=days_back)
    # Make every branch fire: asks answered late or not, favors thanked or not, future touches, a tie.
    demo_db.execute("update interactions set kind = 'ask' where direction = 'me' and id % 4 = 0")
    demo_db.execute("update interactions set kind = 'give' where direction = 'them' and id % 5 = 0")
    demo_db.execute("update interactions set responded = 1 where id % 3 = 0")
    demo_db.execute("update people set tier = 'core' where id % 3 = 0")
    demo_db.execute("update people set archived_at = '2026-01-01' where id % 7 = 0")
    demo_db.execute("update people set cadence_days = 10 where id % 5 = 0")

    for window in (90, 30, 7):
        full = reference_audit_log(reference_touch_rows(demo_db, on - timedelta(days=2 * window + ins.COVERAGE_DAYS)),
                                   reference_people(demo_db), on, window)
        assert ins.audit(demo_db, on, window) == full
