"""What the user's own opportunities say: where they came from and how far each source got, and how many
referral asks went to relationships that were one-way or cold at the time."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from core.db import rows
from core.opportunities.pipeline import SOURCES, STAGES

# The steps of the funnel, in order: a source's opportunities that reached each.
SOURCE_STEPS = ("applied", "interviewing", "offer", "hired")
COLD_AFTER_DAYS = 180  # no touch in the half-year before an ask: the relationship had gone cold


def source_funnel(db: Database) -> list[dict]:
    """For each source with opportunities: {"source", "label", "total", "applied", "interviewing", "offer",
    "hired"}, each step counting those that reached it (by the furthest open stage in their timeline, or
    hired), in the order of SOURCES."""
    rank = "case t.to_stage " + " ".join(f"when '{s}' then {i}" for i, s in enumerate(STAGES[:-1])) + " else -1 end"
    found = rows(db, (
        f"select o.source, o.closed_reason, max(coalesce(({rank}), -1)) as furthest from opportunities o "
        "left join opportunity_timeline t on t.opportunity_id = o.id and t.kind = 'stage' group by o.id"))
    by_source: dict[str, dict] = {}
    for r in found:
        entry = by_source.setdefault(r["source"], {"source": r["source"], "total": 0,
                                                   **{step: 0 for step in SOURCE_STEPS}})
        entry["total"] += 1
        hired = r["closed_reason"] == "hired"
        for step in SOURCE_STEPS[:-1]:
            if hired or r["furthest"] >= STAGES.index(step):
                entry[step] += 1
        entry["hired"] += int(hired)
    ordered = [by_source[s] for s in SOURCES if s in by_source] + [
        e for s, e in by_source.items() if s not in SOURCES]
    for e in ordered:
        e["label"] = SOURCES.get(e["source"], e["source"])
    return ordered


def referral_asks_to_cold(db: Database, today: date, days: int | None = None) -> dict:
    """Referral asks you made (nature 'referral', from you), and how many went to a relationship that was
    one-way (no reply, incoming touch or conversation with them before the ask) or cold (no touch in the
    COLD_AFTER_DAYS before it). {"asks", "cold", "people": [{"id", "name", "day", "why"}] newest first}.
    `days` limits it to the asks of the last `days` days."""
    since = (today - timedelta(days=days)).isoformat() if days else "0000"
    found = rows(db, (
        "select i.id, i.person_id, i.day, p.name, "
        "exists(select 1 from interactions j where j.person_id = i.person_id and j.day < i.day and "
        # evidence bit 8: a conversation, as vocab.is_conversation says (core.migrations.evidence_sql)
        "(j.direction = 'them' or j.responded = 1 or j.evidence & 8)) "
        "as two_way, (select max(j.day) from interactions j where j.person_id = i.person_id and j.day < i.day) "
        "as last_before from interactions i join people p on p.id = i.person_id "
        "where i.nature = 'referral' and i.direction = 'me' and i.day >= ? order by i.day desc, i.id desc"), [since])
    cold = []
    for r in found:
        ask_day = date.fromisoformat(r["day"])
        if not r["two_way"]:
            why = "one-way: they had never replied or talked with you"
        elif r["last_before"] is None or (ask_day - date.fromisoformat(r["last_before"])).days > COLD_AFTER_DAYS:
            why = f"cold: no touch in the {COLD_AFTER_DAYS} days before"
        else:
            continue
        cold.append({"id": r["person_id"], "name": r["name"], "day": r["day"], "why": why})
    return {"asks": len(found), "cold": len(cold), "people": cold}
