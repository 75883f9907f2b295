"""What the Today page gathers across tables: its follow-up lists, the week against the budget and the victories."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from core import followups, interactions
from core.bulk_scoring import CONVERSATION, THANKS
from core.db import rows
from core.settings import get_budget_minutes
from core.vocab import NATURE_LABELS, STAGES, THANK_YOU_DAYS

VICTORY_DAYS = 7  # "this week" for victories: the last seven days, so Monday still shows Sunday's win
STAGE_WORDS = {
    "contacted": "You reached out to {name} for the first time",
    "conversed": "A new conversation with {name}",
    "connected": "{name} is now a connection",
    "ally": "{name} became an ally",
}


def follow_up_lists(db: Database, today: date, shown: int) -> dict:
    """Today's three lists of follow-ups, each item with the channel Done would record (`done_channel`).

    {"thanks": the first `shown` thank-yous, "thanks_total": all open, "due": the first `shown` others overdue
    or due today, "overdue"/"due_today": the board's two column totals, "due_thanks": how many of those
    are thank-yous (listed under thanks), "due_others": how many are not, "dates": birthdays and other dates
    of the next two weeks not already listed as due}.
    """
    due = followups.due_now(db, today, limit=shown)
    listed = {i["id"] for i in due["items"]}
    dates = [d for d in followups.upcoming_dates(db, today) if d["id"] not in listed]
    thanks = followups.thank_you_window(db, today, limit=shown)
    interactions.with_default_channels(db, thanks + due["items"] + dates)  # one read for all three lists
    return {
        "thanks": thanks, "thanks_total": due["thanks_total"], "due": due["items"],
        "overdue": due["overdue"], "due_today": due["today"], "due_thanks": due["thanks"],
        "due_others": due["overdue"] + due["today"] - due["thanks"], "dates": dates,
    }


def week_start(today: date) -> date:
    """The Monday of today's week."""
    return today - timedelta(days=today.weekday())


def is_first_run(db: Database) -> bool:
    """True while there is nobody in the database yet (a goal alone does not end the first run:
    with no one to follow up, Today has nothing else to show)."""
    return not db.table("people").count


def week_activity(db: Database, today: date) -> dict:
    """This week's touches and minutes (Monday to today) against the weekly networking-time budget."""
    start = week_start(today)
    touches, minutes = db.execute(
        "select count(*), coalesce(sum(minutes), 0) from interactions where day between ? and ?",
        [start.isoformat(), today.isoformat()]).fetchone()
    budget = get_budget_minutes(db)
    return {
        "start": start,
        "touches": touches,
        "minutes": minutes,
        "budget": budget,
        "fraction": min(1.0, minutes / budget) if budget else 1.0,
        "left": max(0, budget - minutes),
        "met": minutes >= budget,
        "days_left": 6 - today.weekday(),
    }


def stage_moves(db: Database, since: date, limit: int = 50) -> list[dict]:
    """People who moved up the ladder on or after `since`: each person once, at the highest rung reached."""
    rank = "case {col} " + " ".join(f"when '{s}' then {i}" for i, s in enumerate(STAGES)) + " end"
    found = rows(db, (
        f"select s.person_id, p.name, coalesce(c.name, '') as company, s.from_stage, s.to_stage, s.day, "
        f"{rank.format(col='s.to_stage')} as to_rank "
        "from stage_changes s join people p on p.id = s.person_id left join companies c on c.id = p.company_id "
        f"where s.day >= ? and p.archived_at is null and {rank.format(col='s.to_stage')} > "
        f"{rank.format(col='s.from_stage')} order by s.day desc, s.id desc"), [since.isoformat()])
    best: dict[int, dict] = {}
    for move in found:
        kept = best.get(move["person_id"])
        if kept is None or move["to_rank"] > kept["to_rank"]:
            best[move["person_id"]] = move
    moves = sorted(best.values(), key=lambda m: (m["day"], m["to_rank"]), reverse=True)[:limit]
    for m in moves:
        del m["to_rank"]
    return moves


def victories(db: Database, today: date, days: int = VICTORY_DAYS, limit: int = 20) -> list[dict]:
    """Small wins of the last `days` days: new conversations, moves up the ladder, gives, thank-yous on time.

    Each is {kind, day, person_id, person, text}; newest first. `text` holds the person's name as typed,
    so show it as plain text.
    """
    since = today - timedelta(days=days - 1)
    wins: list[dict] = []
    for m in stage_moves(db, since):
        kind = "conversation" if m["to_stage"] == "conversed" else "stage"
        wins.append({"kind": kind, "day": m["day"], "person_id": m["person_id"], "person": m["name"],
                     "text": STAGE_WORDS[m["to_stage"]].format(name=m["name"])})
    for g in rows(db, (
            "select i.day, i.nature, i.person_id, p.name from interactions i join people p on p.id = i.person_id "
            "where i.kind = 'give' and i.day between ? and ? order by i.day desc, i.id desc limit 50"),
            [since.isoformat(), today.isoformat()]):
        what = NATURE_LABELS.get(g["nature"], "Gave something")
        wins.append({"kind": "give", "day": g["day"], "person_id": g["person_id"], "person": g["name"],
                     "text": f"You gave: {what.lower()} ({g['name']})"})
    for t in _thanked_in_time(db, since, today):
        wins.append({"kind": "thanks", "day": t["day"], "person_id": t["person_id"], "person": t["name"],
                     "text": f"You thanked {t['name']} within {THANK_YOU_DAYS * 24} hours"})
    wins.sort(key=lambda w: w["day"], reverse=True)
    return wins[:limit]


def _thanked_in_time(db: Database, since: date, today: date) -> list[dict]:
    """Thank-yous you sent between `since` and today within THANK_YOU_DAYS of a conversation with them that
    was not itself a thank-you (as Insights counts them): one per person and day, newest first, at most 50.
    The evidence column's bits are core.bulk_scoring's THANKS and CONVERSATION (core.vocab.is_conversation),
    kept by its trigger."""
    return rows(db, (
        "select t.day, t.person_id, p.name from interactions t join people p on p.id = t.person_id "
        "where t.direction = 'me' and t.day between ? and ? and t.evidence & ? and exists (select 1 from "
        "interactions c where c.person_id = t.person_id and c.evidence & ? and not (c.evidence & ?) "
        "and c.id != t.id and c.day between date(t.day, ?) and t.day) group by t.person_id, t.day "
        "order by t.day desc limit 50"),
        [since.isoformat(), today.isoformat(), THANKS, CONVERSATION, THANKS, f"-{THANK_YOU_DAYS} days"])

