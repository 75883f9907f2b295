"""Keeps each person's stored score and next check-in in step with their interactions.

Scores are kept in the scores table (score, score_status, score_reason, ...) and recomputed when a
person's interactions change, and once a day for everyone (the passage of time), so no page
recomputes 30,000 scores on every rerun.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlite_utils import Database

from core.bulk_scoring import score_people, touches_of
from core.db import chunks, get_setting, now_iso, one, placeholders, set_setting, transaction
from core.errors import NotFound, ValidationError
from core.followups import schedule_date_reminders
from core.scoring import Score, score_log
from core.validation import integer
from core.vocab import DEFAULT_CADENCE

# The cadence a person with none (archived) is scored against: the longest tier's, so their score fades
# slowly instead of reading overdue.
SCORING_CADENCE_WITHOUT_CHECKINS = 180


def get_cadences(db: Database) -> dict[str, int]:
    """Days between check-ins for each tier (archived people have none)."""
    stored = get_setting(db, "cadences", {}) or {}
    return {tier: int(stored.get(tier, days)) for tier, days in DEFAULT_CADENCE.items()}


def save_cadences(db: Database, cadences: dict[str, object]) -> dict[str, int]:
    clean = get_cadences(db)
    for tier, days in cadences.items():
        if tier not in DEFAULT_CADENCE:
            raise ValidationError(f"Unknown tier {tier!r}.")
        clean[tier] = integer(days, f"Cadence for {tier}", minimum=1, maximum=3650)
    set_setting(db, "cadences", clean)
    return clean


def cadence_for(person: dict, cadences: dict[str, int]) -> int | None:
    """Days between check-ins for this person: their own override, else their tier's; None if archived."""
    return _cadence(person.get("tier"), person.get("cadence_days"), person.get("archived_at"), cadences)


def _cadence(tier: str | None, cadence_days: int | None, archived_at: str | None,
             cadences: dict[str, int]) -> int | None:
    if archived_at or tier == "archived":
        return None
    return cadence_days or cadences.get(tier or "network", 90)


def score_person(db: Database, person: dict, today: date) -> Score:
    """Compute (without storing) a person's score as of today: what refresh_people stores for them, with
    every fact of the Score (the guardrail's run, for checkin_pause)."""
    cadence = cadence_for(person, get_cadences(db)) or SCORING_CADENCE_WITHOUT_CHECKINS
    return _score_logs(db, [(person["id"], cadence)], today)[0]


def _score_logs(db: Database, people: list[tuple[int, int]], today: date) -> list[Score]:
    """score_log() for each (person, cadence), from their touches in the database: the per-person path,
    for the few people the bulk scorer leaves to it and for checking one person."""
    touches = touches_of(db, [pid for pid, _ in people])
    return [score_log(touches.get(pid, []), cadence, today) for pid, cadence in people]


# From this many people on, score them all at once with numpy (core.bulk_scoring); below it the
# per-person path is quicker than setting the arrays up.
BULK_FROM = 40


def refresh_people(db: Database, today: date, person_ids: Iterable[int] | None = None) -> int:
    """Recompute stored scores and check-ins for some people (None: everyone). Returns how many."""
    everyone = person_ids is None
    ids = None if everyone else list(person_ids)
    if not everyone and not ids:
        return 0
    cadences = get_cadences(db)
    people, stored = _people_and_scores(db, ids)
    pids = [p[0] for p in people]
    own_cadence = [_cadence(tier, days, archived, cadences) for _, tier, days, archived in people]
    used = [c or SCORING_CADENCE_WITHOUT_CHECKINS for c in own_cadence]
    results = _scores(db, today, pids, used, everyone)
    paused = _paused(db, today, [(pids[i], used[i]) for i, r in enumerate(results) if r[1] == "unanswered"])
    full, same_score, checkins = _stored_rows(people, own_cadence, results, stored, paused, today)
    with transaction(db):
        db.conn.executemany(
            "update scores set score = ?, score_status = ?, score_confidence = ?, score_reason = ?, "
            "scored_on = ?, last_touch_on = ? where person_id = ?", full)
        db.conn.executemany(
            "update scores set score_status = ?, score_confidence = ?, score_reason = ?, "
            "scored_on = ?, last_touch_on = ? where person_id = ?", same_score)
        _sync_checkins(db, checkins, today, everyone=everyone)
    return len(people)


def _people_and_scores(db: Database, ids: list[int] | None) -> tuple[list[tuple], dict[int, int | None]]:
    """(id, tier, cadence_days, archived_at) of these people (None: everyone), and their stored score values."""
    columns = "select id, tier, cadence_days, archived_at from people"
    # Two plain reads beat a join's 30,000 lookups (140 -> 60 ms at 30,000 people).
    scores = "select person_id, score from scores"
    if ids is None:
        return db.execute(columns).fetchall(), dict(db.execute(scores).fetchall())
    people, stored = [], {}
    for chunk in chunks(ids, 500):
        marks = placeholders(chunk)
        people += db.execute(f"{columns} where id in ({marks})", chunk).fetchall()
        stored.update(db.execute(f"{scores} where person_id in ({marks})", chunk).fetchall())
    return people, stored


def _scores(db: Database, today: date, pids: list[int], cadences: list[int], everyone: bool) -> list[tuple]:
    """(value, status, confidence, reason, days since the last touch) for each person: all at once from
    BULK_FROM people on, and one by one (score_log) for fewer and for those the bulk scorer leaves to it."""
    if len(pids) >= BULK_FROM:
        results, hard = score_people(db, today, pids, cadences, everyone=everyone)
    else:
        results, hard = [None] * len(pids), range(len(pids))
    if hard:
        for i, s in zip(hard, _score_logs(db, [(pids[i], cadences[i]) for i in hard], today), strict=True):
            results[i] = (s.value, s.status, s.confidence, s.reason, s.days_since)
    return results


def _stored_rows(people: list[tuple], own_cadence: list[int | None], results: list[tuple],
                 stored: dict[int, int | None], paused: set[int], today: date) -> tuple[list, list, list]:
    """The rows refresh_people writes: scores whose value changed, scores whose value did not (an unchanged
    score skips the score column, and so the upkeep of its index), and each person's (id, cadence or None
    while paused or archived, last touch as ISO text) for _sync_checkins."""
    today_iso = today.isoformat()
    days_ago: dict[int, str] = {}
    full, same_score, checkins = [], [], []
    for person, cadence, (value, status, confidence, reason, since) in zip(people, own_cadence, results,
                                                                           strict=True):
        if since is None:
            last_iso = None
        else:
            last_iso = days_ago.get(since)
            if last_iso is None:
                last_iso = days_ago[since] = (today - timedelta(days=since)).isoformat()
        checkins.append((person[0], None if person[0] in paused else cadence, last_iso))
        if value != stored.get(person[0]):
            full.append((value, status, confidence, reason, today_iso, last_iso, person[0]))
        else:
            same_score.append((status, confidence, reason, today_iso, last_iso, person[0]))
    return full, same_score, checkins


def _paused(db: Database, today: date, unanswered: list[tuple[int, int]]) -> set[int]:
    """Of these (person, cadence) whose status is `unanswered`, the ones whose check-ins are paused
    (SCORING.md §4.8.4): all of them, except those the user chose "try once more" for (checkin_resume_on)
    whose newest unanswered message was sent before that day. Few people, so read one by one."""
    if not unanswered:
        return set()
    ids = [pid for pid, _ in unanswered]
    resumed: dict[int, str] = {}
    for chunk in chunks(ids, 500):
        resumed.update(db.execute(
            "select person_id, checkin_resume_on from scores where checkin_resume_on is not null "
            f"and person_id in ({placeholders(chunk)})", chunk).fetchall())
    paused = {pid for pid in ids if pid not in resumed}
    lifted = [(pid, cadence) for pid, cadence in unanswered if pid in resumed]
    if lifted:
        for (pid, _), s in zip(lifted, _score_logs(db, lifted, today), strict=True):
            if _held(s, resumed[pid], today):
                paused.add(pid)
    return paused


def _held(s: Score, resumed_on: str | None, today: date) -> bool:
    """Whether the guardrail holds check-ins for a person scored `s`: it fired, and no "try once more"
    since the newest message it counts was sent."""
    if s.status != "unanswered":
        return False
    if resumed_on is None or s.newest_unanswered is None:
        return True
    return (today - timedelta(days=s.newest_unanswered)).isoformat() >= resumed_on


def checkin_pause(db: Database, person_id: int, today: date) -> dict | None:
    """The guardrail for one person (SCORING.md §4.8.4): None when their last messages did not go unanswered;
    else {"run": how many went unanswered, "paused": whether their check-ins are held (False after
    "try once more"), "notice": the sentence pages show}."""
    person = one(db, "select p.id, p.tier, p.cadence_days, p.archived_at, s.score_status, s.checkin_resume_on "
                     "from people p join scores s on s.person_id = p.id where p.id = ?", [person_id])
    if person is None or person["score_status"] != "unanswered":  # the stored status: kept by refresh_people
        return None
    s = score_person(db, person, today)
    if s.status != "unanswered":
        return None
    return {"run": s.unanswered_run, "paused": _held(s, person["checkin_resume_on"], today),
            "notice": f"Your last {s.unanswered_run} messages went unanswered: pause and offer value"}


def try_once_more(db: Database, person_id: int, today: date) -> str | None:
    """Lift the guardrail's pause on a person's check-ins (the user chose to write once more).

    From `today` on, the pause holds again only when a message sent on or after today goes unanswered;
    an answer lifts it for good (the score changes). The check-in is scheduled again at once.
    Returns the open check-in's due day (ISO text), or None when there is none (archived, no touch).
    Raises NotFound for an unknown person.
    """
    with transaction(db):
        changed = db.execute("update scores set checkin_resume_on = ? where person_id = ?",
                             [today.isoformat(), person_id]).rowcount
        if not changed:
            raise NotFound(f"There is no person with id {person_id}.")
        refresh_people(db, today, [person_id])
    found = one(db, "select due from followups where reason = 'check_in' and status = 'open' and person_id = ?",
                [person_id])
    return found["due"] if found else None


def _sync_checkins(db: Database, checkins: list[tuple[int, int | None, str | None]], today: date,
                   everyone: bool = False) -> None:
    """One check-in row per person, due `cadence` days after the later of their last touch and the
    day the user last marked a check-in done; snoozes hold until something new happens.

    `checkins` holds (person, cadence or None, last touch as ISO text or None). No cadence (archived, or
    check-ins paused by the guardrail, SCORING.md §4.8.4) schedules nothing and closes an open check-in
    as skipped; it reopens, counted from the last touch, once a cadence comes back. Days stay ISO text,
    which orders as the dates do: the daily refresh checks 30,000 people and changes few."""
    existing = _checkin_rows(db, [c[0] for c in checkins], everyone)
    inserts, updates, skips = _checkin_changes(checkins, existing, today)
    db.conn.executemany(
        "insert into followups (person_id, reason, due, status, anchor_on, dedupe_key, created_at) "
        "values (?, 'check_in', ?, 'open', ?, ?, ?)", inserts)
    db.conn.executemany(
        "update followups set due = ?, anchor_on = ?, status = 'open', closed_on = ?, snoozes = 0 "
        "where id = ?", updates)
    db.conn.executemany("update followups set status = 'skipped', closed_on = ? where id = ?", skips)


def _checkin_rows(db: Database, pids: list[int], everyone: bool) -> dict[int, tuple]:
    """These people's check-in rows by person: (person_id, id, status, due, anchor_on, closed_on, snoozes)."""
    existing = {}
    select = "select person_id, id, status, due, anchor_on, closed_on, snoozes from followups{} where reason = 'check_in'"
    if everyone:
        # Nearly every row is a check-in: a scan beats the reason index's 30,000 lookups (42 vs 78 ms).
        for r in db.execute(select.format(" not indexed")):
            existing[r[0]] = r
    else:
        for chunk in chunks(pids, 500):
            for r in db.execute(f"{select.format('')} and person_id in ({placeholders(chunk)})", chunk):
                existing[r[0]] = r
    return existing


def _checkin_changes(checkins: list[tuple[int, int | None, str | None]], existing: dict[int, tuple],
                     today: date) -> tuple[list, list, list]:
    """The check-ins to insert, to (re)open with a new due day, and to close as skipped (see _sync_checkins)."""
    inserts, updates, skips = [], [], []
    stamp = now_iso()
    today_iso = today.isoformat()
    dues: dict[tuple[str, int], str] = {}  # (anchor, cadence) -> due
    for pid, cadence, last in checkins:
        row = existing.get(pid)
        if cadence is None or last is None:
            if row and row[2] == "open":
                skips.append((today_iso, row[1]))
            continue
        # The day the user last marked this check-in done stays in closed_on when it reopens, so the
        # next cycle keeps counting from it on later refreshes (a skipped one does not count).
        done_on = row[5] if row and row[5] and row[2] in ("done", "open") else None
        anchor_iso = max(last, done_on) if done_on else last
        due = dues.get((anchor_iso, cadence))
        if due is None:
            due = dues[anchor_iso, cadence] = (date.fromisoformat(anchor_iso) + timedelta(days=cadence)).isoformat()
        if row is None:
            inserts.append((pid, due, anchor_iso, f"check_in:{pid}", stamp))
        elif row[2] != "open" or row[4] != anchor_iso or (row[3] != due and not row[6]):
            # closed, or a newer anchor; or the cadence moved its due day (a snoozed one keeps its date)
            updates.append((due, anchor_iso, done_on, row[1]))
    return inserts, updates, skips


def daily_refresh(db: Database, today: date, force: bool = False) -> bool:
    """Once a day: rescore everyone (time passes) and create the coming date reminders."""
    if not force and get_setting(db, "refreshed_on") == today.isoformat():
        return False
    with transaction(db):
        refresh_people(db, today)
        schedule_date_reminders(db, today)
        set_setting(db, "refreshed_on", today.isoformat())
    return True
