"""Insights on small hand-built logs whose numbers are known: the self-audit, neglect, charts, victories."""

import math
from collections import Counter
from datetime import date, timedelta

import pytest

from core import insights as ins
from core.db import rows, scalar
from core.events import add_event, add_person_met
from core.interactions import log_interaction
from core.people import add_person, set_stage
from core.scoring import band, score
from core.settings import save_budget_minutes

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


def sign(result, key):
    return next(s for s in result["signs"] if s["key"] == key)


# --- The gate ---------------------------------------------------------------------------------


def test_the_audit_waits_for_five_touches_you_started_and_says_how_many_more():
    log = [t(1, 1), t(1, 2), t(2, 3), t(2, 4, direction="them"), t(3, 100)]

    assert ins.audit_log(log, PEOPLE, TODAY) == {"ready": False, "initiated": 3, "needed": 2, "window": 90}


# --- 1. Only reaching out when you need a favor -----------------------------------------------


def test_ask_share_and_the_relational_ratio_are_counted_over_your_own_touches():
    log = [t(3, a, kind="ask") for a in (1, 2, 3, 4, 5, 6)] + [
        t(3, 7, kind="give"), t(3, 8, kind="give"), t(3, 9), thanks(3, 10), t(3, 11, direction="them", kind="ask")]

    result = ins.audit_log(log, PEOPLE, TODAY)

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

    assert sign(ins.audit_log(red, PEOPLE, TODAY), "only_when_needed")["level"] == "red"
    assert sign(ins.audit_log(fine, PEOPLE, TODAY), "only_when_needed")["level"] == "ok"


def test_reconnections_that_open_with_an_ask_are_flagged_from_three():
    log = [
        t(1, 100), t(1, 60, kind="ask"), t(1, 20, kind="ask"), t(1, 15, kind="give"),  # 2 cold asks (gaps 40, 40)
        t(2, 80), t(2, 40),  # 1 reconnection with a check-in; the first touch is not a reconnection
    ]

    one = sign(ins.audit_log(log, PEOPLE, TODAY), "only_when_needed")

    assert (one["metrics"]["reconnects"], one["metrics"]["cold_asks"]) == (3, 2)
    assert one["metrics"]["cold_ask_rate"] == pytest.approx(2 / 3)
    assert one["level"] == "amber"
    assert "2 of 3 reconnections opened with an ask" in one["summary"]


def test_a_contact_whose_last_three_messages_from_you_were_asks_is_named():
    log = [t(4, 50, kind="give"), t(4, 30, kind="ask"), t(4, 20, kind="ask"), t(4, 10, kind="ask"),
           t(3, 5), t(3, 6), t(3, 7)]

    result = ins.audit_log(log, PEOPLE, TODAY)

    assert [p["name"] for p in result["per_contact"]] == ["Di"]
    one = sign(result, "only_when_needed")
    assert one["action"].startswith("Before your next ask to Di, check in or share something useful")
    assert one["person_id"] == 4


# --- 2. Conversations focused on your needs ----------------------------------------------------


def test_asks_against_gives_are_weighted_by_age():
    log = [t(3, 0, kind="ask"), t(3, 0, kind="ask"), t(3, 36, kind="give"), t(3, 1), t(3, 2)]

    two = sign(ins.audit_log(log, PEOPLE, TODAY), "own_needs")

    assert two["metrics"]["ask_give_ratio"] == pytest.approx(2 / 2 ** (-36 / 180))  # 2.297
    assert two["level"] == "red"
    assert "2.3 asks per give" in two["summary"]


def test_asks_without_any_give_read_as_no_gives_yet():
    log = [t(3, a, kind="ask") for a in (1, 2)] + [t(3, a) for a in (3, 4, 5)]

    two = sign(ins.audit_log(log, PEOPLE, TODAY), "own_needs")

    assert two["metrics"]["ask_give_ratio"] == math.inf
    assert "no gives yet" in two["summary"]


def test_their_asks_answered_by_a_give_within_two_weeks():
    log = [t(3, a) for a in (1, 2, 3, 4, 5)] + [
        t(1, 40, direction="them", kind="ask"), t(1, 35, kind="give"),  # answered
        t(2, 30, direction="them", kind="ask"),  # unanswered, decided
        t(4, 25, direction="them", kind="ask"),  # unanswered, decided
        t(5, 5, direction="them", kind="ask"),  # still open: not counted in the rate
    ]

    two = sign(ins.audit_log(log, PEOPLE, TODAY), "own_needs")

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

    three = sign(ins.audit_log(log, PEOPLE, TODAY), "no_follow_up")

    assert (three["metrics"]["thanked_on_time"], three["metrics"]["help_events"]) == (1, 3)
    assert three["level"] == "red"  # 1/3 < 0.5
    assert three["action"] == "Thank Bo for their help on 17 Nov: a late thank-you still counts."


def test_post_help_ghosting_looks_at_favors_90_to_180_days_old():
    log = [t(3, a) for a in range(1, 6)] + [
        t(1, 120, direction="them", kind="give"), t(1, 100),  # followed up
        t(2, 150, direction="them", kind="give"), t(2, 140, kind="ask"),  # only an ask after: ghosted
        t(4, 170, kind="ask", responded=True),  # silence: ghosted
    ]

    three = sign(ins.audit_log(log, PEOPLE, TODAY), "no_follow_up")

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

    four = sign(ins.audit_log(log, PEOPLE, TODAY), "no_value")

    assert four["metrics"]["give_share"] == pytest.approx(2 / 11)
    assert (four["metrics"]["covered"], four["metrics"]["key_contacts"]) == (1, 4)
    assert four["level"] == "amber"
    assert "1 of your 4 core and active contacts received a give" in four["summary"]
    assert four["action"] == "Share something useful with Bo before your next ask."


def test_a_generous_log_shows_every_sign_as_fine_with_encouragement_not_judgment():
    log = [t(pid, a, kind="give") for pid, a in ((1, 1), (2, 2), (4, 3), (5, 4))] + [
        t(3, 5, kind="ask", responded=True), thanks(3, 4), t(3, 6)]

    result = ins.audit_log(log, PEOPLE, TODAY)

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
        full = ins.audit_log(ins._touch_rows(db, on - timedelta(days=2 * window + ins.COVERAGE_DAYS)),
                             ins._people(db), on, window)
        assert ins.audit(db, on, window) == full
    assert ins.audit(db, on)["ready"]


def test_victories_read_only_the_window_and_count_the_same(demo_db, today, monkeypatch):
    fast = ins.victories(demo_db, today)
    monkeypatch.setattr(ins, "_touches_since", lambda db, since: ins._touch_rows(db, since))

    assert ins.victories(demo_db, today) == fast
    assert fast["conversations"] > 0


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
                expected[cp.isoformat(), band(score(log, cadence_for(p, get_cadences(demo_db)) or 180, cp).value)] += 1

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
