"""Bulk edits on the target list: one change for hundreds of people at once, and an undo that puts back exactly
what the last one changed.

A change is a dict of any of: target (bool), industry, role (text; '' clears), tier, stage (from core.vocab),
tags_add, tags_remove (a list or comma-separated text), archived (bool). bulk_update validates all of it before
writing anything, writes in one transaction, and keeps what each changed row was before in `bulk_edits`;
the id of that row is the undo token.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlite_utils import Database

from core import validation as v
from core.db import one, rows, scalar, transaction
from core.errors import NotFound, ValidationError
from core.relationships import refresh_people
from core.vocab import STAGES, TIERS
from core.words import plural

CHANGE_KEYS = ("target", "industry", "role", "tier", "stage", "tags_add", "tags_remove", "archived")
COLUMNS = ("target", "industry", "role", "tier", "stage", "tags", "archived_at", "updated_at")
KEEP_EDITS = 20  # older bulk edits are forgotten: only the last can be undone anyway
MAX_PEOPLE = 100_000


def clean_changes(changes: dict) -> dict:
    """Validate a bulk change; raises ValidationError naming what is wrong. Returns the cleaned change."""
    if not isinstance(changes, dict):
        raise ValidationError("A bulk change must be a set of fields to change.")
    unknown = set(changes) - set(CHANGE_KEYS)
    if unknown:
        raise ValidationError(f"Unknown bulk change: {', '.join(sorted(unknown))}.")
    out: dict = {}
    for key, value in changes.items():
        if key in ("target", "archived"):
            if not isinstance(value, bool):
                raise ValidationError(f"{key.capitalize()} must be yes or no.")
            out[key] = value
        elif key in ("industry", "role"):
            out[key] = v.text(value, key.capitalize())
        elif key == "tier":
            out[key] = v.choice(value, "Tier", TIERS)
        elif key == "stage":
            out[key] = v.choice(value, "Stage", STAGES)
        else:
            found = v.tags(value, "Tags")
            if found:
                out[key] = found
    if not out:
        raise ValidationError("Choose a change to make: nothing was changed.")
    both = set(out.get("tags_add", ())) & set(out.get("tags_remove", ()))
    if both:
        raise ValidationError(f"A tag can't be added and removed at once: {', '.join(sorted(both))}.")
    return out


def _ids(ids: object) -> list[int]:
    if isinstance(ids, str | bytes) or not hasattr(ids, "__iter__"):
        raise ValidationError("Select the people to change.")
    clean = sorted({v.integer(i, "Person") for i in ids})
    if not clean:
        raise ValidationError("Select at least one person: nothing was changed.")
    if len(clean) > MAX_PEOPLE:
        raise ValidationError(f"Change at most {MAX_PEOPLE:,} people at once.")
    return clean


def _current(db: Database, ids: list[int]) -> list[dict]:
    return rows(db, f"select id, name, {', '.join(COLUMNS)} from people where id in "
                    "(select value from json_each(?)) order by id", [json.dumps(ids)])


def _new_values(person: dict, change: dict, stamp: str) -> dict:
    """The columns that change for one person (empty when the change is already true of them)."""
    new: dict = {}
    if "target" in change and bool(person["target"]) != change["target"]:
        new["target"] = int(change["target"])
    for key in ("industry", "role", "tier", "stage"):
        if key in change and person[key] != change[key]:
            new[key] = change[key]
    if "tags_add" in change or "tags_remove" in change:
        old = v.load_tags(person["tags"])
        tags = sorted((set(old) | set(change.get("tags_add", ()))) - set(change.get("tags_remove", ())))
        if tags != sorted(old):
            new["tags"] = json.dumps(tags, ensure_ascii=False)
    if "archived" in change and (person["archived_at"] is not None) != change["archived"]:
        new["archived_at"] = stamp if change["archived"] else None
    if new:
        new["updated_at"] = stamp
    return new


def describe(change: dict, changed: int) -> str:
    """'Set tier to core for 500 people.' and the like: what a bulk change did, in one sentence."""
    parts = []
    if "target" in change:
        parts.append("marked as targets" if change["target"] else "marked as not targets")
    for key in ("industry", "role", "tier", "stage"):
        if key in change:
            parts.append(f"{key} set to {change[key]!r}" if change[key] else f"{key} cleared")
    if change.get("tags_add"):
        parts.append("tagged " + ", ".join(change["tags_add"]))
    if change.get("tags_remove"):
        parts.append("untagged " + ", ".join(change["tags_remove"]))
    if "archived" in change:
        parts.append("archived" if change["archived"] else "brought back from the archive")
    return f"{plural(changed, 'person')} {', '.join(parts)}."


def bulk_update(db: Database, ids: object, changes: dict, today: date) -> int | None:
    """Apply one change to these people in one transaction; returns the undo token (None when the change was
    already true of everyone, so nothing was written).

    Refuses (changing nothing) a bad change, an empty selection or ids that are not people. A stage change is
    recorded in the ladder's history like any other; archiving skips their open follow-ups as archiving one
    person does; a tier change moves their next check-in.
    """
    change = clean_changes(changes)
    person_ids = _ids(ids)
    # Microseconds make the stamp differ from every now_iso() an edit writes: "updated_at is this stamp" means
    # "not edited since", which undo checks.
    stamp = datetime.now(UTC).isoformat()
    with transaction(db):
        current = _current(db, person_ids)
        if len(current) != len(person_ids):
            missing = len(person_ids) - len(current)
            raise NotFound(f"{plural(missing, 'selected person')} no longer {'exists' if missing == 1 else 'exist'}"
                           ": nothing was changed. Reload the list and try again.")
        before: dict[str, dict] = {}
        updates: dict[tuple, list] = {}
        stage_rows = []
        for person in current:
            new = _new_values(person, change, stamp)
            if not new:
                continue
            before[str(person["id"])] = {c: person[c] for c in new}
            updates.setdefault(tuple(new), []).append([*new.values(), person["id"]])
            if "stage" in new:
                stage_rows.append((person["id"], today.isoformat(), person["stage"], new["stage"]))
        if not before:
            return None
        for columns, values in updates.items():
            db.conn.executemany(f"update people set {', '.join(c + ' = ?' for c in columns)} where id = ?", values)
        first_stage = (scalar(db, "select max(id) from stage_changes") or 0) + 1
        db.conn.executemany("insert into stage_changes (person_id, day, from_stage, to_stage) values (?, ?, ?, ?)",
                            stage_rows)
        stage_ids = [i for (i,) in db.execute("select id from stage_changes where id >= ?", [first_stage])]
        skipped: list[int] = []
        if change.get("archived"):
            archived = [int(pid) for pid, old in before.items() if "archived_at" in old]
            skipped = [i for (i,) in db.execute(
                "select id from followups where status = 'open' and person_id in (select value from json_each(?))",
                [json.dumps(archived)])]
            db.execute("update followups set status = 'skipped', closed_on = ? where id in "
                       "(select value from json_each(?))", [today.isoformat(), json.dumps(skipped)])
        summary = describe(change, len(before))
        token = db.table("bulk_edits").insert({
            "created_at": stamp, "summary": summary,
            "changes": json.dumps({"stamp": stamp, "change": change, "before": before, "stage_changes": stage_ids,
                                   "skipped_followups": skipped}, ensure_ascii=False)}).last_pk
        db.execute("delete from bulk_edits where id <= ?", [token - KEEP_EDITS])
        if "tier" in change:
            refresh_people(db, today, [int(pid) for pid in before])
    return token


def last_bulk(db: Database) -> dict | None:
    """The last bulk edit if it can still be undone: {"token", "summary", "created_at"}; else None."""
    found = one(db, "select id as token, summary, created_at from bulk_edits where undone_at is null "
                    "and id = (select max(id) from bulk_edits)")
    return found


def undo_bulk(db: Database, token: int, today: date) -> str:
    """Put back exactly what bulk edit `token` changed, in one transaction; returns what was undone, in words.

    Only the last bulk edit can be undone, once. Refuses, changing nothing, when any of its people was edited
    since (undoing would overwrite that edit). People deleted since (merged away) are left out.
    """
    token = v.integer(token, "Bulk edit")
    found = one(db, "select * from bulk_edits where id = ?", [token])
    if not found:
        raise NotFound("That bulk edit can no longer be undone (only the last ones are kept).")
    if found["undone_at"]:
        raise ValidationError("That bulk edit was undone already.")
    if scalar(db, "select max(id) from bulk_edits") != token:
        raise ValidationError("Only the last bulk edit can be undone.")
    record = json.loads(found["changes"])
    before = {int(pid): old for pid, old in record["before"].items()}
    stamp = record["stamp"]
    with transaction(db):
        current = {p["id"]: p for p in _current(db, sorted(before))}
        edited = [p["name"] for pid, p in current.items() if p["updated_at"] != stamp]
        if edited:
            raise ValidationError(
                f"{plural(len(edited), 'person')} of that bulk edit {'was' if len(edited) == 1 else 'were'} changed "
                f"since (for example {edited[0]}); undoing it would overwrite that. Nothing was undone.")
        updates: dict[tuple, list] = {}
        for pid, old in before.items():
            if pid in current:
                updates.setdefault(tuple(old), []).append([*old.values(), pid])
        for columns, values in updates.items():
            db.conn.executemany(f"update people set {', '.join(c + ' = ?' for c in columns)} where id = ?", values)
        db.execute("delete from stage_changes where id in (select value from json_each(?))",
                   [json.dumps(record["stage_changes"])])
        db.execute("update followups set status = 'open', closed_on = null where status = 'skipped' and id in "
                   "(select value from json_each(?))", [json.dumps(record["skipped_followups"])])
        db.execute("update bulk_edits set undone_at = ? where id = ?", [datetime.now(UTC).isoformat(), token])
        if "tier" in record["change"]:
            refresh_people(db, today, [pid for pid in before if pid in current])
    return f"Undone: {found['summary']}"
