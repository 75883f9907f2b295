"""Insights on small hand-built logs whose numbers are known: the self-audit, neglect, charts, victories."""

import itertools
import json
import math
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from core import insights as ins
from core.db import memory_db, rows, scalar
from core.events import add_event, add_person_met
from core.interactions import log_interaction
from core.people import add_person, set_stage
from core.relationships import cadence_for
from core.scoring import band, score_log
from core.settings import get_cadences, save_budget_minutes
from core.vocab import CHANNEL_LABELS, CONVERSATION_CHANNELS, CONVERSATION_NATURES, STAGES, THANK_YOU_DAYS

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


# --- The gate ---------------------------------------------------------------------------------


def test_the_audit_waits_for_five_touches_you_started_and_says_how_many_more():
    log = [t(1, 1), t(1, 2), t(2, 3), t(2, 4, direction="them"), t(3, 100)]

    assert audit_of(log, PEOPLE, TODAY) == {"ready": False, "initiated": 3, "needed": 2, "window": 90}


# --- 1. Only reaching out when you need a favor -----------------------------------------------


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


# --- 2. Conversations focused on your needs ----------------------------------------------------


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


# --- 3. Rarely following up ------------------------------------------------------------------


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


# --- 4. Not offering value ---------------------------------------------------------------------


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


# --- Neglect ---------------------------------------------------------------------------------------


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


# --- Charts -----------------------------------------------------------------------------------------


def test_bands_over_time_recompute_each_month_end_from_the_log(db, today):
    ana = add_person(db, name="Ana", tier="network")
    log_interaction(db, ana, day=date(2026, 9, 15), channel="email", responded=True, today=today)

    data = ins.bands_over_time(db, today, months=3)

    by_month = {(r["month"], r["band"]): r["people"] for r in data if r["people"]}
    # Not in touch before 15 Sept; thriving 15 and 46 days later; 73 days later R = 1/(1+(73/180)²) = .86,
    # Q = .64, I = .42, so (.5·.86 + .1·.64 + .05·.42)/.65 = 79: warm.
    assert by_month == {("2026-09-30", "thriving"): 1, ("2026-10-31", "thriving"): 1,
                        ("2026-11-27", "warm"): 1}
    assert {r["month"] for r in data} == {"2026-08-31", "2026-09-30", "2026-10-31", "2026-11-27"}


def test_bands_over_time_counts_everyone_in_touch_on_the_demo(demo_db, today):
    data = ins.bands_over_time(demo_db, today)

    assert sum(r["people"] for r in data if r["month"] == today.isoformat()) == scalar(
        demo_db, "select count(distinct person_id) from interactions")


def test_gives_and_asks_by_month(db, today):
    ana = add_person(db, name="Ana")
    for day, nature in ((date(2026, 11, 2), "shared_resource"), (date(2026, 11, 3), "referral"),
                        (date(2026, 10, 9), "congratulated"), (date(2026, 4, 1), "advice")):
        log_interaction(db, ana, day=day, channel="email", nature=nature, today=today)
    log_interaction(db, ana, day=date(2026, 11, 4), channel="email", direction="them", nature="advice", today=today)

    data = ins.gives_asks_by_month(db, today, months=2)

    assert data == [{"month": "2026-10", "kind": "give", "touches": 1}, {"month": "2026-10", "kind": "ask", "touches": 0},
                    {"month": "2026-11", "kind": "give", "touches": 1}, {"month": "2026-11", "kind": "ask", "touches": 1}]


def test_weekly_touches_sum_minutes_against_the_budget(db, today):
    save_budget_minutes(db, 60)
    ana = add_person(db, name="Ana")
    log_interaction(db, ana, day=date(2026, 11, 23), channel="phone", minutes=30, today=today)  # Monday
    log_interaction(db, ana, day=date(2026, 11, 27), channel="video", minutes=45, today=today)
    log_interaction(db, ana, day=date(2026, 11, 20), channel="email", minutes=15, today=today)
    log_interaction(db, ana, day=date(2026, 11, 21), channel="email", direction="them", today=today)

    weeks = ins.weekly_touches(db, today, weeks=2)

    assert weeks == [
        {"week": "2026-11-16", "touches": 1, "minutes": 15, "budget": 60, "met": False},
        {"week": "2026-11-23", "touches": 2, "minutes": 75, "budget": 60, "met": True},
    ]


def test_the_stage_funnel_counts_who_reached_each_rung(db, today):
    for name, stage in (("A", "stranger"), ("B", "contacted"), ("C", "conversed"), ("D", "ally")):
        add_person(db, name=name, stage=stage)

    assert [(s["stage"], s["people"], s["reached"]) for s in ins.stage_funnel(db)] == [
        ("stranger", 1, 4), ("contacted", 1, 3), ("conversed", 1, 2), ("connected", 0, 1), ("ally", 1, 1)]


# --- Victories --------------------------------------------------------------------------------


@pytest.mark.parametrize(("met", "current", "best"), [
    ([True, True, False, True, True, True], 3, 3),
    ([True, True, True, False], 3, 3),  # the week in progress doesn't break a streak
    ([False, True, False], 1, 1),
    ([False, False], 0, 0),
])
def test_budget_streaks(met, current, best):
    assert ins.streaks([{"met": m} for m in met]) == (current, best)


def test_victories_celebrate_streaks_promotions_and_thank_yous_on_time(db, today):
    save_budget_minutes(db, 30)
    ana = add_person(db, name="Ana")
    log_interaction(db, ana, day=today - timedelta(days=3), channel="video", minutes=30, today=today)
    log_interaction(db, ana, day=today - timedelta(days=2), channel="email", nature="thank_you", today=today)
    log_interaction(db, ana, day=today - timedelta(days=9), channel="phone", minutes=30, today=today)
    set_stage(db, ana, "connected", today)

    won = ins.victories(db, today)

    assert (won["streak"], won["thank_yous_on_time"], won["conversations"]) == (2, 1, 2)
    assert [(m["from_stage"], m["to_stage"]) for m in won["moved_up"]] == [("conversed", "connected"),
                                                                           ("stranger", "conversed")]
    assert won["messages"] == [
        "2 weeks in a row within your networking budget.",
        "2 relationships moved up a stage this month: Ana, Ana.",
        "1 of 2 conversations thanked within 48 hours in the last 90 days.",
    ]


def test_the_fingerprint_changes_when_the_log_changes(db, today):
    pid = add_person(db, name="Ana")
    before = ins.log_fingerprint(db)
    iid = log_interaction(db, pid, day=today, channel="email", today=today)
    after = ins.log_fingerprint(db)

    from core.interactions import update_interaction

    update_interaction(db, iid, responded=True, today=today)

    assert len({before, after, ins.log_fingerprint(db)}) == 3


# --- Reading only what the audit needs (30,000 people) ---------------------------------------------


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


def test_victories_read_only_the_window_and_count_the_same(demo_db, today):
    fast = ins.victories(demo_db, today)

    assert fast == reference_victories(demo_db, today)
    assert fast["conversations"] > 0
    assert fast["thank_yous_on_time"] > 0


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


def test_one_read_of_the_log_serves_all_three_and_a_stale_or_short_one_is_read_again(demo_db, today):
    together = ins.overview(demo_db, today)
    assert together["victories"] == reference_victories(demo_db, today)
    assert together["neglect"] == reference_neglect(demo_db, today)
    assert together["audit"]["ready"] is True

    yesterday = ins.read_log(demo_db, today - timedelta(days=1))
    short = ins.read_log(demo_db, today, since=today - timedelta(days=10))
    assert ins.audit(demo_db, today, log=yesterday) == together["audit"]
    assert ins.neglect(demo_db, today, log=short) == together["neglect"]
    assert ins.victories(demo_db, today, log=short) == together["victories"]


def test_between_equal_writers_the_one_written_to_first_is_named(db, today):
    for name in ("Zed", "Ann", "Ann"):
        pid = add_person(db, name=name)
        for age in (5, 3):
            log_interaction(db, pid, day=today - timedelta(days=age + pid), channel="email", today=today)

    found = ins.neglect(db, today)

    assert found["variety_person_id"] == 3  # Ann and Ann tie: 3 was written to first (8 days ago)
    assert found == reference_neglect(db, today)


def test_bands_over_time_are_score_as_it_stood_at_each_month_end(demo_db, today):
    from core.bulk_scoring import touches_of
    from core.relationships import cadence_for
    from core.settings import get_cadences

    people = rows(demo_db, "select id, tier, cadence_days, archived_at from people where archived_at is null")
    touches = touches_of(demo_db, [p["id"] for p in people])
    expected = Counter()
    for cp in ins.month_ends(today, 6):
        for p in people:
            log = [t for t in touches.get(p["id"], []) if t.day <= cp]
            if log:
                expected[cp.isoformat(), band(score_log(log, cadence_for(p, get_cadences(demo_db)) or 180, cp).value)] += 1

    got = {(r["month"], r["band"]): r["people"] for r in ins.bands_over_time(demo_db, today) if r["people"]}

    assert got == dict(expected)


def test_neglect_lists_a_bounded_few_but_counts_everyone(demo_db, today):
    everyone = ins.neglect(demo_db, today, limit=100_000)
    few = ins.neglect(demo_db, today, limit=2)

    assert few["never_followed_up"] == everyone["never_followed_up"][:2]
    assert few["past_cadence"] == everyone["past_cadence"][:2]
    assert (few["never_followed_up_count"], few["past_cadence_count"]) == (
        len(everyone["never_followed_up"]), len(everyone["past_cadence"]))
    assert few["past_cadence_count"] > 2


# --- The reference: the audit as it was before it was computed in bulk (kept to compare against) ---



# --- The one reference implementation of the audit's reading of the log -------------------------------

TOUCH_COLUMNS = "id, person_id, day, direction, kind, nature, tags, responded, channel, minutes"


def is_thank_you(t: dict) -> bool:
    return t["nature"] == "thank_you" or "thank_you" in t["tags"]


def reference_touch_rows(db, since: date) -> list[dict]:
    """Full history of every person touched since `since` (older touches matter for gaps and ghosting)."""
    found = rows(db, f"select {TOUCH_COLUMNS} from interactions where person_id in "
                     "(select distinct person_id from interactions where day >= ?) order by day, id", [since.isoformat()])
    for r in found:
        r["day"] = date.fromisoformat(r["day"])
        r["tags"] = set(json.loads(r["tags"])) if r["tags"] and r["tags"] != "[]" else set()
        r["responded"] = None if r["responded"] is None else bool(r["responded"])
    return found


def reference_audit_log(touches: list[dict], people: dict[int, dict], today: date, window: int = ins.WINDOW) -> dict:
    """The four warning signs and the relational ratio, from a log of touches.

    touches: dicts with person_id, day (date), direction, kind, nature, tags (set), responded, id (order).
    people: person_id -> {name, tier, cadence (days or None), archived (bool)}.
    Returns {ready, initiated, needed, headline, signs: [...], per_contact: [...]}.
    """
    log = sorted(touches, key=lambda t: (t["day"], t.get("id", 0)))
    by_person: dict[int, list[dict]] = defaultdict(list)
    for t in log:
        by_person[t["person_id"]].append(t)
    start = today - timedelta(days=window - 1)
    win = [t for t in log if start <= t["day"] <= today]
    mine = [t for t in win if t["direction"] == "me"]
    initiated = len(mine)
    if initiated < ins.MIN_INITIATED:
        return {"ready": False, "initiated": initiated, "needed": ins.MIN_INITIATED - initiated, "window": window}

    def name(pid: int) -> str:
        return people.get(pid, {}).get("name", "someone")

    asks = [t for t in mine if t["kind"] == "ask"]
    gives = [t for t in mine if t["kind"] == "give"]
    neutral = [t for t in mine if t["kind"] == "neutral" and not is_thank_you(t)]

    # Headline: (your gives + neutral check-ins) : your asks.
    ratio = (len(gives) + len(neutral)) / len(asks) if asks else None
    ratio_level = "ok" if ratio is None or ratio >= 2 else "amber" if ratio >= 1 else "red"
    asks_by_person = Counter(t["person_id"] for t in asks)
    gives_by_person = Counter(t["person_id"] for t in gives)
    most_asked = reference_most_taken(asks_by_person, gives_by_person)
    if ratio is None:
        ratio_text = f"{len(gives) + len(neutral)} : 0 (no asks in the last {window} days)"
    else:
        ratio_text = f"{ratio:.1f} : 1"
    headline = {"ratio": ratio, "text": ratio_text, "level": ratio_level, "gives": len(gives),
                "neutral": len(neutral), "asks": len(asks), "target": 2.0,
                "action": (f"Share something useful with {name(most_asked)} before your next ask."
                           if ratio_level != "ok" and most_asked else
                           "Keep giving and checking in at least twice for every ask.")}

    # 1. Only reaching out when you need a favor.
    ask_share = len(asks) / initiated
    reconnects = cold = 0
    for pid, history in by_person.items():
        cadence = people.get(pid, {}).get("cadence") or 90
        for prev, t in itertools.pairwise(history):
            if t["direction"] != "me" or not (start <= t["day"] <= today):
                continue
            if (t["day"] - prev["day"]).days > cadence:
                reconnects += 1
                cold += t["kind"] == "ask"
    cold_rate = cold / reconnects if reconnects else None
    per_contact = []
    for pid, history in by_person.items():
        last3 = [t for t in history if t["direction"] == "me"][-3:]
        if len(last3) == 3 and all(t["kind"] == "ask" for t in last3) and last3[-1]["day"] >= start:
            per_contact.append({"person_id": pid, "name": name(pid), "last_ask": last3[-1]["day"]})
    per_contact.sort(key=lambda p: (-p["last_ask"].toordinal(), p["name"], p["person_id"]))  # ties by name
    cold_flag = cold_rate is not None and reconnects >= 3 and cold_rate > 0.5
    level1 = ins._worst(ins._level(ask_share, 0.5, 0.7), "amber" if cold_flag else "ok",
                    "amber" if per_contact else "ok")
    if per_contact:
        action1 = (f"Before your next ask to {per_contact[0]['name']}, check in or share something useful: "
                   "your last 3 messages to them were asks.")
        target1 = per_contact[0]["person_id"]
    elif level1 != "ok" and most_asked:
        action1, target1 = f"Share something useful with {name(most_asked)} before your next ask.", most_asked
    else:
        action1, target1 = "Keep reaching out when you don't need anything: that is what makes asking easy.", None
    summary1 = f"{len(asks)} of the {initiated} messages you started were asks ({ins._pct(ask_share)})"
    if reconnects:
        summary1 += f"; {cold} of {reconnects} reconnections opened with an ask"
    sign1 = {"key": "only_when_needed", "sign": ins.SIGNS["only_when_needed"], "level": level1,
             "summary": summary1 + ".", "action": action1, "person_id": target1,
             "metrics": {"ask_share": ask_share, "asks": len(asks), "initiated": initiated,
                         "reconnects": reconnects, "cold_asks": cold, "cold_ask_rate": cold_rate,
                         "only_asks": [p["person_id"] for p in per_contact]}}

    # 2. Conversations focused on your needs: A/G, weighted by age; their asks you answered with a give.
    def omega(t: dict) -> float:
        return 2.0 ** (-(today - t["day"]).days / ins.EVIDENCE_HALF_LIFE)

    a_w = sum(omega(t) for t in asks)
    g_w = sum(omega(t) for t in gives)
    ag = a_w / g_w if g_w else (float("inf") if a_w else None)
    their_asks = [t for t in win if t["direction"] == "them" and t["kind"] == "ask"]
    answered, unanswered, decided = 0, [], 0
    for t in their_asks:
        if any(u["direction"] == "me" and u["kind"] == "give"
               and t["day"] <= u["day"] <= t["day"] + timedelta(days=ins.RECIPROCATE_DAYS)
               for u in by_person[t["person_id"]]):
            answered += 1
            decided += 1
        else:
            unanswered.append(t)
            decided += (today - t["day"]).days >= ins.RECIPROCATE_DAYS  # younger ones are still open
    recip_rate = answered / decided if decided else None
    recip_flag = recip_rate is not None and decided >= 2 and recip_rate < 0.5
    level2 = ins._worst(ins._level(ag, 1, 2), "amber" if recip_flag else "ok")
    if unanswered:
        t = max(unanswered, key=lambda u: u["day"])
        action2 = f"{name(t['person_id'])} asked you for something on {ins._day_text(t['day'])}: see how you can help."
        target2 = t["person_id"]
    elif level2 != "ok" and most_asked:
        action2 = f"Offer {name(most_asked)} something (an introduction, an article) before asking again."
        target2 = most_asked
    else:
        action2, target2 = "Keep asking about their work and goals as much as you talk about yours.", None
    ag_text = "no gives yet" if ag == float("inf") else "no asks" if ag is None else f"{ag:.1f} asks per give"
    summary2 = f"Asks against gives: {ag_text} ({len(asks)} asks, {len(gives)} gives)"
    if their_asks:
        summary2 += f"; you answered {answered} of their {len(their_asks)} asks with a give"
    sign2 = {"key": "own_needs", "sign": ins.SIGNS["own_needs"], "level": level2, "summary": summary2 + ".",
             "action": action2, "person_id": target2,
             "metrics": {"ask_give_ratio": ag, "their_asks": len(their_asks), "reciprocated": answered,
                         "reciprocated_rate": recip_rate}}

    # 3. Rarely following up after you got what you wanted.
    def is_help(t: dict) -> bool:
        return (t["direction"] == "them" and t["kind"] == "give") or (
            t["direction"] == "me" and t["kind"] == "ask" and t["responded"] is True)

    def thanked(e: dict) -> bool:
        return any(u is not e and u["direction"] == "me" and is_thank_you(u)
                   and e["day"] <= u["day"] <= e["day"] + timedelta(days=THANK_YOU_DAYS)
                   for u in by_person[e["person_id"]])

    help_events = [t for t in win if is_help(t) and (today - t["day"]).days >= THANK_YOU_DAYS]
    on_time = [e for e in help_events if thanked(e)]
    ty_rate = len(on_time) / len(help_events) if help_events else None
    ghost_start, ghost_end = today - timedelta(days=2 * window - 1), start
    old_help = [t for t in log if is_help(t) and ghost_start <= t["day"] < ghost_end]
    ghosted = []
    for e in old_help:
        followed = any(u is not e and u["direction"] == "me" and u["kind"] != "ask"
                       and e["day"] <= u["day"] <= e["day"] + timedelta(days=ins.GHOST_DAYS)
                       and (u["day"] > e["day"] or is_thank_you(u)) for u in by_person[e["person_id"]])
        if not followed:
            ghosted.append(e)
    ghost_rate = len(ghosted) / len(old_help) if old_help else None
    ghost_flag = ghost_rate is not None and len(old_help) >= 2 and ghost_rate > 0.3
    level3 = ins._worst(ins._level(ty_rate, 0.8, 0.5, higher_is_worse=False), "amber" if ghost_flag else "ok")
    thanked_ids = {id(e) for e in on_time}
    unthanked = sorted((e for e in help_events if id(e) not in thanked_ids), key=lambda e: e["day"], reverse=True)
    if unthanked:
        e = unthanked[0]
        action3 = (f"Thank {name(e['person_id'])} for their help on {ins._day_text(e['day'])}: "
                   "a late thank-you still counts.")
        target3 = e["person_id"]
    elif ghost_flag:
        e = max(ghosted, key=lambda g: g["day"])
        action3 = f"Get back in touch with {name(e['person_id'])} and tell them how their help turned out."
        target3 = e["person_id"]
    else:
        action3, target3 = "Keep thanking people within 48 hours: it doubles the chance they help again.", None
    summary3 = (f"{len(on_time)} of {len(help_events)} favors thanked within 48 hours" if help_events
                else "No favors to thank in this window")
    if old_help:
        summary3 += f"; {len(ghosted)} of {len(old_help)} older favors were followed by silence"
    sign3 = {"key": "no_follow_up", "sign": ins.SIGNS["no_follow_up"], "level": level3, "summary": summary3 + ".",
             "action": action3, "person_id": target3,
             "metrics": {"help_events": len(help_events), "thanked_on_time": len(on_time), "thank_you_rate": ty_rate,
                         "older_help_events": len(old_help), "ghosted": len(ghosted), "ghosting_rate": ghost_rate}}

    # 4. Not offering value: give share, and give coverage of Core + Active contacts over 180 days.
    give_share = len(gives) / initiated
    cover_start = today - timedelta(days=ins.COVERAGE_DAYS - 1)
    key_people = [pid for pid, p in people.items() if p.get("tier") in ("core", "active") and not p.get("archived")]
    given = {t["person_id"] for t in log if t["direction"] == "me" and t["kind"] == "give"
             and cover_start <= t["day"] <= today}
    covered = [pid for pid in key_people if pid in given]
    coverage = len(covered) / len(key_people) if key_people else None
    cover_flag = coverage is not None and coverage < 0.5
    level4 = ins._worst(ins._level(give_share, 0.25, 0.10, higher_is_worse=False), "amber" if cover_flag else "ok")
    uncovered = [pid for pid in key_people if pid not in given]
    last_touch = {pid: h[-1]["day"] for pid, h in by_person.items()}
    uncovered.sort(key=lambda pid: (-asks_by_person.get(pid, 0), -(last_touch.get(pid, date.min).toordinal()),
                                    name(pid)))
    if level4 != "ok" and uncovered:
        action4, target4 = f"Share something useful with {name(uncovered[0])} before your next ask.", uncovered[0]
    elif level4 != "ok" and most_asked:
        action4, target4 = f"Share something useful with {name(most_asked)} before your next ask.", most_asked
    else:
        action4, target4 = "Keep sharing articles, introductions and congratulations.", None
    summary4 = f"{len(gives)} of the {initiated} messages you started gave something ({ins._pct(give_share)})"
    if key_people:
        summary4 += (f"; {len(covered)} of your {len(key_people)} core and active contacts received a give in "
                     f"the last {ins.COVERAGE_DAYS} days")
    sign4 = {"key": "no_value", "sign": ins.SIGNS["no_value"], "level": level4, "summary": summary4 + ".",
             "action": action4, "person_id": target4,
             "metrics": {"give_share": give_share, "gives": len(gives), "key_contacts": len(key_people),
                         "covered": len(covered), "coverage": coverage}}

    for s in (sign1, sign2, sign3, sign4):
        s["person_name"] = name(s["person_id"]) if s["person_id"] else ""
    return {"ready": True, "initiated": initiated, "needed": 0, "window": window, "headline": headline,
            "signs": [sign1, sign2, sign3, sign4], "per_contact": per_contact}


def reference_most_taken(asks: Counter, gives: Counter) -> int | None:
    """The person you asked most without giving back (asks minus gives), if any."""
    ranked = sorted(asks, key=lambda pid: (-(asks[pid] - gives.get(pid, 0)), -asks[pid], pid))
    return ranked[0] if ranked else None


def reference_people(db) -> dict[int, dict]:
    cadences = get_cadences(db)
    return {p["id"]: {"name": p["name"], "tier": p["tier"], "archived": bool(p["archived_at"]),
                      "cadence": cadence_for(p, cadences)}
            for p in rows(db, "select id, name, tier, cadence_days, archived_at from people")}


def reference_neglect(db, today: date, limit: int = 10) -> dict:
    """The article's neglect signs: people met and never followed up, past their cadence, channel variety."""
    conv = ",".join(f"'{c}'" for c in sorted(CONVERSATION_CHANNELS))
    natures = ",".join(f"'{n}'" for n in sorted(CONVERSATION_NATURES))
    met = rows(db, (
        "with met as (select person_id, max(day) as met_on from ("
        f"  select person_id, day from interactions where channel in ({conv}) or nature in ({natures})"
        "   union all select ep.person_id, e.day from event_people ep join events e on e.id = ep.event_id"
        ") group by person_id) "
        "select p.id as person_id, p.name, m.met_on, count(*) over () as total "
        "from met m join people p on p.id = m.person_id "
        "where p.archived_at is null and m.met_on <= ? and not exists (select 1 from interactions i "
        "  where i.person_id = m.person_id and i.direction = 'me' and (i.day > m.met_on or (i.day = m.met_on "
        "  and (i.nature = 'thank_you' or i.tags like '%thank_you%')))) "
        "order by m.met_on desc, p.name collate nocase limit ?"),
        [(today - timedelta(days=THANK_YOU_DAYS)).isoformat(), limit])
    met_count = met[0]["total"] if met else 0
    for m in met:
        m["days_ago"] = (today - date.fromisoformat(m["met_on"])).days
        del m["total"]
    # Most important tier first, then the longest overdue, then by name; counted and bounded in SQL.
    tier_rank = "case p.tier " + " ".join(f"when '{t}' then {i}" for t, i in ins.TIER_ORDER.items()) + " else 5 end"
    overdue = rows(db, (
        "select p.id as person_id, p.name, p.tier, f.due, count(*) over () as total "
        "from followups f join people p on p.id = f.person_id "
        "where f.reason = 'check_in' and f.status = 'open' and f.due < ? and p.archived_at is null "
        f"order by {tier_rank}, f.due, p.name limit ?"), [today.isoformat(), limit])
    overdue_count = overdue[0]["total"] if overdue else 0
    for o in overdue:
        o["days_overdue"] = (today - date.fromisoformat(o["due"])).days
        del o["total"]

    since = today - timedelta(days=ins.WINDOW - 1)
    by_channel = Counter()
    per_person: dict[int, Counter] = defaultdict(Counter)
    for r in rows(db, "select i.person_id, i.channel, p.name from interactions i join people p on p.id = i.person_id "
                      "where i.direction = 'me' and i.day between ? and ?", [since.isoformat(), today.isoformat()]):
        by_channel[r["channel"]] += 1
        per_person[(r["person_id"], r["name"])][ins.CHANNEL_GROUPS.get(r["channel"], "written")] += 1
    total = sum(by_channel.values())
    groups = Counter()
    for ch, n in by_channel.items():
        groups[ins.CHANNEL_GROUPS.get(ch, "written")] += n
    top, top_n = (by_channel.most_common(1)[0] if by_channel else ("", 0))
    top_share = top_n / total if total else None
    variety_flag = total >= ins.MIN_INITIATED and (top_share > 0.7 or len(groups) < 2)
    written_only = sorted(((pid, nm) for (pid, nm), c in per_person.items()
                           if c["written"] >= 2 and not c["voice"] and not c["in person"]),
                          key=lambda x: (-per_person[x]["written"], x[1]))
    if variety_flag and written_only:
        action = (f"Try a call or a coffee with {written_only[0][1]}: so far it has all been in writing. The article: "
                  "vary email, phone, social and in person.")
    elif variety_flag:
        action = "Vary how you reach people: mix email with a call, a comment on social, or a coffee."
    else:
        action = ""
    return {
        "never_followed_up": met, "never_followed_up_count": met_count,
        "past_cadence": overdue, "past_cadence_count": overdue_count,
        "channels": [{"channel": ch, "label": CHANNEL_LABELS.get(ch, ch), "touches": n}
                     for ch, n in by_channel.most_common()],
        "channel_groups": dict(groups), "top_channel": top, "top_share": top_share, "variety_flag": variety_flag,
        "variety_action": action, "variety_person_id": written_only[0][0] if variety_flag and written_only else None,
    }


def reference_victories(db, today: date) -> dict:
    """Small victories worth celebrating: budget streaks, people who moved up, thank-yous on time."""
    current, best = ins.streaks(ins.weekly_touches(db, today, weeks=26))
    since = today - timedelta(days=29)
    rank = {s: i for i, s in enumerate(STAGES)}
    moved = [m for m in rows(db, (
        "select s.person_id, p.name, s.day, s.from_stage, s.to_stage from stage_changes s "
        "join people p on p.id = s.person_id where s.day >= ? and p.archived_at is null "
        "order by s.day desc, s.id desc"), [since.isoformat()])
        if rank.get(m["to_stage"], 0) > rank.get(m["from_stage"], 0) and m["to_stage"] != "contacted"]
    start = today - timedelta(days=ins.WINDOW - 1)
    log = reference_touch_rows(db, start)  # what counts is in the window, and thanks come after what they thank for
    by_person: dict[int, list[dict]] = defaultdict(list)
    for t in log:
        by_person[t["person_id"]].append(t)
    conversations = on_time = 0
    for t in log:
        if not (start <= t["day"] <= today) or is_thank_you(t):
            continue
        if t["channel"] in CONVERSATION_CHANNELS or t["nature"] in CONVERSATION_NATURES:
            conversations += 1
            on_time += any(u["direction"] == "me" and is_thank_you(u)
                           and t["day"] <= u["day"] <= t["day"] + timedelta(days=THANK_YOU_DAYS)
                           for u in by_person[t["person_id"]])
    messages = []
    if current >= 1:
        messages.append(f"{current} week{'s' if current != 1 else ''} in a row within your networking budget.")
    elif best:
        messages.append(f"Your best run: {best} week{'s' if best != 1 else ''} in a row within your budget.")
    if moved:
        names = ", ".join(m["name"] for m in moved[:3])
        more = f" and {len(moved) - 3} more" if len(moved) > 3 else ""
        messages.append(f"{len(moved)} relationship{'s' if len(moved) != 1 else ''} moved up a stage this month: "
                        f"{names}{more}.")
    if on_time:
        messages.append(f"{on_time} of {conversations} conversations thanked within 48 hours in the last "
                        f"{ins.WINDOW} days.")
    return {"streak": current, "best_streak": best, "moved_up": moved, "thank_yous_on_time": on_time,
            "conversations": conversations, "messages": messages}


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
