"""The log as insights read it: compact integer columns, read once and shared."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlite_utils import Database

from core.bulk_scoring import SHIFT_PERSON, THANKS, evidence_days, fetch_evidence
from core.days import DAY_NUMBER_SQL
from core.db import evidence_sql, scalar
from core.settings import get_cadences
from core.vocab import CHANNELS, TIERS

WINDOW = 90  # rolling window of the audit, in days
COVERAGE_DAYS = 180
CHANNEL_GROUPS = {
    "email": "written", "linkedin": "written", "social": "written", "text": "written", "other": "written",
    "phone": "voice", "video": "voice", "in_person": "in person", "event": "in person",
}
TIER_ORDER = {tier: rank for rank, tier in enumerate(TIERS)}


# --- The audit in bulk: the same facts from compact columns, with numpy ----------------------------

DAY_NUMBER = DAY_NUMBER_SQL  # the day number (core.days: date.toordinal()) of a day column, in SQL
# The audit's touch code (Log.touch_code): direction in bits 0-1 (ME, THEM, else 0), kind in bits 2-3
# (ASK, GIVE, NEUTRAL, else 0), 16 for a thank-you, 32 when they replied.
ME, THEM = 1, 2
ASK, GIVE, NEUTRAL = 1, 2, 3
VICTORY_WEEKS = 26  # the budget streaks look this far back
SPAN = 1 << 22  # more than any day number: person_id * SPAN + day orders touches by person, then day


def _int_columns(db: Database, columns: list[str], source: str, params: list) -> np.ndarray:
    """Integer columns of a query as an array with one row per result row.

    SQLite joins them into one string that numpy parses: tens of times faster than Python rows.
    `source` is the rest of the select after the columns (from, where, order by).
    """
    row = " || ',' || ".join(f"({c})" for c in columns)
    text = scalar(db, f"select group_concat(x, ',') from (select {row} as x {source})", params)
    if not text:
        return np.empty((0, len(columns)), dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",").reshape(-1, len(columns))


def _within(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """How many of the sorted `keys` fall in each [lo, hi]."""
    return np.searchsorted(keys, hi, side="right") - np.searchsorted(keys, lo, side="left")


def _people_arrays(db: Database) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, cadence or 90, core or active and not archived) of everyone, by id; cadence as cadence_for."""
    cadences = get_cadences(db)
    by_tier = " ".join(f"when '{tier}' then {int(days)}" for tier, days in cadences.items())
    archived = "((archived_at is not null and archived_at != '') or tier = 'archived')"
    cadence = (f"case when {archived} then 90 when cadence_days then cadence_days "
               f"else coalesce(nullif(case coalesce(nullif(tier, ''), 'network') {by_tier} end, 0), 90) end")
    key = "tier in ('core', 'active') and not (archived_at is not null and archived_at != '')"
    found = _int_columns(db, ["id", cadence, key], "from people order by id", [])
    return found[:, 0], found[:, 1], found[:, 2].astype(bool)


UNKNOWN_CHANNEL = 15  # a channel outside the vocabulary (a hand edit): read by name instead
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # SQLite's NOCASE


@dataclass(frozen=True)
class Log:
    """The log as integer arrays, read once for the audit, the neglect signs and the victories.

    Every touch as (person, day, bits) from the evidence column (see core.db.evidence_sql): enough for
    "met and never followed up" over all time. The touches since `since` also with their minutes and
    channel, sorted by person, day, id; `id` holds their rank in id order (all that orderings need).
    Days are date.toordinal() numbers (0: unreadable).
    """
    today: date
    since: date
    all_pid: np.ndarray
    all_day: np.ndarray
    all_bits: np.ndarray
    id: np.ndarray
    pid: np.ndarray
    day: np.ndarray
    bits: np.ndarray
    minutes: np.ndarray
    channel: np.ndarray

    def touch_code(self) -> np.ndarray:
        """The window's touches as TOUCH_CODE packs them: direction, kind, thank-you, reply."""
        bits = self.bits
        direction = (bits >> 8) & 3  # evidence: me 0, them 1, unknown 2, other 3
        kind = (bits >> 6) & 3  # ask 0, give 1, neutral 2, other 3
        return (np.where(direction == 0, ME, np.where(direction == 1, THEM, 0))
                + 4 * np.where(kind == 3, 0, kind + 1) + 16 * (bits & THANKS)
                + 32 * (((bits >> 4) & 3) == 1))


def log_start(today: date) -> date:
    """The first day the audit (its windows and give coverage) and the victories (26 weeks) read."""
    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=VICTORY_WEEKS - 1)
    return min(today - timedelta(days=max(2 * WINDOW, COVERAGE_DAYS) - 1), first_week,
               today - timedelta(days=WINDOW - 1))


def read_log(db: Database, today: date, since: date | None = None) -> Log:
    """Two reads of compact integers (about 0.2 s at 350,000 touches) that the insights share."""
    since = since or log_start(today)
    channel = ("case channel " + " ".join(f"when '{c}' then {i}" for i, c in enumerate(CHANNELS))
               + f" else {UNKNOWN_CHANNEL} end")
    found = _int_columns(db, ["id", f"(person_id << {SHIFT_PERSON}) | coalesce(evidence, {evidence_sql()})",
                              f"(minutes << 4) | ({channel})"],
                         "from interactions not indexed where day >= ?", [since.isoformat()])
    packed, extra = found[:, 1], found[:, 2]
    pid, day = packed >> SHIFT_PERSON, evidence_days(packed)
    order = np.lexsort((found[:, 0], day, pid))
    everything = fetch_evidence(db)
    return Log(today=today, since=since, all_pid=everything >> SHIFT_PERSON, all_day=evidence_days(everything),
               all_bits=everything & 1023, id=found[order, 0], pid=pid[order], day=day[order],
               bits=packed[order] & 1023, minutes=extra[order] >> 4, channel=extra[order] & 15)


def _log_for(db: Database, today: date, since: date, log: Log | None) -> Log:
    if log is not None and log.today == today and log.since <= since:
        return log
    return read_log(db, today, min(since, log_start(today)))


def has_log(db: Database) -> bool:
    """True once anything has been logged (the insights page's empty state depends on it)."""
    return bool(db.execute("select 1 from interactions limit 1").fetchone())
