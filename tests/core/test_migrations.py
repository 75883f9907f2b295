"""The rules the schema encodes in SQL say what the Python says: the packed evidence column and its rebuild."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import evidence_sql, memory_db, rebuild_evidence, rows, scalar
from core.vocab import CHANNELS, CONVERSATION_NATURES, NATURES, is_conversation

CONVERSATION_BIT = 8
SOME_CHANNELS = st.sampled_from([*sorted(CHANNELS), "", "carrier pigeon", "VIDEO"])
SOME_NATURES = st.sampled_from(sorted(NATURES) + sorted(CONVERSATION_NATURES) + ["", "chat", "Coffee"])


def person(db) -> int:
    return db.table("people").insert({"name": "Ana Reyes", "created_at": "x", "updated_at": "x"}).last_pk


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(SOME_CHANNELS, SOME_NATURES), min_size=1, max_size=20))
def test_the_evidence_trigger_marks_a_conversation_exactly_when_vocab_is_conversation_says_so(touches):
    db = memory_db()
    pid = person(db)
    db.table("interactions").insert_all([
        {"person_id": pid, "day": "2026-11-20", "channel": channel, "direction": "me", "kind": "neutral",
         "nature": nature, "created_at": "x"} for channel, nature in touches])

    stored = rows(db, "select channel, nature, evidence from interactions order by id")

    assert [bool(r["evidence"] & CONVERSATION_BIT) for r in stored] == [is_conversation(c, n) for c, n in touches]


def test_rebuild_evidence_puts_back_what_the_rule_computes_and_counts_the_rows_it_fixed(db):
    pid = person(db)
    db.table("interactions").insert_all([
        {"person_id": pid, "day": f"2026-11-{d:02d}", "channel": channel, "direction": "them", "kind": "give",
         "nature": "", "created_at": "x"} for d, channel in ((1, "video"), (2, "email"), (3, "in_person"))])
    right = [r["evidence"] for r in rows(db, "select evidence from interactions order by id")]
    db.execute("update interactions set evidence = 0 where channel != 'email'")

    fixed = rebuild_evidence(db)

    assert fixed == 2
    assert [r["evidence"] for r in rows(db, "select evidence from interactions order by id")] == right
    assert scalar(db, f"select count(*) from interactions where evidence is not {evidence_sql()}") == 0
    assert rebuild_evidence(db) == 0
