"""Events the user attends, and the people met there, each with a follow-up the next day."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from core import validation as v
from core.db import now_iso, one, placeholders, rows, transaction
from core.errors import NotFound
from core.followups import THANK_REASONS, THANK_YOU_LOOKBACK, due_phrase
from core.interactions import log_interaction
from core.people import add_person, get_or_create_company

MET_NOTE_MAX = 2000  # the one note about someone met at an event ("talked about their data team")
EVENT_FIELDS = {"name": "Event name", "place": "Place", "url": "Event page", "research": "Research notes",
                "pitch": "Elevator pitch", "notes": "Notes"}


def timing(day: str, today: date) -> str:
    """Where an event's day (YYYY-MM-DD) stands against today: "coming up", "today" or "past"."""
    now = today.isoformat()
    return "coming up" if day > now else "today" if day == now else "past"


def _clean(fields: dict) -> dict:
    out = {}
    for key, value in fields.items():
        if key == "name":
            out[key] = v.text(value, "Event name", required=True)
        elif key == "day":
            out[key] = v.parse_date(value, "Event date").isoformat()
        elif key == "url":
            out[key] = v.url(value, "Event page")
        elif key == "place":
            out[key] = v.text(value, "Place")
        elif key in EVENT_FIELDS:
            out[key] = v.long_text(value, EVENT_FIELDS[key])
        else:
            raise v.ValidationError(f"Unknown event field {key!r}.")
    return out


def add_event(db: Database, *, name: str, day: object, **fields) -> int:
    record = _clean({"name": name, "day": day, **fields})
    stamp = now_iso()
    record.update(created_at=stamp, updated_at=stamp)
    return db.table("events").insert(record).last_pk


def update_event(db: Database, event_id: int, **fields) -> None:
    get_event(db, event_id)
    record = _clean(fields)
    record["updated_at"] = now_iso()
    db.table("events").update(event_id, record)


def get_event(db: Database, event_id: int) -> dict:
    found = one(db, "select * from events where id = ?", [event_id])
    if not found:
        raise NotFound("That event no longer exists.")
    return found


def list_events(db: Database) -> list[dict]:
    return rows(db, "select e.*, count(ep.person_id) as people_met from events e "
                    "left join event_people ep on ep.event_id = e.id group by e.id order by e.day desc")


def add_person_met(db: Database, event_id: int, *, today: date, person_id: int | None = None, name: str = "",
                   title: str = "", company: str = "", note: str = "", details: str = "") -> int:
    """Record someone met at an event in seconds: creates them if new, logs the conversation on the
    event's day, and schedules the follow-up for the next day. Returns the person's id."""
    event = get_event(db, event_id)
    if event["day"] > today.isoformat():
        raise v.ValidationError("This event hasn't happened yet; add the people you meet once it has.")
    note = v.text(note, "Note", max_len=MET_NOTE_MAX)
    with transaction(db):
        if person_id is None:
            person_id = add_person(db, name=name, title=title, company=company, how_met="event",
                                   met_via=event["name"], today=today)
        else:
            if not db.table("people").count_where("id = ?", [person_id]):
                raise NotFound("That person does not exist (any more).")
            if company:
                get_or_create_company(db, company)
        db.execute("insert or ignore into event_people (event_id, person_id, note) values (?, ?, ?)",
                   [event_id, person_id, note])
        log_interaction(db, person_id, day=event["day"], channel="event", direction="unknown", nature="conversation",
                        notes=note, details=details, event_id=event_id, today=today)
    return person_id


def met_followup_message(db: Database, event_id: int, person_id: int, today: date) -> str:
    """What to tell the user once someone met at this event is added, read from the follow-up itself so
    it names the day the board shows: 'follow up tomorrow', 'follow up by Tuesday 1 Dec', or for an
    event some days past 'follow up today: it was due Thursday 26 Nov (1 day overdue)'.

    The follow-up keeps its real due date (the event's day + 1), even when that has passed: the
    thank-you window, the score's thank-you lateness and the "thanked within 48 hours" victory all
    count from the day you met, so a due date moved to today would make the board say "due today"
    while the score says "overdue". The message says so and asks for today instead."""
    found = one(db, (
        "select due from followups where event_id = ? and person_id = ? and status = 'open' "
        f"and reason in ({placeholders(THANK_REASONS)}) order by due desc, id desc limit 1"),
        [event_id, person_id, *THANK_REASONS])
    if not found:
        if (today - date.fromisoformat(get_event(db, event_id)["day"])).days > THANK_YOU_LOOKBACK:
            return f"no follow-up scheduled, as the event was more than {THANK_YOU_LOOKBACK} days ago"
        return "no follow-up is open for them from this event"
    return due_phrase(date.fromisoformat(found["due"]), today)


def people_met(db: Database, event_id: int) -> list[dict]:
    """Who was met at an event and where each relationship stands now."""
    return rows(db, (
        "select p.id, p.name, p.title, coalesce(c.name, '') as company, p.stage, s.score, s.score_status, s.score_confidence, "
        "s.score_reason, ep.note from event_people ep join people p on p.id = ep.person_id "
        "join scores s on s.person_id = p.id "
        "left join companies c on c.id = p.company_id where ep.event_id = ? order by p.name"), [event_id])


def _require_met(db: Database, event_id: int, person_id: int) -> dict:
    get_event(db, event_id)
    link = one(db, "select * from event_people where event_id = ? and person_id = ?", [event_id, person_id])
    if not link:
        raise NotFound("That person is not listed as met at this event (any more).")
    return link


def remove_person_met(db: Database, event_id: int, person_id: int, *, today: date | None = None) -> None:
    """Take someone off an event they were added to by mistake; they stay on your list.

    Only the event link goes. The person, their stage and every interaction stay (history is never
    deleted), but the interactions logged at this event no longer point to it, so the composer and
    their timeline stop saying you met them there. Their open event follow-up for this event is
    skipped (status 'skipped', closed on `today`): no reminder for an event they were not at. Done or
    already skipped follow-ups, and every other follow-up, are left as they are. Raises NotFound,
    having changed nothing, when the event or the link does not exist.
    """
    today = today or date.today()
    _require_met(db, event_id, person_id)
    with transaction(db):
        db.execute("delete from event_people where event_id = ? and person_id = ?", [event_id, person_id])
        db.execute("update interactions set event_id = null where event_id = ? and person_id = ?",
                   [event_id, person_id])
        db.execute("update followups set status = 'skipped', closed_on = ? where event_id = ? and person_id = ? "
                   "and reason = 'event_followup' and status = 'open'", [today.isoformat(), event_id, person_id])


def update_met_note(db: Database, event_id: int, person_id: int, note: str) -> None:
    """Correct the note about someone met at an event ('' clears it).

    The note was also logged as the notes of the conversation at the event; that interaction follows
    the correction while it still reads the old note (once edited on its own, it is left alone).
    Raises ValidationError or NotFound, having changed nothing.
    """
    note = v.text(note, "Note", max_len=MET_NOTE_MAX)
    link = _require_met(db, event_id, person_id)
    with transaction(db):
        db.execute("update event_people set note = ? where event_id = ? and person_id = ?",
                   [note, event_id, person_id])
        db.execute("update interactions set notes = ? where event_id = ? and person_id = ? and notes = ?",
                   [note, event_id, person_id, link["note"]])


def delete_event(db: Database, event_id: int) -> None:
    get_event(db, event_id)
    db.execute("delete from events where id = ?", [event_id])
