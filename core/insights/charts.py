"""The charts over time: score bands at month ends, gives and asks, weekly touches, the stage funnel."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlite_utils import Database

from core.bulk_scoring import values_on
from core.db import rows
from core.people import stage_counts
from core.relationships import cadence_for
from core.scoring import BANDS, band
from core.settings import get_budget_minutes, get_cadences
from core.vocab import STAGES

# --- Charts ------------------------------------------------------------------------------------


def month_ends(today: date, months: int = 6) -> list[date]:
    """The last day of each of the previous `months` months, then today."""
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        last = first - timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return [*sorted(ends), today]


def bands_over_time(db: Database, today: date, months: int = 6) -> list[dict]:
    """How many relationships were in each band at each month end (recomputed from the log).

    An approximation: today's tier and cadence are used for the past. Returns rows
    {month: 'YYYY-MM-DD', band, people}; people with no touch yet by that date are left out.
    """
    checkpoints = month_ends(today, months)
    cadences = get_cadences(db)
    people = rows(db, "select id, tier, cadence_days, archived_at from people where archived_at is null")
    ids = [p["id"] for p in people]
    values = values_on(db, checkpoints, ids, [cadence_for(p, cadences) or 180 for p in people],
                       everyone=True) if ids else {cp: [] for cp in checkpoints}
    counts = {cp: Counter(band(v) for v in values[cp] if v is not None) for cp in checkpoints}
    return [{"month": cp.isoformat(), "band": b, "people": counts[cp][b]}
            for cp in checkpoints for b in BANDS if b != "none"]


def _month_keys(today: date, months: int) -> list[str]:
    keys, first = [], today.replace(day=1)
    for _ in range(months):
        keys.append(first.strftime("%Y-%m"))
        first = (first - timedelta(days=1)).replace(day=1)
    return sorted(keys)


def gives_asks_by_month(db: Database, today: date, months: int = 6) -> list[dict]:
    """Your gives and asks per calendar month: rows {month: 'YYYY-MM', kind, touches}."""
    keys = _month_keys(today, months)
    found = {(r["m"], r["kind"]): r["n"] for r in rows(db, (
        "select substr(day, 1, 7) as m, kind, count(*) as n from interactions where direction = 'me' "
        "and kind in ('give', 'ask') and day >= ? and day <= ? group by m, kind"),
        [keys[0] + "-01", today.isoformat()])}
    return [{"month": k, "kind": kind, "touches": found.get((k, kind), 0)} for k in keys for kind in ("give", "ask")]


def weekly_touches(db: Database, today: date, weeks: int = 12) -> list[dict]:
    """Touches you started and their minutes per week (Monday first) against the weekly budget."""
    budget = get_budget_minutes(db)
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    out = {s: {"week": s.isoformat(), "touches": 0, "minutes": 0, "budget": budget} for s in starts}
    for r in rows(db, "select day, count(*) as n, sum(minutes) as m from interactions not indexed "
                      "where direction = 'me' and day between ? and ? group by day",  # a scan beats the day index
                  [starts[0].isoformat(), today.isoformat()]):
        d = date.fromisoformat(r["day"])
        week = out[d - timedelta(days=d.weekday())]
        week["touches"] += r["n"]
        week["minutes"] += r["m"] or 0
    for w in out.values():
        w["met"] = w["minutes"] >= budget
    return list(out.values())


def stage_funnel(db: Database) -> list[dict]:
    """The ladder as a funnel: people on each rung and how many reached at least that rung."""
    counts = stage_counts(db)
    out, reached = [], 0
    for stage in reversed(STAGES):
        reached += counts[stage]
        out.append({"stage": stage, "people": counts[stage], "reached": reached})
    return list(reversed(out))
