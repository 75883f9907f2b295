"""Victories (core.insights.victories): budget streaks, people who moved up a stage, thank-yous on time."""

from datetime import timedelta

import pytest

from core import insights as ins
from core.interactions import log_interaction
from core.people import add_person, set_stage
from core.settings import save_budget_minutes
from tests.core.insights.reference import reference_victories


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


def test_victories_read_only_the_window_and_count_the_same(demo_db, today):
    fast = ins.victories(demo_db, today)

    assert fast == reference_victories(demo_db, today)
    assert fast["conversations"] > 0
    assert fast["thank_yous_on_time"] > 0
