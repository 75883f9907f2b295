"""The interaction log: every touch with someone, and what logging one sets in motion."""

from __future__ import annotations

import json
from datetime import date

from sqlite_utils import Database

from core import validation as v
from core.db import now_iso, one, rows, transaction
from core.errors import NotFound, ValidationError
from core.followups import schedule_after_interaction
from core.people import advance_stage
from core.relationships import refresh_people
from core.vocab import CHANNEL_MINUTES, CHANNELS, CONVERSATION_CHANNELS, DIRECTIONS, KINDS, NATURES


def log_interaction(db: Database, person_id: int, *, day: object, channel: str, direction: str = "me",
                    kind: str | None = None, nature: str = "", responded: bool | None = None,
                    notes: str = "", details: str = "", tags: object = (), minutes: int | None = None,
                    event_id: int | None = None, today: date | None = None, source: str = "manual",
                    source_uid: str = "") -> int:
    """Log a touch and set its consequences in motion, all in one transaction.

    kind follows from nature when nature is given (a referral request is an ask). The person moves up
    the ladder (contacted, then conversed), a conversation schedules its thank-you, and the person's
    score and next check-in are recomputed. Returns the interaction's id.
    """
    today = today or date.today()
    when = v.parse_date(day, "Date")
    if when > today:
        raise ValidationError("An interaction can't be in the future; add a reminder for it instead.")
    channel = v.choice(channel, "Channel", CHANNELS)
    direction = v.choice(direction, "Who started it", DIRECTIONS)
    nature = v.choice(nature, "What it was", NATURES, required=False)
    if nature:
        implied = NATURES[nature]
        if kind and kind != implied:
            raise ValidationError(f"{nature.replace('_', ' ').capitalize()} is a {implied}, not a {kind}.")
        kind = implied
    kind = v.choice(kind or "neutral", "Give, ask or neutral", KINDS)
    if responded not in (None, True, False):
        raise ValidationError("Replied must be yes, no or unknown.")
    tag_list = v.tags(tags)
    if nature == "thank_you" and "thank_you" not in tag_list:
        tag_list.append("thank_you")
    person = one(db, "select id, name, archived_at from people where id = ?", [person_id])
    if not person:
        raise NotFound("That person does not exist (any more); pick someone from your list.")
    if event_id is not None and not db.table("events").count_where("id = ?", [event_id]):
        raise NotFound("That event does not exist (any more).")
    record = {
        "person_id": person_id, "day": when.isoformat(), "channel": channel, "direction": direction,
        "kind": kind, "nature": nature, "responded": None if responded is None else int(responded),
        "tags": json.dumps(sorted(tag_list)), "notes": v.long_text(notes, "Notes"),
        "details": v.long_text(details, "Details to remember"),
        "minutes": v.integer(minutes, "Minutes", minimum=0, maximum=24 * 60, required=False)
        if minutes is not None else CHANNEL_MINUTES[channel],
        "event_id": event_id, "source": source, "source_uid": source_uid, "created_at": now_iso(),
    }
    with transaction(db):
        interaction_id = db.table("interactions").insert(record).last_pk
        record["id"] = interaction_id
        talked = channel in CONVERSATION_CHANNELS or responded is True or direction == "them" \
            or nature in ("informational_interview", "meeting")
        advance_stage(db, person_id, "conversed" if talked else "contacted", when)
        schedule_after_interaction(db, record, person["name"], today)
        refresh_people(db, today, [person_id])
    return interaction_id


def update_interaction(db: Database, interaction_id: int, *, today: date | None = None, **fields) -> None:
    """Edit an interaction's notes, details, reply or date; the score follows."""
    today = today or date.today()
    row = one(db, "select * from interactions where id = ?", [interaction_id])
    if not row:
        raise NotFound("That interaction no longer exists.")
    update = {}
    if "day" in fields:
        when = v.parse_date(fields["day"], "Date")
        if when > today:
            raise ValidationError("An interaction can't be in the future.")
        update["day"] = when.isoformat()
    if "responded" in fields:
        r = fields["responded"]
        if r not in (None, True, False):
            raise ValidationError("Replied must be yes, no or unknown.")
        update["responded"] = None if r is None else int(r)
    if "notes" in fields:
        update["notes"] = v.long_text(fields["notes"], "Notes")
    if "details" in fields:
        update["details"] = v.long_text(fields["details"], "Details to remember")
    unknown = set(fields) - {"day", "responded", "notes", "details"}
    if unknown:
        raise ValidationError(f"These can't be changed here: {', '.join(sorted(unknown))}.")
    with transaction(db):
        if update:
            db.table("interactions").update(interaction_id, update)
        refresh_people(db, today, [row["person_id"]])


def delete_interaction(db: Database, interaction_id: int, today: date | None = None) -> None:
    """Remove a wrongly logged interaction (and the thank-you it scheduled)."""
    row = one(db, "select person_id from interactions where id = ?", [interaction_id])
    if not row:
        raise NotFound("That interaction no longer exists.")
    with transaction(db):
        db.execute("delete from interactions where id = ?", [interaction_id])
        refresh_people(db, today or date.today(), [row["person_id"]])


def timeline(db: Database, person_id: int, limit: int = 500) -> list[dict]:
    """A person's interactions, newest first."""
    found = rows(db, (
        "select i.*, e.name as event_name from interactions i left join events e on e.id = i.event_id "
        "where i.person_id = ? order by i.day desc, i.id desc limit ?"), [person_id, limit])
    for r in found:
        r["tags"] = v.load_tags(r["tags"])
        r["responded"] = None if r["responded"] is None else bool(r["responded"])
    return found


def details_to_remember(db: Database, person_id: int) -> list[dict]:
    """The details noted in conversations, newest first: what to bring up next time."""
    return rows(db, "select day, details from interactions where person_id = ? and details != '' "
                    "order by day desc, id desc", [person_id])


def last_conversation(db: Database, person_id: int) -> dict | None:
    return one(db, "select * from interactions where person_id = ? order by day desc, id desc limit 1",
               [person_id])


def recent_interactions(db: Database, since: date, limit: int = 100) -> list[dict]:
    return rows(db, (
        "select i.*, p.name as person from interactions i join people p on p.id = i.person_id "
        "where i.day >= ? order by i.day desc, i.id desc limit ?"), [since.isoformat(), limit])
