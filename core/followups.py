"""The follow-up engine: thank-yous after conversations, check-ins, yearly dates; done, snooze, skip."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlite_utils import Database

from core import validation as v
from core.db import now_iso, one, placeholders, rows, scalar, transaction
from core.errors import NotFound, ValidationError
from core.vocab import FOLLOWUP_REASONS, THANK_YOU_DAYS, is_conversation
from core.words import plural

EVENT_FOLLOWUP_DAYS = 1  # people met at an event: follow up the next day
THANK_YOU_LOOKBACK = 14  # logging an older conversation is history, not a thank-you to write now
DATE_HORIZON = 60  # yearly dates become reminders this many days ahead
DATE_LOOKBACK = 7  # a date that passed less than a week ago still deserves a late message
SNOOZES = {"1 day": 1, "1 week": 7, "1 month": 30}
THANK_REASONS = ("thank_you", "event_followup")  # the follow-ups a thank-you answers


def needs_thank_you(channel: str, nature: str, tags: list[str]) -> bool:
    """A conversation (call, video, meeting, event, informational interview) earns a thank-you."""
    if nature == "thank_you" or "thank_you" in tags:
        return False
    return is_conversation(channel, nature)


def schedule_after_interaction(db: Database, interaction: dict, person_name: str, today: date,
                               lookback: int = THANK_YOU_LOOKBACK) -> int | None:
    """Create the thank-you a conversation calls for, due within 48 hours of the day it happened, when it
    happened at most `lookback` days ago (older is history, not a thank-you to write now). The caller
    (interactions._settle_thank_yous) passes only conversations that are not thank-yous themselves.

    Returns the follow-up id, or None when none is needed (or one already exists for it).
    """
    day = date.fromisoformat(interaction["day"])
    if (today - day).days > lookback:
        return None
    if interaction["channel"] == "event":
        reason, due, title = "event_followup", day + timedelta(days=EVENT_FOLLOWUP_DAYS), \
            f"Follow up with {person_name} after the event"
    else:
        reason, due, title = "thank_you", day + timedelta(days=THANK_YOU_DAYS), f"Thank {person_name}"
    key = f"thank_you:{interaction['id']}"
    if one(db, "select id from followups where dedupe_key = ?", [key]):
        return None
    # One open thank-you per person and reason: a single message thanks them for both conversations,
    # and it is due by the earlier one's deadline (the one already open).
    if one(db, "select id from followups where person_id = ? and reason = ? and status = 'open'",
           [interaction["person_id"], reason]):
        return None
    return db.table("followups").insert({
        "person_id": interaction["person_id"], "reason": reason, "due": due.isoformat(), "title": title,
        "dedupe_key": key, "interaction_id": interaction["id"], "event_id": interaction.get("event_id"),
        "created_at": now_iso()}).last_pk


def close_thank_yous(db: Database, person_id: int, thanked_on: date, interaction_id: int | None = None) -> int:
    """A thank-you was sent (the touch interaction_id): close the open thank-yous for conversations on or
    before that day."""
    return db.execute(
        "update followups set status = 'done', closed_on = ?, done_interaction_id = ? where person_id = ? "
        f"and status = 'open' and reason in ({placeholders(THANK_REASONS)}) "
        "and (select day from interactions i where i.id = followups.interaction_id) <= ?",
        [thanked_on.isoformat(), interaction_id, person_id, *THANK_REASONS, thanked_on.isoformat()]).rowcount


def occurrence(month: int, day: int, year: int) -> date:
    """The date a yearly day falls on in a given year; 29 February is 28 February in other years."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, 2, 28) if (month, day) == (2, 29) else date(year, month, min(day, 28))


def next_occurrence(month: int, day: int, after: date) -> date:
    """The first occurrence on or after `after`."""
    this_year = occurrence(month, day, after.year)
    return this_year if this_year >= after else occurrence(month, day, after.year + 1)


DATE_TITLES = {
    "birthday": "{name}'s birthday",
    "work_anniversary": "{name}'s work anniversary",
    "success": "Congratulate {name}",
    "other": "{name}: {note}",
}


def schedule_date_reminders(db: Database, today: date) -> int:
    """Create reminders for important dates in the coming DATE_HORIZON days (and the past week).

    Each occurrence is keyed by date and year, so it is never due twice, and one that was marked
    done or skipped does not come back.
    """
    return _schedule_dates(db, today)


def schedule_date_reminder(db: Database, date_id: int, today: date) -> int:
    """The same as schedule_date_reminders for one date, at once: a date added today gets its reminder
    today (due on its day) instead of at tomorrow's refresh. Returns 1 when a reminder was created."""
    return _schedule_dates(db, today, date_id)


def _schedule_dates(db: Database, today: date, date_id: int | None = None) -> int:
    start = today - timedelta(days=DATE_LOOKBACK)
    created = 0
    stamp = now_iso()
    one_date = " and d.id = ?" if date_id is not None else ""
    for d in rows(db, (
            "select d.*, p.name from important_dates d join people p on p.id = d.person_id "
            f"where p.archived_at is null{one_date}"), [date_id] if date_id is not None else []):
        if d["yearly"]:
            occ = next_occurrence(d["month"], d["day"], start)
        else:
            occ = date(d["year"], d["month"], d["day"])
        if not (start <= occ <= today + timedelta(days=DATE_HORIZON)):
            continue
        title = DATE_TITLES.get(d["label"], DATE_TITLES["other"]).format(name=d["name"], note=d["note"] or "date")
        if d["label"] == "birthday" and d["year"] and d["yearly"]:
            title += f" ({occ.year - d['year']})"
        cur = db.execute(
            "insert or ignore into followups (person_id, reason, due, title, dedupe_key, date_id, created_at) "
            "values (?, 'date', ?, ?, ?, ?, ?)",
            [d["person_id"], occ.isoformat(), title, f"date:{d['id']}:{occ.year}", d["id"], stamp])
        created += cur.rowcount
    return created


def add_reminder(db: Database, person_id: int | None, due: object, title: str) -> int:
    """A reminder of the user's own: 'send Ana the article on Friday'."""
    due_day = v.parse_date(due, "Due date")
    title = v.text(title, "Reminder", required=True)
    if person_id is not None and not db.table("people").count_where("id = ?", [person_id]):
        raise NotFound("That person does not exist (any more).")
    return db.table("followups").insert({
        "person_id": person_id, "reason": "custom", "due": due_day.isoformat(), "title": title,
        "dedupe_key": f"custom:{uuid.uuid4().hex}", "created_at": now_iso()}).last_pk


ALREADY_CLOSED = "That follow-up is already closed."


def require_open(db: Database, followup_id: int) -> dict:
    row = one(db, "select * from followups where id = ?", [followup_id])
    if not row:
        raise NotFound("That follow-up no longer exists.")
    if row["status"] != "open":
        raise ValidationError(ALREADY_CLOSED)
    return row


# The touch that completing a follow-up stands for: a thank-you is a thank-you, a check-in a check-in,
# a birthday or a success a congratulation. A reminder of the user's own stands for nothing in particular.
DONE_NATURES = {"thank_you": "thank_you", "event_followup": "thank_you", "check_in": "check_in",
                "date": "congratulated", "opportunity": "check_in"}
# What Done says it logged, for each of those natures ("Logged a thank-you to Ana by email today.").
DONE_WORDS = {"thank_you": "thank-you", "check_in": "check-in", "congratulated": "congratulation"}


def close_done(db: Database, followup_id: int, today: date, interaction_id: int | None) -> None:
    """Close a follow-up as done by this touch (None for a reminder that stands for no touch).

    Low level: core.interactions.complete_followup records the touch and calls this; nothing else should."""
    db.execute("update followups set status = 'done', closed_on = ?, done_interaction_id = ? where id = ?",
               [today.isoformat(), interaction_id, followup_id])


def skip(db: Database, followup_id: int, today: date) -> None:
    """Close a follow-up with no message: nothing is recorded in the log, and it will not come back for
    the same reason (a skipped check-in comes back after the next touch, a cadence later)."""
    with transaction(db):
        require_open(db, followup_id)
        # Only while open: a Done from another tab since the check stays done.
        if not db.execute("update followups set status = 'skipped', closed_on = ? where id = ? and status = 'open'",
                          [today.isoformat(), followup_id]).rowcount:
            raise ValidationError(ALREADY_CLOSED)


def snooze(db: Database, followup_id: int, days: int, today: date) -> date:
    """Push a follow-up `days` later, counted from its due date, or from today when it is already due
    or overdue: the new due is max(due, today) + days, so a snooze never brings anything earlier.
    Returns the new due date. A snoozed check-in keeps that date through the refreshes until a new
    touch (see relationships._sync_checkins)."""
    row = require_open(db, followup_id)
    days = v.integer(days, "Snooze", minimum=1, maximum=365)
    new_due = max(date.fromisoformat(row["due"]), today) + timedelta(days=days)
    with transaction(db):
        db.execute("update followups set due = ?, snoozes = snoozes + 1 where id = ?",
                   [new_due.isoformat(), followup_id])
    return new_due


_SELECT = (
    "select f.id, f.person_id, f.reason, f.due, f.title, f.status, f.snoozes, f.interaction_id, f.event_id, "
    "p.name as person, coalesce(c.name, '') as company, s.score, s.score_status, s.score_reason, p.email, "
    "i.day as interaction_day, i.channel as interaction_channel "
    "from followups f left join people p on p.id = f.person_id left join scores s on s.person_id = f.person_id "
    "left join companies c on c.id = p.company_id "
    "left join interactions i on i.id = f.interaction_id "
)


def _decorate(item: dict, today: date) -> dict:
    due = date.fromisoformat(item["due"])
    item["days_left"] = (due - today).days
    item["reason_label"] = FOLLOWUP_REASONS.get(item["reason"], item["reason"])
    if not item["title"]:
        name = item["person"] or "someone"
        item["title"] = f"Check in with {name}" if item["reason"] == "check_in" else name
    if item["reason"] in THANK_REASONS and item["interaction_day"]:
        met = date.fromisoformat(item["interaction_day"])
        item["window_left_hours"] = max(0, 48 - (today - met).days * 24)
    return item


def day_text(day: date) -> str:
    """'Tuesday 1 Dec': a day as a sentence names it."""
    return f"{day:%A} {day.day} {day:%b}"


def due_phrase(due: date, today: date) -> str:
    """When to do a follow-up, in the words of the board's columns: 'follow up today', 'follow up
    tomorrow', 'follow up by Tuesday 1 Dec', or, past its due date, 'follow up today: it was due
    Thursday 26 Nov (1 day overdue)', the count the board shows."""
    left = (due - today).days
    if left == 0:
        return "follow up today"
    if left == 1:
        return "follow up tomorrow"
    if left > 1:
        return f"follow up by {day_text(due)}"
    return f"follow up today: it was due {day_text(due)} ({plural(-left, 'day')} overdue)"


def due_on(db: Database, day: date) -> list[dict]:
    """Everything open and due on or before `day` (what the command line's `due` prints)."""
    return [_decorate(r, day) for r in rows(db, _SELECT + (
        "where f.status = 'open' and (p.id is null or p.archived_at is null) and f.due <= ? "
        "order by f.due, f.id"), [day.isoformat()])]



def thank_you_window(db: Database, today: date, limit: int | None = None) -> list[dict]:
    """Open thank-yous and event follow-ups: the 48 hours after a conversation (the first `limit`, soonest due)."""
    return [_decorate(r, today) for r in rows(db, _SELECT + (
        f"where f.status = 'open' and f.reason in ({placeholders(THANK_REASONS)}) "
        "and p.archived_at is null order by f.due, f.id" + (" limit ?" if limit is not None else "")),
        [*THANK_REASONS, *([limit] if limit is not None else [])])]


def thank_you_counts(db: Database, today: date) -> dict[str, int]:
    """How many thank-yous are open ({total}) and how many of them are due today or overdue ({due})."""
    total, due = db.execute(
        "select count(*), coalesce(sum(f.due <= ?), 0) from followups f left join people p on p.id = f.person_id "
        f"where f.status = 'open' and f.reason in ({placeholders(THANK_REASONS)}) and p.archived_at is null",
        [today.isoformat(), *THANK_REASONS]).fetchone()
    return {"total": total, "due": due}


def upcoming_dates(db: Database, today: date, days: int = 14) -> list[dict]:
    """Birthdays and other dates in the next `days` days (open reminders)."""
    return [_decorate(r, today) for r in rows(db, _SELECT + (
        "where f.status = 'open' and f.reason = 'date' and f.due between ? and ? "
        "and p.archived_at is null order by f.due"),
        [today.isoformat(), (today + timedelta(days=days)).isoformat()])]


def for_person(db: Database, person_id: int, today: date) -> list[dict]:
    return [_decorate(r, today) for r in rows(db, _SELECT + (
        "where f.person_id = ? and f.status = 'open' order by f.due"), [person_id])]


def calendar_items(db: Database, start: date, end: date) -> list[dict]:
    """Open follow-ups between two dates, for the calendar view and the .ics export."""
    return [_decorate(r, start) for r in rows(db, _SELECT + (
        "where f.status = 'open' and f.due between ? and ? and (p.id is null or p.archived_at is null) "
        "order by f.due, f.id"), [start.isoformat(), end.isoformat()])]


# --- For the Today page and the follow-up board -----------------------------------------------

# The composer's purpose for each kind of follow-up (a date is a birthday, anniversary or success).
COMPOSE_PURPOSES = {
    "thank_you": "thank_you",
    "event_followup": "event_followup",
    "check_in": "check_in",
    "date": "congratulations",
    "custom": "check_in",
    "opportunity": "check_in",
}


def compose_purpose(item: dict) -> str | None:
    """The composer purpose that fits a follow-up, or None when it is about no one."""
    if not item.get("person_id"):
        return None
    return COMPOSE_PURPOSES.get(item["reason"], "check_in")


def get_followup(db: Database, followup_id: int, today: date) -> dict:
    """One follow-up (open or closed) with its person, as the board shows it."""
    found = one(db, _SELECT + "where f.id = ?", [followup_id])
    if not found:
        raise NotFound("That follow-up no longer exists.")
    return _decorate(found, today)


def calendar_feed(db: Database, today: date, days_back: int = 60, days_ahead: int = 120,
                  limit: int = 1000) -> list[dict]:
    """Open follow-ups for the calendar view: the recent past (overdue ones stay visible) to months ahead.

    Bounded by `limit`, keeping those nearest today (a backlog of thousands of overdue check-ins must not
    push this week off the calendar); returned in date order.
    """
    start, end = today - timedelta(days=days_back), today + timedelta(days=days_ahead)
    # Choose the rows first and join the details to those alone (167 -> 86 ms at 30,000 people).
    found = rows(db, _SELECT + (
        "where f.id in (select f.id from followups f left join people p on p.id = f.person_id "
        "where f.status = 'open' and f.due between ? and ? and (p.id is null or p.archived_at is null) "
        "order by abs(julianday(f.due) - julianday(?)), f.due, f.id limit ?)"),
        [start.isoformat(), end.isoformat(), today.isoformat(), limit])
    found.sort(key=lambda r: (r["due"], r["id"]))
    return [_decorate(r, today) for r in found]


BOARD_COLUMNS = ("overdue", "today", "week", "later")
# What the board, Today and the calendar count: open follow-ups about no one or about an active person.
ACTIVE = "f.status = 'open' and (p.id is null or p.archived_at is null)"


def due_windows(today: date, later_days: int = 60) -> dict[str, tuple[str, list, str]]:
    """The one definition of "overdue", "due today", "this week" and "later", as {column: (SQL condition
    on f.due, its parameters, order)}: overdue is due before today, whatever the reason (a thank-you,
    an event follow-up, a date, a reminder about no one); due today is due on today."""
    d = today.isoformat()
    week = (today + timedelta(days=7)).isoformat()
    return {
        "overdue": ("f.due < ?", [d], "f.due, f.id"),
        "today": ("f.due = ?", [d], "f.id"),
        "week": ("f.due > ? and f.due <= ?", [d, week], "f.due, f.id"),
        "later": ("f.due > ? and f.due <= ?", [week, (today + timedelta(days=later_days)).isoformat()],
                  "f.due, f.id"),
    }


def due_now(db: Database, today: date, limit: int = 10) -> dict:
    """What Today lists under "Overdue and due today", counted as the board counts its columns.

    Returns {"overdue": n, "today": n, "thanks": n, "thanks_total": n, "items": [...]}: the board's Overdue and
    Today totals (its own _column_totals, so the numbers are the same on both pages), how many of those are
    thank-yous or event follow-ups (Today lists those in their own section), how many thank-yous are open in
    all, and the first `limit` of the others,
    most overdue first. The items are chosen by their own query, so a backlog of overdue thank-yous
    cannot leave the list empty while the count says there is work.
    """
    totals = _column_totals(db, due_windows(today))
    thanks = thank_you_counts(db, today)
    found = rows(db, _SELECT + (
        f"where {ACTIVE} and f.due <= ? and f.reason not in ({placeholders(THANK_REASONS)}) "
        "order by f.due, f.id limit ?"), [today.isoformat(), *THANK_REASONS, limit])
    return {"overdue": totals["overdue"], "today": totals["today"], "thanks": thanks["due"],
            "thanks_total": thanks["total"], "items": [_decorate(r, today) for r in found]}


def board_columns(db: Database, today: date, limit: int = 50, later_days: int = 60,
                  columns: tuple[str, ...] = BOARD_COLUMNS) -> dict[str, dict]:
    """The board's columns (these of them), each bounded on its own: {column: {"items": [...], "total": n}}.

    Overdue is the most overdue first; the others soonest first. A backlog of overdue items
    cannot crowd out today and this week.
    """
    windows = due_windows(today, later_days)
    active = ACTIVE
    totals = _column_totals(db, windows)
    found = {}
    for name in columns:
        where, params, order = windows[name]
        items = rows(db, _SELECT + f"where {active} and {where} order by {order} limit ?", [*params, limit])
        found[name] = {"items": [_decorate(r, today) for r in items], "total": totals[name]}
    return found


def _column_totals(db: Database, windows: dict) -> dict[str, int]:
    """Each column's count: open follow-ups in its window (from the index alone), less those of archived
    people (few, found from the people side). Counting through the people join cost 80 ms at 30,000."""
    buckets = ", ".join(f"coalesce(sum({where.replace('f.due', 'due')}), 0)" for where, _, _ in windows.values())
    params = [p for _, ps, _ in windows.values() for p in ps]
    last = max(ps[-1] for _, ps, _ in windows.values())
    open_counts = db.execute(f"select {buckets} from followups where status = 'open' and due <= ?",
                             [*params, last]).fetchone()
    # CROSS JOIN: read the (few) archived people first, then their follow-ups by index.
    archived = db.execute(
        f"select {buckets.replace('due', 'f.due')} from people p cross join followups f on f.person_id = p.id "
        "and f.status = 'open' and f.due <= ? where p.archived_at is not null", [*params, last]).fetchone()
    return {name: n - a for name, n, a in zip(windows, open_counts, archived, strict=True)}


def reminder_people(db: Database, search: str = "", limit: int = 50) -> tuple[list[dict], int]:
    """Active people whose name matches, for the add-a-reminder picker: ([{id, name, company}], total)."""
    where, params = "p.archived_at is null", []
    if search.strip():
        where += " and p.name like ?"
        params.append(f"%{search.strip()}%")
    total = scalar(db, f"select count(*) from people p where {where}", params)
    found = rows(db, "select p.id, p.name, coalesce(c.name, '') as company from people p left join companies c "
                     f"on c.id = p.company_id where {where} order by p.name collate nocase limit ?", [*params, limit])
    return found, total
