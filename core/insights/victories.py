"""Small victories: budget streaks, moves up the ladder, thank-yous on time."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlite_utils import Database

from core.bulk_scoring import CONVERSATION, THANKS
from core.db import rows
from core.insights.log import SPAN, VICTORY_WEEKS, WINDOW, Log, _log_for, _within
from core.settings import get_budget_minutes
from core.vocab import STAGES, THANK_YOU_DAYS
from core.words import plural

# --- Victories ---------------------------------------------------------------------------------


def streaks(weeks: list[dict]) -> tuple[int, int]:
    """(current, best) runs of weeks meeting the budget; the week in progress only adds, never breaks."""
    met = [w["met"] for w in weeks]
    best = run = 0
    for m in met:
        run = run + 1 if m else 0
        best = max(best, run)
    current = 0
    history = met if met and met[-1] else met[:-1]
    for m in reversed(history):
        if not m:
            break
        current += 1
    return current, best


def victories(db: Database, today: date, log: Log | None = None) -> dict:
    """Small victories worth celebrating: budget streaks, people who moved up, thank-yous on time."""
    since = today - timedelta(days=29)
    rank = {s: i for i, s in enumerate(STAGES)}
    moved = [m for m in rows(db, (
        "select s.person_id, p.name, s.day, s.from_stage, s.to_stage from stage_changes s "
        "join people p on p.id = s.person_id where s.day >= ? and p.archived_at is null "
        "order by s.day desc, s.id desc"), [since.isoformat()])
        if rank.get(m["to_stage"], 0) > rank.get(m["from_stage"], 0) and m["to_stage"] != "contacted"]
    # The last 26 weeks of the log, matched with numpy: the weeks within your budget (as weekly_touches
    # counts them), and the conversations in the window (not thank-yous themselves) that you thanked
    # within 48 hours.
    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=VICTORY_WEEKS - 1)
    start = today - timedelta(days=WINDOW - 1)
    log = _log_for(db, today, min(start, first_week), log)
    day, minutes, bits = log.day, log.minutes, log.bits
    me, thank, talk = ((bits >> 8) & 3) == 0, (bits & THANKS) > 0, (bits & CONVERSATION) > 0
    mine = me & (day >= first_week.toordinal()) & (day <= today.toordinal())
    spent = np.bincount((day[mine] - first_week.toordinal()) // 7, weights=minutes[mine], minlength=VICTORY_WEEKS)
    budget = get_budget_minutes(db)
    current, best = streaks([{"met": bool(m >= budget)} for m in spent])
    later = day >= start.toordinal()
    key = log.pid * SPAN + day
    talks = later & talk & ~thank & (day <= today.toordinal())
    thanks = np.sort(key[later & me & thank])
    conversations = int(talks.sum())
    on_time = int((_within(thanks, key[talks], key[talks] + THANK_YOU_DAYS) > 0).sum())
    messages = []
    if current >= 1:
        messages.append(f"{plural(current, 'week')} in a row within your networking budget.")
    elif best:
        messages.append(f"Your best run: {plural(best, 'week')} in a row within your budget.")
    if moved:
        names = ", ".join(m["name"] for m in moved[:3])
        more = f" and {len(moved) - 3} more" if len(moved) > 3 else ""
        messages.append(f"{plural(len(moved), 'relationship')} moved up a stage this month: "
                        f"{names}{more}.")
    if on_time:
        messages.append(f"{on_time} of {conversations} conversations thanked within 48 hours in the last "
                        f"{WINDOW} days.")
    return {"streak": current, "best_streak": best, "moved_up": moved, "thank_yous_on_time": on_time,
            "conversations": conversations, "messages": messages}
