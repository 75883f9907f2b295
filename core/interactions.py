"""The interaction log: every touch with someone, and what logging one sets in motion."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlite_utils import Database

from core import followups
from core import validation as v
from core.db import chunks, now_iso, one, placeholders, rows, transaction
from core.errors import NotFound, ValidationError
from core.followups import THANK_REASONS, THANK_YOU_LOOKBACK, close_thank_yous, schedule_after_interaction
from core.people import names as names_of
from core.relationships import refresh_people
from core.vocab import (
    CHANNEL_MINUTES,
    CHANNELS,
    DIRECTIONS,
    KINDS,
    NATURES,
    STAGES,
    WRITTEN_CHANNELS,
    is_conversation,
)

# The columns of one touch, in the order they are inserted.
COLUMNS = ("person_id", "day", "channel", "direction", "kind", "nature", "responded", "tags", "notes", "details",
           "minutes", "event_id", "source", "source_uid", "created_at")
FIELDS = frozenset({*COLUMNS, "id"})
EARLIEST = date(1900, 1, 1)  # a touch dated before this is a typing error, not history


def stage_after(touch: dict) -> str:
    """The lowest rung of the ladder a touch proves: a conversation, an answer or a message from them
    (other than a connection request) means you have talked; anything else that you have made contact."""
    talked = is_conversation(touch["channel"], touch["nature"]) or touch["responded"] in (1, True) or (
        touch["direction"] == "them" and touch["nature"] != "connection_request")
    return "conversed" if talked else "contacted"


def prepare_touch(touch: dict, today: date) -> dict:
    """Check one touch and give it every column: the only place a touch is validated.

    kind follows from nature when nature is given (a referral request is an ask); a thank-you carries the
    thank_you tag. Raises ValidationError with a sentence a person understands. The fields are checked in
    this order, so a touch with two mistakes always names the same one first.
    """
    unknown = touch.keys() - FIELDS
    if unknown:
        raise ValidationError(f"A touch has no field called {', '.join(sorted(unknown))}.")
    day = _touch_day(touch.get("day"), today)
    channel = v.choice(touch.get("channel"), "Channel", CHANNELS)
    direction = v.choice(touch.get("direction") or "me", "Who started it", DIRECTIONS)
    nature = v.choice(touch.get("nature") or "", "What it was", NATURES, required=False)
    kind = _touch_kind(touch.get("kind") or None, nature)
    responded = _touch_responded(touch.get("responded"))
    tags = _touch_tags(touch.get("tags", ()), nature)
    person_id = _touch_person(touch.get("person_id"))
    return {
        "person_id": person_id, "day": day, "channel": channel, "direction": direction, "kind": kind,
        "nature": nature, "responded": responded, "tags": tags,
        "notes": v.long_text(touch.get("notes") or "", "Notes"),
        "details": v.long_text(touch.get("details") or "", "Details to remember"),
        "minutes": _touch_minutes(touch.get("minutes"), channel),
        "event_id": touch.get("event_id"), "source": touch.get("source") or "manual",
        "source_uid": touch.get("source_uid") or "", "created_at": touch.get("created_at") or now_iso(),
    }


def _touch_day(value: object, today: date) -> str:
    """The day as YYYY-MM-DD: a real date, not after today, not before EARLIEST."""
    when = v.parse_date(value, "Date")
    if when > today:
        raise ValidationError("An interaction can't be in the future; add a reminder for it instead.")
    if when < EARLIEST:
        raise ValidationError(f"{when.isoformat()} is too long ago to be a date you were in touch.")
    return when.isoformat()


def _touch_kind(kind: str | None, nature: str) -> str:
    """Give, ask or neutral: the one the nature implies (a different kind given with it is a mistake), else the
    kind given, else neutral."""
    if nature:
        implied = NATURES[nature]
        if kind and kind != implied:
            raise ValidationError(f"{nature.replace('_', ' ').capitalize()} is a {implied}, not a {kind}.")
        kind = implied
    return v.choice(kind or "neutral", "Give, ask or neutral", KINDS)


def _touch_responded(responded: object) -> int | None:
    """Whether they replied, as stored: 1, 0 or None (unknown)."""
    if responded not in (None, True, False, 0, 1):
        raise ValidationError("Replied must be yes, no or unknown.")
    return None if responded is None else int(bool(responded))


def _touch_tags(tags: object, nature: str) -> str:
    """The tags as stored: a sorted JSON list of words ('[]' for none); a thank-you carries thank_you. Accepts a
    list (or set, tuple), a comma-separated string or a JSON list."""
    if tags in ("[]", "", None, ()):
        tags = ()  # most touches have none: skip the parsing
    elif isinstance(tags, str) and tags.lstrip().startswith("["):
        try:
            tags = json.loads(tags)
        except ValueError:
            raise ValidationError("Tags must be a list of words.") from None
    if not isinstance(tags, str | list | tuple | set | frozenset):
        raise ValidationError("Tags must be a list of words.")
    tag_list = v.tags(tags)
    if nature == "thank_you" and "thank_you" not in tag_list:
        tag_list.append("thank_you")
    return json.dumps(sorted(set(tag_list))) if tag_list else "[]"


def _touch_person(person_id: object) -> int:
    """The id of the person the touch was with (whether they exist is checked once for a whole batch)."""
    if not isinstance(person_id, int) or isinstance(person_id, bool):
        raise ValidationError("Pick who this touch was with.")
    return person_id


def _touch_minutes(minutes: object, channel: str) -> int:
    """How long it took: as given (0 to a day), else what the channel usually takes."""
    return CHANNEL_MINUTES[channel] if minutes is None else v.integer(minutes, "Minutes", minimum=0, maximum=24 * 60)


def record_touches(db: Database, touches: Iterable[dict], *, today: date, refresh: bool = True,
                   thank_you_lookback: int = THANK_YOU_LOOKBACK) -> list[int | None]:
    """Record one or many touches: the single write path every caller uses (forms, the composer, done
    follow-ups, events, importers, the demo, the command line).

    Each touch is checked by prepare_touch, then, in one transaction: inserted (a touch whose source and
    source_uid were recorded before is left out, so a re-import adds nothing), its person moved up the
    ladder (stage_after), a conversation in the last `thank_you_lookback` days (two weeks; an importer of
    old meetings passes fewer) given its thank-you, a thank-you closing
    the thank-yous it answers, and the scores and check-ins of everyone touched recomputed (unless
    refresh=False, for a caller that refreshes everyone afterwards). Returns the new ids in order, None
    for a touch that was already recorded. Any invalid touch refuses them all.
    """
    records = [prepare_touch(t, today) for t in touches]
    if not records:
        return []
    names = _people(db, {r["person_id"] for r in records})
    _require_events(db, records)
    with transaction(db):
        ids = _insert(db, records)
        added = [(r, i) for r, i in zip(records, ids, strict=True) if i is not None]
        _advance_stages(db, [r for r, _ in added])
        _settle_thank_yous(db, added, names, today, thank_you_lookback)
        if refresh:
            _rescore(db, added, today)
    return ids


_INSERT = (f"insert or ignore into interactions ({', '.join(COLUMNS)}) "
           f"values ({placeholders(COLUMNS)})")


def _require_events(db: Database, records: list[dict]) -> None:
    """NotFound when a touch names an event that does not exist."""
    for event_id in {r["event_id"] for r in records if r["event_id"] is not None}:
        if not db.table("events").count_where("id = ?", [event_id]):
            raise NotFound("That event does not exist (any more).")


def _insert(db: Database, records: list[dict]) -> list[int | None]:
    """Insert the touches in order; the new ids, None for a touch whose (source, source_uid) is already there."""
    execute = db.conn.execute
    ids: list[int | None] = []
    for r in records:
        cur = execute(_INSERT, [r[c] for c in COLUMNS])
        ids.append(cur.lastrowid if cur.rowcount == 1 else None)
    return ids


def _settle_thank_yous(db: Database, added: list[tuple[dict, int]], names: dict[int, str], today: date,
                       lookback: int) -> None:
    """Thank-yous: a conversation asks for one (schedule_after_interaction, within `lookback` days), a
    thank-you closes the open ones it answers. In the order the touches happened, so a thank-you closes the
    conversations before it."""
    waiting = {p for (p,) in db.execute("select distinct person_id from followups where status = 'open' "
                                        f"and reason in ({placeholders(THANK_REASONS)})", THANK_REASONS)}
    for r, interaction_id in sorted(added, key=lambda p: p[0]["day"]):
        if r["nature"] == "thank_you" or '"thank_you"' in r["tags"]:
            if r["person_id"] in waiting:
                close_thank_yous(db, r["person_id"], date.fromisoformat(r["day"]), interaction_id)
        elif is_conversation(r["channel"], r["nature"]) and schedule_after_interaction(
                db, {**r, "id": interaction_id}, names[r["person_id"]], today, lookback):
            waiting.add(r["person_id"])


def _rescore(db: Database, added: list[tuple[dict, int]], today: date) -> None:
    """Recompute the scores and check-ins of everyone these new touches are with."""
    touched = sorted({r["person_id"] for r, _ in added})
    if touched:
        refresh_people(db, today, touched)


def _people(db: Database, person_ids: set[int]) -> dict[int, str]:
    """The names of these people; NotFound when one of them is missing."""
    found = names_of(db, person_ids)
    if len(found) != len(person_ids):
        raise NotFound("That person does not exist (any more); pick someone from your list.")
    return found


def _advance_stages(db: Database, records: list[dict]) -> None:
    """Move each person up to the highest rung these touches prove (never down), dating each move by
    the first touch that proves it, with one stage_changes row per move."""
    targets: dict[int, tuple[int, str]] = {}
    for r in records:
        rank, day = STAGES.index(stage_after(r)), r["day"]
        best = targets.get(r["person_id"])
        if best is None or rank > best[0] or (rank == best[0] and day < best[1]):
            targets[r["person_id"]] = (rank, day)
    current: dict[int, str] = {}
    ids = list(targets)
    for chunk in chunks(ids):
        current.update(db.execute(f"select id, stage from people where id in ({placeholders(chunk)})",
                                  chunk).fetchall())
    moves = [(pid, day, current[pid], STAGES[rank]) for pid, (rank, day) in targets.items()
             if STAGES.index(current[pid]) < rank]
    stamp = now_iso()
    db.conn.executemany("update people set stage = ?, updated_at = ? where id = ?",
                        [(to, stamp, pid) for pid, _, _, to in moves])
    db.conn.executemany("insert into stage_changes (person_id, day, from_stage, to_stage) values (?, ?, ?, ?)",
                        moves)


def log_interaction(db: Database, person_id: int, *, day: object, channel: str, direction: str = "me",
                    kind: str | None = None, nature: str = "", responded: bool | None = None,
                    notes: str = "", details: str = "", tags: object = (), minutes: int | None = None,
                    event_id: int | None = None, today: date | None = None, source: str = "manual",
                    source_uid: str = "") -> int:
    """Log one touch through record_touches; returns its id."""
    found = record_touches(db, [{
        "person_id": person_id, "day": day, "channel": channel, "direction": direction, "kind": kind,
        "nature": nature, "responded": responded, "notes": notes, "details": details, "tags": tags,
        "minutes": minutes, "event_id": event_id, "source": source, "source_uid": source_uid}],
        today=today or date.today())
    if found[0] is None:
        raise ValidationError("That touch was already recorded.")
    return found[0]


def default_channels(db: Database, person_ids: Iterable[int | None]) -> dict[int, str]:
    """For each person, the channel you last wrote to them on (email when you never have): what Done
    assumes. One query for a whole list of follow-ups."""
    ids = sorted({p for p in person_ids if p})
    written = sorted(WRITTEN_CHANNELS)
    found: dict[int, str] = {}
    for chunk in chunks(ids):
        found.update(db.execute(
            "select person_id, channel from (select person_id, channel, row_number() over (partition by person_id "
            "order by day desc, id desc) as n from interactions where direction = 'me' "
            f"and channel in ({placeholders(written)}) and person_id in ({placeholders(chunk)})) "
            "where n = 1", [*written, *chunk]).fetchall())
    return {p: found.get(p, "email") for p in ids}


def default_channel(db: Database, person_id: int) -> str:
    """The channel Done assumes for one person (see default_channels)."""
    return default_channels(db, [person_id]).get(person_id, "email")


def with_default_channels(db: Database, items: list[dict]) -> list[dict]:
    """Follow-ups as the pages list them, each with `done_channel` (read for all of them at once)."""
    channels = default_channels(db, (i.get("person_id") for i in items))
    for item in items:
        item["done_channel"] = channels.get(item.get("person_id"), "email")
    return items


def complete_followup(db: Database, followup_id: int, today: date, *, channel: str | None = None,
                      interaction_id: int | None = None) -> int | None:
    """Done means it happened: close a follow-up and record the touch it stands for, in one transaction.

    A thank-you records a thank-you, a check-in a check-in, a birthday or a success a congratulation,
    dated today, by `channel` (default: the channel you last wrote to them on). interaction_id: the touch
    that already did it (the composer's Mark sent), so nothing is logged twice. A reminder of your own
    records nothing. Returns the touch's id (None for a reminder). To close one with no message, skip it.
    """
    with transaction(db):  # checked inside it, so Done in two tabs cannot log the touch twice
        row = followups.require_open(db, followup_id)
        nature = followups.DONE_NATURES.get(row["reason"]) if row["person_id"] else None
        recorded = interaction_id is None and bool(nature)
        if recorded:
            interaction_id = record_touches(db, [{
                "person_id": row["person_id"], "day": today, "direction": "me", "nature": nature,
                "channel": channel or default_channel(db, row["person_id"]),
                "notes": f"Done: {row['title']}" if row["title"] else ""}], today=today, refresh=False)[0]
        # The thank-you just recorded may have closed this very follow-up: it is done either way.
        followups.close_done(db, followup_id, today, interaction_id)
        # Rescored once, after the close: a check-in marked done counts its next cycle from today.
        if recorded or (row["reason"] == "check_in" and row["person_id"]):
            refresh_people(db, today, [row["person_id"]])
    return interaction_id


def update_interaction(db: Database, interaction_id: int, *, today: date | None = None, **fields) -> None:
    """Edit an interaction's notes, details, reply or date; the score follows."""
    today = today or date.today()
    row = one(db, "select * from interactions where id = ?", [interaction_id])
    if not row:
        raise NotFound("That interaction no longer exists.")
    update = {}
    if "day" in fields:
        update["day"] = _touch_day(fields["day"], today)
    if "responded" in fields:
        update["responded"] = _touch_responded(fields["responded"])
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


def mark_answered(db: Database, ids: Iterable[int], answered: bool = True) -> Counter[int]:
    """Mark touches recorded before as answered (answered=False: as not answered) where nothing is marked
    yet (responded is null); a touch already marked is left as it is. Returns how many touches of each
    person changed ({person id: count}): the people to rescore, which the caller does once, after its
    other writes."""
    changed: Counter[int] = Counter()
    ids = list(ids)
    with transaction(db):
        for chunk in chunks(ids):
            marks = placeholders(chunk)
            changed.update(p for (p,) in db.execute(
                f"select person_id from interactions where id in ({marks}) and responded is null", chunk))
            db.execute(f"update interactions set responded = ? where id in ({marks}) and responded is null",
                       [int(answered), *chunk])
    return changed


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

