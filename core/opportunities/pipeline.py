"""Opportunities: roles at companies moving through stages, the people around each one, and its timeline.

Tables (core/migrations.py m014): opportunities, opportunity_people (a person's role on one: referrer,
recruiter, hiring manager, interviewer, insider) and opportunity_timeline (stage changes, interviews,
people linked). What the pipeline asks of the user is a follow-up (reason 'opportunity', about no one
for a deadline, about the recruiter or referrer for the check-in a week after applying), so Today, the
board, the calendar and the .ics export show it like any other. An interview is recorded as a touch
through core.interactions.record_touches, the one write path of the log.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlite_utils import Database

from core import validation as v
from core.contacts import get_or_create_company
from core.db import now_iso, one, placeholders, rows, scalar, transaction
from core.errors import NotFound, ValidationError
from core.interactions import record_touches
from core.vocab import INTERVIEW_CHANNELS

STAGES = ("researching", "networking", "referred", "applied", "interviewing", "offer", "closed")
STAGE_LABELS = {"researching": "Researching", "networking": "Networking", "referred": "Referred",
                "applied": "Applied", "interviewing": "Interviewing", "offer": "Offer", "closed": "Closed"}
OPEN_STAGES = STAGES[:-1]
CLOSED_REASONS = {"hired": "Hired", "declined": "I declined", "rejected": "Rejected", "went_quiet": "Went quiet"}
ROLES = {"referrer": "Referrer", "recruiter": "Recruiter", "hiring_manager": "Hiring manager",
         "interviewer": "Interviewer", "insider": "Insider who advised"}
SOURCES = {"referral": "Referral", "recruiter": "A recruiter reached out", "cold_application": "Applied cold",
           "network": "A lead from my network", "other": "Other"}
# Before applying, a deadline is something to act on; from "applied" on it has been met.
BEFORE_APPLYING = ("researching", "networking", "referred")
CHECK_IN_DAYS = 7  # "applied" schedules a check-in with the recruiter or referrer a week later
INTERVIEW_THANKS_DAYS = 1  # an interviewer is thanked within 24 hours
REASON = "opportunity"  # followups.reason of everything the pipeline schedules
SALARY_MAX = 100_000_000

FIELDS = ("company", "title", "link", "source", "salary_min", "salary_max", "salary_currency", "notes", "found_on",
          "deadline")


def stage_rank(stage: str) -> int:
    return STAGES.index(stage)


def _clean(fields: dict, today: date, *, partial: bool) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(f"An opportunity has no field called {', '.join(sorted(unknown))}.")
    out: dict = {}
    if not partial or "title" in fields:
        out["title"] = v.text(fields.get("title"), "Role title", required=True)
    if not partial or "company" in fields:
        out["company"] = v.text(fields.get("company"), "Company", required=True)
    if "link" in fields:
        out["link"] = v.url(fields.get("link"), "Link to the posting")
    if not partial or "source" in fields:
        out["source"] = v.choice(fields.get("source") or "other", "Where it came from", SOURCES)
    for key, label in (("salary_min", "Lowest salary"), ("salary_max", "Highest salary")):
        if key in fields:
            out[key] = v.integer(fields.get(key), label, minimum=0, maximum=SALARY_MAX, required=False)
    if "salary_currency" in fields:
        out["salary_currency"] = v.text(fields.get("salary_currency"), "Currency", max_len=10)
    if "notes" in fields:
        out["notes"] = v.long_text(fields.get("notes"), "Notes")
    if not partial or "found_on" in fields:
        found = v.parse_date(fields.get("found_on") or today, "Date found")
        if found > today:
            raise ValidationError("The date you found it can't be in the future.")
        out["found_on"] = found.isoformat()
    if "deadline" in fields:
        deadline = v.parse_date(fields.get("deadline"), "Deadline", required=False)
        out["deadline"] = deadline.isoformat() if deadline else None
    return out


def _check_salary(record: dict) -> None:
    low, high = record.get("salary_min"), record.get("salary_max")
    if low is not None and high is not None and low > high:
        raise ValidationError("The lowest salary is above the highest: swap them or leave one empty.")


def add_opportunity(db: Database, *, today: date, stage: str = "researching", **fields) -> int:
    """Add a role at a company (created if new): title and company are required, the rest optional.

    Validated (ValidationError, nothing written); its first timeline entry is the stage it starts in; a
    deadline before applying becomes a follow-up. Returns its id.
    """
    record = _clean(fields, today, partial=False)
    stage = v.choice(stage, "Stage", OPEN_STAGES)
    _check_salary(record)
    stamp = now_iso()
    with transaction(db):
        company_id = get_or_create_company(db, record.pop("company"))
        new_id = db.table("opportunities").insert({
            **record, "company_id": company_id, "stage": stage, "created_at": stamp, "updated_at": stamp}).last_pk
        _timeline(db, new_id, today, "stage", from_stage="", to_stage=stage, note="Added")
        _sync_deadline(db, new_id, today)
        if stage in ("applied", "interviewing", "offer"):
            _schedule_checkins(db, new_id, today)
    return new_id


def update_opportunity(db: Database, opportunity_id: int, *, today: date, **fields) -> None:
    """Edit an opportunity's fields (not its stage: move_stage and close do that); the deadline follows."""
    current = get_opportunity(db, opportunity_id)
    record = _clean(fields, today, partial=True)
    _check_salary({**{k: current[k] for k in ("salary_min", "salary_max")}, **record})
    with transaction(db):
        if "company" in record:
            record["company_id"] = get_or_create_company(db, record.pop("company"))
        if record:
            db.table("opportunities").update(opportunity_id, {**record, "updated_at": now_iso()})
        _sync_deadline(db, opportunity_id, today)


def delete_opportunity(db: Database, opportunity_id: int) -> None:
    """Remove an opportunity with its links, timeline and open follow-ups (touches in the log stay).

    Its closed follow-ups stay as history under a key of their own: SQLite gives a new opportunity the id of the
    newest deleted one, and its follow-ups must not collide with (and be ignored for) the old ones' keys.
    """
    get_opportunity(db, opportunity_id)
    keys = f"opportunity:{opportunity_id}:%"
    with transaction(db):
        db.execute("delete from followups where dedupe_key like ? and status = 'open'", [keys])
        db.execute("update followups set dedupe_key = 'deleted:' || id || ':' || dedupe_key where dedupe_key like ?",
                   [keys])
        db.execute("delete from opportunities where id = ?", [opportunity_id])


def move_stage(db: Database, opportunity_id: int, stage: str, today: date, note: str = "") -> dict:
    """Move to another open stage (forward or back; a closed one reopens), with a timeline entry.

    Closing goes through close(), which asks why. Moving to "applied" schedules a check-in with each
    recruiter and referrer a week later; moving past the application closes the deadline's follow-up.
    Returns {"checkins": [follow-up ids scheduled]}.
    """
    current = get_opportunity(db, opportunity_id)
    if stage == "closed":
        raise ValidationError("To close an opportunity, say why: hired, declined, rejected or went quiet.")
    stage = v.choice(stage, "Stage", OPEN_STAGES)
    note = v.text(note, "Note")
    if stage == current["stage"]:
        raise ValidationError(f"It is already at {STAGE_LABELS[stage].lower()}.")
    with transaction(db):
        db.execute("update opportunities set stage = ?, closed_reason = '', updated_at = ? where id = ?",
                   [stage, now_iso(), opportunity_id])
        _timeline(db, opportunity_id, today, "stage", from_stage=current["stage"], to_stage=stage, note=note)
        _sync_deadline(db, opportunity_id, today)
        checkins = _schedule_checkins(db, opportunity_id, today) if stage == "applied" else []
    return {"checkins": checkins}


def close_opportunity(db: Database, opportunity_id: int, reason: str, today: date, note: str = "") -> None:
    """Close with why (hired, declined, rejected, went_quiet): its open follow-ups close with it."""
    current = get_opportunity(db, opportunity_id)
    reason = v.choice(reason, "Why it closed", CLOSED_REASONS)
    note = v.text(note, "Note")
    if current["stage"] == "closed":
        raise ValidationError("It is already closed; move it to another stage to reopen it.")
    with transaction(db):
        db.execute("update opportunities set stage = 'closed', closed_reason = ?, updated_at = ? where id = ?",
                   [reason, now_iso(), opportunity_id])
        _timeline(db, opportunity_id, today, "stage", from_stage=current["stage"], to_stage="closed",
                  note=note or CLOSED_REASONS[reason])
        db.execute("update followups set status = 'skipped', closed_on = ? where dedupe_key like ? "
                   "and status = 'open'", [today.isoformat(), f"opportunity:{opportunity_id}:%"])


# --- People around an opportunity ----------------------------------------------------------------


def link_person(db: Database, opportunity_id: int, person_id: int, role: str, today: date) -> bool:
    """Link a person with a role (one person may hold several). Returns False when that link existed.

    A recruiter or referrer linked while the opportunity is at "applied" gets the week-later check-in too.
    """
    opp = get_opportunity(db, opportunity_id)
    role = v.choice(role, "Their role", ROLES)
    person = one(db, "select id, name from people where id = ?", [person_id])
    if not person:
        raise NotFound("That person does not exist (any more); pick someone from your list.")
    with transaction(db):
        cur = db.execute("insert or ignore into opportunity_people (opportunity_id, person_id, role, created_at) "
                         "values (?, ?, ?, ?)", [opportunity_id, person_id, role, now_iso()])
        if cur.rowcount:
            _timeline(db, opportunity_id, today, "person", person_id=person_id,
                      note=f"Linked {person['name']} as {ROLES[role].lower()}")
            if role in ("recruiter", "referrer") and opp["stage"] == "applied":
                _schedule_checkins(db, opportunity_id, today)
    return bool(cur.rowcount)


def unlink_person(db: Database, opportunity_id: int, person_id: int, role: str, today: date) -> None:
    """Remove one link (the person and their log are untouched); its open check-in goes with it."""
    get_opportunity(db, opportunity_id)
    role = v.choice(role, "Their role", ROLES)
    with transaction(db):
        cur = db.execute("delete from opportunity_people where opportunity_id = ? and person_id = ? and role = ?",
                         [opportunity_id, person_id, role])
        if not cur.rowcount:
            raise NotFound("That person is not linked to this opportunity in that role.")
        name = scalar(db, "select name from people where id = ?", [person_id]) or "someone"
        _timeline(db, opportunity_id, today, "person", person_id=person_id,
                  note=f"Unlinked {name} ({ROLES[role].lower()})")
        if not db.execute("select 1 from opportunity_people where opportunity_id = ? and person_id = ? and role in "
                          "('recruiter', 'referrer')", [opportunity_id, person_id]).fetchone():
            db.execute("delete from followups where dedupe_key = ? and status = 'open'",
                       [f"opportunity:{opportunity_id}:checkin:{person_id}"])


def people_of(db: Database, opportunity_id: int) -> list[dict]:
    """The people linked to an opportunity with their role, score and status (one row per link)."""
    return rows(db, (
        "select op.person_id as id, op.role, p.name, p.title, p.email, p.archived_at, coalesce(c.name, '') as "
        "company, s.score, s.score_status, s.score_confidence, s.score_reason from opportunity_people op "
        "join people p on p.id = op.person_id left join companies c on c.id = p.company_id "
        "left join scores s on s.person_id = p.id where op.opportunity_id = ? order by op.role, p.name"),
        [opportunity_id])


def opportunities_of(db: Database, person_id: int) -> list[dict]:
    """The opportunities a person is linked to, with their role on each."""
    return rows(db, (
        "select o.id, o.title, o.stage, coalesce(c.name, '') as company, op.role from opportunity_people op "
        "join opportunities o on o.id = op.opportunity_id left join companies c on c.id = o.company_id "
        "where op.person_id = ? order by o.updated_at desc"), [person_id])


# --- Interviews -----------------------------------------------------------------------------------


def log_interview(db: Database, opportunity_id: int, *, day: object, channel: str, today: date,
                  person_ids: list[int] | None = None, notes: str = "") -> dict:
    """An interview happened: a touch with each interviewer through record_touches (a meeting, tagged
    interview), each of them linked as interviewer, the opportunity at "interviewing" at least, and a
    thank-you to each interviewer due within 24 hours of the interview (the thank-you record_touches
    schedules for a conversation, brought forward to the next day; an interview older than the log's
    thank-you look-back gets none). person_ids default to everyone linked as interviewer.

    Returns {"interactions": [ids], "thank_yous": [follow-up ids due within 24 hours]}.
    """
    opp = get_opportunity(db, opportunity_id)
    if opp["stage"] == "closed":
        raise ValidationError("This opportunity is closed; reopen it (move it to a stage) to log an interview.")
    if channel not in INTERVIEW_CHANNELS:
        raise ValidationError("An interview is a call, a video call or a meeting in person: pick one of those.")
    when = v.parse_date(day, "Interview date")
    if when > today:
        raise ValidationError("That interview is in the future: log it once it has happened.")
    notes = v.long_text(notes, "Notes")
    if person_ids is None:
        person_ids = [p["id"] for p in people_of(db, opportunity_id) if p["role"] == "interviewer"]
    person_ids = list(dict.fromkeys(person_ids))
    if not person_ids:
        raise ValidationError("Who interviewed you? Pick at least one interviewer (add them to your list first "
                              "if they are new).")
    label = f"Interview: {opp['title']}" + (f" at {opp['company']}" if opp["company"] else "")
    with transaction(db):
        ids = record_touches(db, [{
            "person_id": pid, "day": when, "channel": channel, "direction": "me", "nature": "meeting",
            "tags": ["interview"], "notes": f"{label}. {notes}".strip() if notes else label}
            for pid in person_ids], today=today)
        due = (when + timedelta(days=INTERVIEW_THANKS_DAYS)).isoformat()
        thanks = []
        for pid, interaction_id in zip(person_ids, ids, strict=True):
            db.execute("insert or ignore into opportunity_people (opportunity_id, person_id, role, created_at) "
                       "values (?, ?, 'interviewer', ?)", [opportunity_id, pid, now_iso()])
            _timeline(db, opportunity_id, when, "interview", person_id=pid, interaction_id=interaction_id,
                      note=notes)
            name = scalar(db, "select name from people where id = ?", [pid])
            found = one(db, "select id from followups where person_id = ? and reason = 'thank_you' "
                            "and status = 'open' order by due limit 1", [pid])
            if found:
                db.execute("update followups set due = min(due, ?), title = ? where id = ?",
                           [due, f"Thank {name} for the {opp['title']} interview", found["id"]])
                thanks.append(found["id"])
        if stage_rank(opp["stage"]) < stage_rank("interviewing"):
            db.execute("update opportunities set stage = 'interviewing', updated_at = ? where id = ?",
                       [now_iso(), opportunity_id])
            _timeline(db, opportunity_id, when, "stage", from_stage=opp["stage"], to_stage="interviewing")
            _sync_deadline(db, opportunity_id, today)
        db.execute("update opportunities set updated_at = ? where id = ?", [now_iso(), opportunity_id])
    return {"interactions": ids, "thank_yous": thanks}


# --- Follow-ups the pipeline schedules --------------------------------------------------------------


def _sync_deadline(db: Database, opportunity_id: int, today: date) -> None:
    """Keep the deadline's follow-up (about no one) in step: open while the role is not yet applied for,
    done once it is, gone when the deadline is cleared."""
    opp = one(db, "select o.*, coalesce(c.name, '') as company from opportunities o left join companies c "
                  "on c.id = o.company_id where o.id = ?", [opportunity_id])
    key = f"opportunity:{opportunity_id}:deadline"
    existing = one(db, "select id, status from followups where dedupe_key = ?", [key])
    wanted = bool(opp["deadline"]) and opp["stage"] in BEFORE_APPLYING
    if wanted:
        title = f"Deadline: apply for {opp['title']}" + (f" at {opp['company']}" if opp["company"] else "")
        if existing:
            db.execute("update followups set due = ?, title = ?, status = 'open', closed_on = null where id = ?",
                       [opp["deadline"], title, existing["id"]])
        else:
            db.execute("insert into followups (person_id, reason, due, title, dedupe_key, created_at) "
                       "values (null, ?, ?, ?, ?, ?)", [REASON, opp["deadline"], title, key, now_iso()])
    elif existing and existing["status"] == "open":
        if opp["deadline"] and opp["stage"] != "closed":
            db.execute("update followups set status = 'done', closed_on = ? where id = ?",
                       [today.isoformat(), existing["id"]])
        else:
            db.execute("delete from followups where id = ?", [existing["id"]])


def _applied_on(db: Database, opportunity_id: int, today: date) -> date:
    found = scalar(db, "select max(day) from opportunity_timeline where opportunity_id = ? and kind = 'stage' "
                       "and to_stage = 'applied'", [opportunity_id])
    return date.fromisoformat(found) if found else today


def _schedule_checkins(db: Database, opportunity_id: int, today: date) -> list[int]:
    """A check-in with each recruiter and referrer a week after applying (once per person and opportunity)."""
    opp = get_opportunity(db, opportunity_id)
    due = (_applied_on(db, opportunity_id, today) + timedelta(days=CHECK_IN_DAYS)).isoformat()
    made = []
    for p in rows(db, "select distinct p.id, p.name from opportunity_people op join people p on p.id = op.person_id "
                      "where op.opportunity_id = ? and op.role in ('recruiter', 'referrer') and p.archived_at is null "
                      "order by p.id", [opportunity_id]):
        title = f"Check in with {p['name']} about your {opp['title']} application"
        cur = db.execute("insert or ignore into followups (person_id, reason, due, title, dedupe_key, created_at) "
                         "values (?, ?, ?, ?, ?, ?)",
                         [p["id"], REASON, due, title, f"opportunity:{opportunity_id}:checkin:{p['id']}", now_iso()])
        if cur.rowcount:
            made.append(cur.lastrowid)
    return made


def followups_of(db: Database, opportunity_id: int) -> list[dict]:
    """The open follow-ups this opportunity scheduled (its deadline, its check-ins) and its interviewers'
    open thank-yous."""
    return rows(db, (
        "select f.id, f.person_id, f.reason, f.due, f.title, p.name as person from followups f "
        "left join people p on p.id = f.person_id where f.status = 'open' and ((f.dedupe_key >= ? and "
        "f.dedupe_key < ?) or "
        "(f.reason = 'thank_you' and f.interaction_id in (select interaction_id from opportunity_timeline "
        "where opportunity_id = ? and kind = 'interview'))) order by f.due, f.id"),
        [f"opportunity:{opportunity_id}:", f"opportunity:{opportunity_id};", opportunity_id])  # a range: by index


def upcoming_deadlines(db: Database, today: date, days: int = 14, limit: int = 10) -> list[dict]:
    """Open opportunities not yet applied for whose deadline is within `days` (or passed), soonest first."""
    marks = placeholders(BEFORE_APPLYING)
    found = rows(db, (
        "select o.id, o.title, o.deadline, o.stage, coalesce(c.name, '') as company from opportunities o "
        f"left join companies c on c.id = o.company_id where o.stage in ({marks}) and o.deadline is not null "
        "and o.deadline <= ? order by o.deadline, o.id limit ?"),
        [*BEFORE_APPLYING, (today + timedelta(days=days)).isoformat(), limit])
    for r in found:
        r["days_left"] = (date.fromisoformat(r["deadline"]) - today).days
    return found


# --- Reading ---------------------------------------------------------------------------------------

_FROM = "from opportunities o left join companies c on c.id = o.company_id "
_SELECT = ("select o.*, coalesce(c.name, '') as company, "
           "(select count(*) from opportunity_people op where op.opportunity_id = o.id) as people " + _FROM)


def get_opportunity(db: Database, opportunity_id: object) -> dict:
    found = one(db, _SELECT + "where o.id = ?", [opportunity_id]) if isinstance(opportunity_id, int) else None
    if not found:
        raise NotFound("That opportunity does not exist (any more).")
    return found


def list_opportunities(db: Database, *, search: str = "", stages: list[str] | tuple[str, ...] = (),
                       source: str = "", company_id: int | None = None, limit: int = 500) -> tuple[list[dict], int]:
    """Opportunities matching the filters, most recently changed first: (rows, total matching)."""
    where, params = ["1"], []
    if search.strip():
        where.append("(o.title like ? or c.name like ? or o.notes like ?)")
        params += [f"%{search.strip()}%"] * 3
    if stages:
        stages = [v.choice(s, "Stage", STAGES) for s in stages]
        where.append(f"o.stage in ({placeholders(stages)})")
        params += stages
    if source:
        where.append("o.source = ?")
        params.append(v.choice(source, "Where it came from", SOURCES))
    if company_id is not None:
        where.append("o.company_id = ?")
        params.append(company_id)
    clause = " and ".join(where)
    total = scalar(db, f"select count(*) from opportunities o left join companies c on c.id = o.company_id "
                       f"where {clause}", params)
    found = rows(db, _SELECT + f"where {clause} order by o.updated_at desc, o.id desc limit ?", [*params, limit])
    return found, total


def pipeline(db: Database, per_stage: int = 30, include_closed: bool = True) -> dict[str, dict]:
    """The board: {stage: {"items": [the `per_stage` most recently changed], "total": n}} for every stage."""
    totals = dict(db.execute("select stage, count(*) from opportunities group by stage").fetchall())
    board = {}
    for stage in STAGES if include_closed else OPEN_STAGES:
        items = rows(db, _SELECT + "where o.stage = ? order by o.updated_at desc, o.id desc limit ?",
                     [stage, per_stage])
        board[stage] = {"items": items, "total": totals.get(stage, 0)}
    return board


def timeline(db: Database, opportunity_id: int) -> list[dict]:
    """What happened to an opportunity, newest first: stage changes, interviews, people linked."""
    return rows(db, (
        "select t.*, p.name as person from opportunity_timeline t left join people p on p.id = t.person_id "
        "where t.opportunity_id = ? order by t.day desc, t.id desc"), [opportunity_id])


def _timeline(db: Database, opportunity_id: int, day: date, kind: str, *, from_stage: str = "", to_stage: str = "",
              person_id: int | None = None, interaction_id: int | None = None, note: str = "") -> None:
    db.execute("insert into opportunity_timeline (opportunity_id, day, kind, from_stage, to_stage, person_id, "
               "interaction_id, note, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [opportunity_id, day.isoformat(), kind, from_stage, to_stage, person_id, interaction_id, note,
                now_iso()])


def salary_text(opp: dict) -> str:
    """'70,000–80,000 EUR', 'from 70,000', 'up to 80,000' or ''."""
    low, high, cur = opp.get("salary_min"), opp.get("salary_max"), opp.get("salary_currency") or ""
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        text = f"{low:,}" if low == high else f"{low:,}–{high:,}"
    else:
        text = f"from {low:,}" if low is not None else f"up to {high:,}"
    return f"{text} {cur}".strip()


_NUMBER = re.compile(r"(\d[\d,.\s]*)\s*([kK])?")


def parse_salary(text: object) -> tuple[int | None, int | None, str]:
    """A salary as a tracker exports it ('$120,000 - $150,000', '70k-80k EUR', '95000') as (min, max, currency)."""
    raw = str(text or "").strip()
    if not raw:
        return None, None, ""
    numbers = []
    for digits, thousands in _NUMBER.findall(raw):
        cleaned = re.sub(r"[,\s]", "", digits).rstrip(".")
        if not cleaned:
            continue
        try:
            value = float(cleaned)
        except ValueError:
            continue
        numbers.append(int(value * (1000 if thousands else 1)))
    currency = next((c for c in ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "INR")
                     if c in raw.upper()), "")
    if not currency:
        currency = {"$": "USD", "€": "EUR", "£": "GBP"}.get(next((ch for ch in raw if ch in "$€£"), ""), "")
    numbers = [n for n in numbers if 0 <= n <= SALARY_MAX]
    if not numbers:
        return None, None, currency
    return min(numbers[:2]), max(numbers[:2]), currency
