"""Insights: the transactional-networking self-audit (SCORING.md §4.7), neglect signs, charts and victories.

Every sign is phrased as a next action naming a person where possible, never as a judgment. Where each job
lives: log (the shared read of compact integer columns, and the data fingerprint), audit (the self-audit and
its signs), neglect, charts, victories, words (levels and phrasing), overview (all of it from one read).
The audit's readable definition over a list of touches is the one reference implementation, in
tests/core/insights/reference.py (reference_audit_log), which the tests hold audit() to. The log's touch-code
bits (ME, THEM, ASK, GIVE, NEUTRAL, SPAN) are its own encoding: read them from core.insights.log.
"""

from core.insights.audit import (
    EVIDENCE_HALF_LIFE,
    GHOST_DAYS,
    MIN_INITIATED,
    RECIPROCATE_DAYS,
    SIGNS,
    asks_in_a_row,
    audit,
)
from core.insights.charts import bands_over_time, gives_asks_by_month, month_ends, stage_funnel, weekly_touches
from core.insights.log import (
    CHANNEL_GROUPS,
    COVERAGE_DAYS,
    DAY_NUMBER,
    TIER_ORDER,
    UNKNOWN_CHANNEL,
    VICTORY_WEEKS,
    WINDOW,
    Log,
    has_log,
    log_start,
    read_log,
)
from core.insights.neglect import neglect
from core.insights.opportunities import SOURCE_STEPS, referral_asks_to_cold, source_funnel
from core.insights.overview import overview
from core.insights.victories import streaks, victories
from core.insights.words import _day_text, _level, _pct, _worst

__all__ = [
    "CHANNEL_GROUPS",
    "COVERAGE_DAYS",
    "DAY_NUMBER",
    "EVIDENCE_HALF_LIFE",
    "GHOST_DAYS",
    "MIN_INITIATED",
    "RECIPROCATE_DAYS",
    "SIGNS",
    "SOURCE_STEPS",
    "TIER_ORDER",
    "UNKNOWN_CHANNEL",
    "VICTORY_WEEKS",
    "WINDOW",
    "Log",
    "_day_text",
    "_level",
    "_pct",
    "_worst",
    "asks_in_a_row",
    "audit",
    "bands_over_time",
    "gives_asks_by_month",
    "has_log",
    "log_start",
    "month_ends",
    "neglect",
    "overview",
    "read_log",
    "referral_asks_to_cold",
    "source_funnel",
    "stage_funnel",
    "streaks",
    "victories",
    "weekly_touches",
]
