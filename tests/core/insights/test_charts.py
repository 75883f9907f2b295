"""Charts (core.insights.charts): bands over time, gives and asks by month, weekly minutes against the
budget, the stage funnel."""

from collections import Counter
from datetime import date

from core import insights as ins
from core.db import rows, scalar
from core.interactions import log_interaction
from core.people import add_person
from core.scoring import band, score_log
from core.settings import save_budget_minutes


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
