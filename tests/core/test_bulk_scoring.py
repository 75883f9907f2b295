"""Bulk scoring gives exactly what score() gives: value, status, confidence and reason, for everyone."""

import json
import random
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.bulk_scoring import CONVERSATION, DIRECTIONS, INFO, KINDS, ODD, THANKS, score_arrays
from core.db import evidence_sql, memory_db, rows, scalar
from core.demo import generate_demo
from core.relationships import BULK_FROM, refresh_people, score_person
from core.scoring import Touch, score_log
from tests.core.test_scoring import BRIEF, HEALTHY_MENTOR, INFO_NO_THANKS, ONE_SIDED, TRANSACTIONAL, t, ty

TODAY = date(2026, 11, 27)


def pure(touches, cadence):
    s = score_log(touches, cadence, TODAY)
    return s.value, s.status, s.confidence, s.reason


def bulk(logs, cadences):
    """Each person's (value, status, confidence, reason) from score_arrays(), as the app scores everyone (the
    people it leaves to score_log() scored there): person -> touches in log order, person -> cadence."""
    ids = list(logs)
    columns = [(i, (TODAY - x.day).days, DIRECTIONS.get(x.direction, ODD), KINDS.get(x.kind, ODD),
                1 if x.responded is True else 2 if x.responded is False else 0,
                THANKS * ("thank_you" in x.tags) + INFO * ("informational_interview" in x.tags)
                + CONVERSATION * x.conversation)
               for i, pid in enumerate(ids) for x in logs[pid]]
    arrays = [np.array(column, dtype=np.int64) for column in zip(*columns, strict=True)] if columns else \
        [np.zeros(0, dtype=np.int64)] * 6
    results, fallback = score_arrays(*arrays, [cadences[pid] for pid in ids])
    return {pid: pure(logs[pid], cadences[pid]) if fallback[i] else results[i][:4] for i, pid in enumerate(ids)}


# Ages cluster in the last fortnight (thank-you windows, reply windows, same-day ties) and spread
# over three years (decay, dormancy); a few are in the future.
ages = st.one_of(st.integers(-3, 16), st.integers(0, 1200))
touches = st.builds(
    Touch,
    day=ages.map(lambda a: TODAY - timedelta(days=a)),
    direction=st.sampled_from(["me", "me", "them", "unknown"]),
    kind=st.sampled_from(["give", "ask", "neutral"]),
    responded=st.sampled_from([None, True, False]),
    tags=st.frozensets(st.sampled_from(["thank_you", "informational_interview", "referral"]), max_size=2),
    conversation=st.booleans(),
)
cadences = st.one_of(st.sampled_from([14, 30, 90, 180]), st.integers(1, 400))
people = st.lists(st.tuples(st.lists(touches, max_size=14), cadences), min_size=1, max_size=25)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(people)
def test_bulk_and_pure_scores_agree_on_random_logs(logs):
    by_id = {i: log for i, (log, _) in enumerate(logs)}
    cadence = {i: c for i, (_, c) in enumerate(logs)}

    got = bulk(by_id, cadence)

    assert got == {i: pure(by_id[i], cadence[i]) for i in by_id}


@given(st.lists(touches, min_size=1, max_size=6), cadences)
@settings(max_examples=50, deadline=None)
def test_one_crowded_day_is_scored_the_same(day_touches, cadence):
    # Everything on one day: the order among same-day touches decides the guardrail and the clauses.
    same_day = [Touch(TODAY - timedelta(days=9), x.direction, x.kind, x.responded, x.tags, x.conversation)
                for x in day_touches]

    assert bulk({1: same_day}, {1: cadence})[1] == pure(same_day, cadence)


@pytest.mark.parametrize("same_day", [
    # score() takes an unanswered message before one whose reply is unknown: the run is 3, capped.
    [t(10, "me", "ask", False)] * 3 + [t(10, "me", "ask", None)],
    # ...and an answered one before both: the run is broken at once.
    [t(10, "me", "neutral", False)] * 3 + [t(10, "me", "neutral", True)],
    # Their messages come before yours on the same day, and unknown directions before theirs.
    [t(8, "them", "neutral", False)] * 2 + [t(8, "unknown", "neutral", None), t(8, "me", "ask", False)],
], ids=["unanswered-before-unknown", "answered-first", "directions"])
def test_touches_on_the_same_day_are_taken_in_scores_order(same_day):
    assert bulk({1: same_day}, {1: 30})[1] == pure(same_day, 30)


def test_three_unanswered_on_one_day_cap_the_score_in_bulk_too():
    # An earlier answer from them makes it two-way (§4.8.2), so the guardrail's 45 is the cap, not one-way's 40.
    same_day = [t(30, "them", "neutral", True)] + [t(10, "me", "neutral", False)] * 3 + [t(10, "me", "neutral", None)]

    value, _, _, reason = bulk({1: same_day}, {1: 30})[1]

    assert value == 45
    # The fourth one's reply was unknown: ten days of silence since make it unanswered too (§4.8.1).
    assert reason.endswith("unanswered ×4: your last 4 messages went unanswered — pause and offer value.")


@pytest.mark.parametrize(("touches", "cadence"), [
    (HEALTHY_MENTOR, 30), (BRIEF, 30), ([t(1, "me", "neutral", True)], 90), (INFO_NO_THANKS, 90),
    ([*INFO_NO_THANKS, ty(4)], 90), (TRANSACTIONAL, 90), (ONE_SIDED, 30), ([], 30),
], ids=["1-healthy-mentor", "2-brief", "3-just-met", "4-info-no-thanks", "4b-thanked", "5-transactional",
        "6-one-sided", "no-touches"])
def test_the_worked_examples_score_the_same_in_bulk(touches, cadence):
    assert bulk({7: touches}, {7: cadence})[7] == pure(touches, cadence)


def test_the_worked_examples_keep_their_sentences_in_bulk():
    got = bulk({1: BRIEF, 2: ONE_SIDED, 3: INFO_NO_THANKS}, {1: 30, 2: 30, 3: 90})

    # Read as a log (score_log), the brief's two thank-yous stay without a reply expected (a thank-you, like
    # a give, asks for no answer): the same 63 as score() and §5.
    assert got[1][3] == ("Score 63: last touch 40 days ago (cadence 30d, overdue by 10d); "
                         "you asked 3× and gave 1× in the last 12 months.")
    assert got[2][0] == 45 and "unanswered ×3: your last 3 messages went unanswered" in got[2][3]
    assert "thank-you for your informational interview is 3d overdue" in got[3][3]


def test_two_unthanked_favours_tied_at_the_top_are_left_to_score():
    # Same day, same direction, kind and reply: only the tags tell them apart in score()'s order.
    tied = [t(4, "them", "give", True), t(4, "them", "give", True, "informational_interview")]

    assert bulk({1: tied}, {1: 30})[1] == pure(tied, 30)


def stored(db):
    return {r["person_id"]: (r["score"], r["score_status"], r["score_confidence"], r["score_reason"])
            for r in rows(db, "select * from scores")}


def reference(db, today=TODAY):
    out = {}
    for person in rows(db, "select * from people"):
        s = score_person(db, person, today)
        out[person["id"]] = (s.value, s.status, s.confidence, s.reason)
    return out


def test_the_demo_is_scored_in_bulk_as_score_would_score_it(demo_db):
    refresh_people(demo_db, TODAY)

    assert demo_db.table("people").count >= BULK_FROM
    assert stored(demo_db) == reference(demo_db)


def test_a_larger_demo_is_scored_in_bulk_as_score_would_score_it():
    db = memory_db()
    generate_demo(db, TODAY, people=400, touches_per_person=8, span_days=400)

    assert stored(db) == reference(db)


def add_people(db, n):
    db.table("people").insert_all(
        [{"id": i, "name": f"P{i}", "tier": random.Random(i).choice(["active", "core", "network", "acquaintance"]),
          "created_at": "2026-01-01", "updated_at": "2026-01-01"} for i in range(1, n + 1)])


def add_odd_log(db, n, seed=5):
    # Rows an import or a hand edit could leave: unknown directions and kinds, an empty kind, tags
    # beyond the known ones, tags that are not a list, natures that count as tags, future days.
    rng = random.Random(seed)
    add_people(db, n)
    db.execute("update people set cadence_days = 3 where id % 7 = 0")
    db.execute("update people set archived_at = '2026-01-01' where id % 11 = 0")
    records = []
    for pid in range(1, n + 1):
        for _ in range(rng.randint(0, 12)):
            odd = pid % 10 == 0
            records.append({
                "person_id": pid, "day": (TODAY - timedelta(days=rng.choice([rng.randint(-2, 12),
                                                                               rng.randint(0, 900)]))).isoformat(),
                "channel": "email",
                "direction": rng.choice(["me", "them", "unknown", "sideways" if odd else "me"]),
                "kind": rng.choice(["give", "ask", "neutral", "", "favour" if odd else "ask"]),
                "nature": rng.choice(["", "", "thank_you", "informational_interview", "referral"]),
                "responded": rng.choice([None, 0, 1]),
                "tags": rng.choice(['[]', '["thank_you"]', '["informational_interview", "x"]', '["thank_you", "y"]',
                                    '"thank_you"' if odd else '[]']),
                "created_at": "2026-01-01"})
    db.table("interactions").insert_all(records)


def test_odd_rows_in_the_database_are_scored_as_score_would_score_them(db):
    add_odd_log(db, 120)

    assert refresh_people(db, TODAY) == 120
    assert stored(db) == reference(db)


def test_the_stored_evidence_follows_every_edit_and_is_recomputed_where_missing(db):
    add_odd_log(db, 80, seed=9)
    db.execute("update interactions set day = date(day, '-30 days'), tags = '[\"thank_you\"]' where id % 3 = 0")
    db.execute("update interactions set direction = 'them', responded = null where id % 5 = 0")
    db.execute("update interactions set nature = 'informational_interview', channel = 'video' where id % 7 = 0")

    assert scalar(db, f"select count(*) from interactions where evidence is not {evidence_sql()}") == 0
    refresh_people(db, TODAY)
    assert stored(db) == reference(db)

    db.execute("update interactions set evidence = null where id % 2 = 0")  # as if a trigger had been lost
    refresh_people(db, TODAY + timedelta(days=3))
    assert stored(db) == reference(db, TODAY + timedelta(days=3))


def python_tag_bits(tags):
    """What score() makes of a tags text, as the evidence's tag bits."""
    if not tags:
        return 0
    try:
        found = json.loads(tags)
    except ValueError:
        return 4
    if not isinstance(found, list) or not all(isinstance(t, str) for t in found):
        return 4
    return ("thank_you" in found) + 2 * ("informational_interview" in found)


@pytest.mark.parametrize("tags", [
    "[]", "[ ]", "", '["thank_you"]', '["informational_interview", "thank_you"]', '["x", "informational_interview"]',
    '["thank_you_later"]', "not json", '"thank_you"', "[1]", '["thank_you", 2]', '{"thank_you": 1}', "[null]",
    '["th\\u0061nk_you"]', "[[\"thank_you\"]]",
])
def test_the_tag_bits_in_sql_are_what_python_reads(db, tags):
    db.table("people").insert({"id": 1, "name": "A", "created_at": "x", "updated_at": "x"})
    db.table("interactions").insert({"person_id": 1, "day": "2026-11-20", "channel": "email", "direction": "me",
                                     "kind": "give", "tags": tags, "created_at": "x"})

    assert scalar(db, "select evidence & 7 from interactions") == python_tag_bits(tags)


def test_a_subset_is_scored_in_bulk_and_the_rest_left_alone(db):
    add_people(db, 60)
    db.table("interactions").insert_all([
        {"person_id": pid, "day": (TODAY - timedelta(days=pid)).isoformat(), "channel": "email",
         "direction": "me", "kind": "give", "responded": 1, "tags": json.dumps([]), "created_at": "2026-01-01"}
        for pid in range(1, 61)])

    assert refresh_people(db, TODAY, range(1, 51)) == 50

    scores = stored(db)
    assert all(scores[pid][0] is not None for pid in range(1, 51))
    assert all(scores[pid][0] is None for pid in range(51, 61))
    assert {pid: scores[pid] for pid in range(1, 51)} == {pid: v for pid, v in reference(db).items() if pid <= 50}


def test_values_on_past_days_are_the_scores_as_they_stood_then():
    from core.bulk_scoring import touches_of, values_on
    from core.relationships import cadence_for
    from core.settings import get_cadences

    db = memory_db()
    generate_demo(db, TODAY, people=150, touches_per_person=6, span_days=300)
    db.execute("update interactions set direction = 'sideways' where id % 97 = 0")  # left to score()
    people = rows(db, "select id, tier, cadence_days, archived_at from people")
    ids = [p["id"] for p in people]
    cadences = [cadence_for(p, get_cadences(db)) or 180 for p in people]
    days = [TODAY - timedelta(days=n) for n in (0, 31, 95, 250, 400)]
    touches = touches_of(db, ids)

    got = values_on(db, days, ids, cadences, everyone=True)

    assert got == {day: [score_log(touches.get(pid, []), c, day).value for pid, c in zip(ids, cadences, strict=True)]
                   for day in days}
    assert got[days[-1]].count(None) > got[days[0]].count(None)  # fewer people were in touch back then


def test_a_component_exactly_at_its_neutral_prior_reads_the_same_in_bulk():
    log = [Touch(TODAY, "me", "give", True, frozenset())] + [Touch(TODAY, "me", "ask", True, frozenset())] * 3

    assert bulk({1: log}, {1: 30})[1] == pure(log, 30)
    assert "you gave 1× and asked 3×" in bulk({1: log}, {1: 30})[1][3]
