"""Keeps each person's stored score and next check-in in step with their interactions.

Scores are kept in the people table (score, score_status, score_reason, ...) and recomputed when a
person's interactions change, and once a day for everyone (the passage of time), so no page
recomputes 30,000 scores on every rerun.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta

from sqlite_utils import Database

from core.db import get_setting, now_iso, rows, set_setting, transaction
from core.scoring import Score, Touch, score
from core.settings import get_cadences


def cadence_for(person: dict, cadences: dict[str, int]) -> int | None:
    """Days between check-ins for this person: their own override, else their tier's; None if archived."""
    if person.get("archived_at") or person.get("tier") == "archived":
        return None
    return person.get("cadence_days") or cadences.get(person.get("tier") or "network", 90)


def touch_from_row(row: dict) -> Touch:
    tags = frozenset(json.loads(row["tags"]) if row["tags"] else ())
    if row.get("nature"):
        tags = tags | {row["nature"]}
    responded = None if row["responded"] is None else bool(row["responded"])
    return Touch(date.fromisoformat(row["day"]), row["direction"], row["kind"] or "neutral", responded, tags)


def touches_for(db: Database, person_id: int) -> list[Touch]:
    return [touch_from_row(r) for r in rows(
        db, "select day, direction, kind, nature, responded, tags from interactions where person_id = ?",
        [person_id])]


def score_person(db: Database, person: dict, today: date) -> Score:
    """Compute (without storing) a person's score as of today."""
    cadence = cadence_for(person, get_cadences(db)) or 180
    return score(touches_for(db, person["id"]), cadence, today)


def refresh_people(db: Database, today: date, person_ids: Iterable[int] | None = None) -> int:
    """Recompute stored scores and check-ins for some people (None: everyone). Returns how many."""
    cadences = get_cadences(db)
    if person_ids is None:
        people = rows(db, "select id, tier, cadence_days, archived_at from people")
    else:
        ids = list(person_ids)
        if not ids:
            return 0
        people = []
        for chunk in _chunks(ids, 500):
            people += rows(db, f"select id, tier, cadence_days, archived_at from people where id in "
                               f"({','.join('?' * len(chunk))})", chunk)
    touches: dict[int, list[Touch]] = {}
    for chunk in _chunks([p["id"] for p in people], 500):
        cur = db.execute(
            "select person_id, day, direction, kind, nature, responded, tags from interactions "
            f"where person_id in ({','.join('?' * len(chunk))})", chunk)
        for pid, day, direction, kind, nature, responded, tags in cur:
            tagset = frozenset(json.loads(tags)) if tags and tags != "[]" else frozenset()
            if nature:
                tagset = tagset | {nature}
            touches.setdefault(pid, []).append(
                Touch(date.fromisoformat(day), direction, kind, None if responded is None else bool(responded),
                      tagset))
    today_iso = today.isoformat()
    score_rows, checkins = [], []
    for person in people:
        mine = touches.get(person["id"], [])
        cadence = cadence_for(person, cadences)
        result = score(mine, cadence or 180, today)
        last = max((t.day for t in mine if t.day <= today), default=None)
        score_rows.append((result.value, result.status, result.confidence, result.reason, today_iso,
                           last.isoformat() if last else None, person["id"]))
        checkins.append((person["id"], cadence, last))
    with transaction(db):
        db.conn.executemany(
            "update people set score = ?, score_status = ?, score_confidence = ?, score_reason = ?, "
            "scored_on = ?, last_touch_on = ? where id = ?", score_rows)
        _sync_checkins(db, checkins, today)
    return len(people)


def _sync_checkins(db: Database, checkins: list[tuple[int, int | None, date | None]], today: date) -> None:
    """One check-in row per person, due `cadence` days after the later of their last touch and the
    day the user last marked a check-in done; snoozes hold until something new happens."""
    existing = {}
    for chunk in _chunks([c[0] for c in checkins], 500):
        for r in rows(db, "select id, person_id, status, due, anchor_on, closed_on, snoozes from followups "
                          f"where reason = 'check_in' and person_id in ({','.join('?' * len(chunk))})", chunk):
            existing[r["person_id"]] = r
    inserts, updates, skips = [], [], []
    stamp = now_iso()
    for pid, cadence, last in checkins:
        row = existing.get(pid)
        if cadence is None or last is None:
            if row and row["status"] == "open":
                skips.append((today.isoformat(), row["id"]))
            continue
        anchor = last
        if row and row["closed_on"] and row["status"] == "done":
            anchor = max(anchor, date.fromisoformat(row["closed_on"]))
        due = (anchor + timedelta(days=cadence)).isoformat()
        if row is None:
            inserts.append((pid, due, anchor.isoformat(), f"check_in:{pid}", stamp))
        elif row["status"] != "open" or row["anchor_on"] != anchor.isoformat():
            updates.append((due, anchor.isoformat(), row["id"]))
        elif row["due"] != due and row["anchor_on"] == anchor.isoformat() and not row["snoozes"]:
            updates.append((due, anchor.isoformat(), row["id"]))  # the cadence changed
    db.conn.executemany(
        "insert into followups (person_id, reason, due, status, anchor_on, dedupe_key, created_at) "
        "values (?, 'check_in', ?, 'open', ?, ?, ?)", inserts)
    db.conn.executemany(
        "update followups set due = ?, anchor_on = ?, status = 'open', closed_on = null, snoozes = 0 "
        "where id = ?", updates)
    db.conn.executemany("update followups set status = 'skipped', closed_on = ? where id = ?", skips)


def daily_refresh(db: Database, today: date, force: bool = False) -> bool:
    """Once a day: rescore everyone (time passes) and create the coming date reminders."""
    if not force and get_setting(db, "refreshed_on") == today.isoformat():
        return False
    from core.followups import schedule_date_reminders

    with transaction(db):
        refresh_people(db, today)
        schedule_date_reminders(db, today)
        set_setting(db, "refreshed_on", today.isoformat())
    return True


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]
