"""The user's own settings: profile, weekly budget, cadence per tier, and resources worth sharing."""

from __future__ import annotations

import json
import math
import re
from datetime import date

from sqlite_utils import Database

from core import validation as v
from core.db import get_setting, now_iso, rows, set_setting, transaction
from core.errors import NotFound
from core.relationships import get_cadences, refresh_people, save_cadences  # noqa: F401 (callers import them from here)

PROFILE_FIELDS = {
    "name": "Your name",
    "email": "Your email",
    "pitch": "Elevator pitch",
    "value_proposition": "Value proposition",
    "signature": "Signature",
    "website": "Personal website",
    "linkedin_url": "Your LinkedIn URL",
}
DEFAULT_BUDGET_MINUTES = 180  # three hours a week


def get_profile(db: Database) -> dict:
    """The user's profile with every field present ('' when unset)."""
    stored = get_setting(db, "profile", {}) or {}
    return {key: stored.get(key, "") for key in PROFILE_FIELDS}


def save_profile(db: Database, **fields: str) -> dict:
    """Validate and store the profile; unknown fields are an error."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise v.ValidationError(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    profile = get_profile(db)
    for key, value in fields.items():
        label = PROFILE_FIELDS[key]
        if key == "email":
            profile[key] = v.email(value, label)
        elif key in ("website", "linkedin_url"):
            profile[key] = v.url(value, label)
        elif key in ("pitch", "value_proposition", "signature"):
            profile[key] = v.text(value, label, max_len=2000)
        else:
            profile[key] = v.text(value, label)
    set_setting(db, "profile", profile)
    return profile


def profile_prompt_due(db: Database) -> bool:
    """True while the profile has no name and the user has not skipped the question: until then every
    draft signs with the gap "[your name]"."""
    return not get_profile(db)["name"] and not get_setting(db, "profile_prompt_skipped", False)


def skip_profile_prompt(db: Database) -> None:
    """Stop asking for the profile on Today (Settings still has it)."""
    set_setting(db, "profile_prompt_skipped", True)


def save_first_run_profile(db: Database, name: str, pitch: str = "", value_proposition: str = "",
                           website: str = "") -> dict:
    """Save what the first-run panel asks: a name is required (the drafts sign with it), the rest may wait.
    Raises ValidationError, storing nothing, when the name is blank or a field is not acceptable."""
    if not str(name or "").strip():
        raise v.ValidationError("Type your name (the drafts sign with it), or press Skip for now.")
    return save_profile(db, name=name, pitch=pitch, value_proposition=value_proposition, website=website)


def get_my_addresses(db: Database) -> list[str]:
    """The user's own email addresses (lower case), which tell mail you sent from mail you received:
    the saved list, else the profile's email (empty when neither is set)."""
    saved = get_setting(db, "my_addresses", None)
    if saved:
        return list(saved)
    own = get_profile(db)["email"].strip().lower()
    return [own] if own else []


def split_addresses(text: str) -> list[str]:
    """Addresses typed in one box, with commas, semicolons, spaces or new lines between them."""
    return [a for a in re.split(r"[\s,;]+", text) if a]


def save_my_addresses(db: Database, addresses: object) -> list[str]:
    """Validate and store the user's own addresses (a list, or text with commas, semicolons or new lines
    between them); returns them lower case, without repeats, in the order given."""
    if isinstance(addresses, str):
        addresses = split_addresses(addresses)
    if not isinstance(addresses, list | tuple):
        raise v.ValidationError("Your addresses must be a list of email addresses.")
    clean: list[str] = []
    for a in addresses:
        value = v.email(a, "Your address").lower()
        if value and value not in clean:
            clean.append(value)
    if len(clean) > 50:
        raise v.ValidationError("Keep your own addresses to 50 at most.")
    set_setting(db, "my_addresses", clean)
    return clean


def get_budget_minutes(db: Database) -> int:
    """The weekly networking-time budget in minutes."""
    return int(get_setting(db, "weekly_budget_minutes", DEFAULT_BUDGET_MINUTES))


def save_budget_minutes(db: Database, minutes: object) -> int:
    value = v.integer(minutes, "Weekly networking time", minimum=15, maximum=40 * 60)
    set_setting(db, "weekly_budget_minutes", value)
    return value


def add_resource(db: Database, *, title: str, url: str = "", tags: object = "", note: str = "") -> int:
    """Add something worth sharing (an article, a tool, a talk) that the composer can offer."""
    record = {
        "title": v.text(title, "Title", required=True),
        "url": v.url(url),
        "tags": v.tags_json(tags),
        "note": v.long_text(note, "Note"),
        "created_at": now_iso(),
    }
    return db.table("resources").insert(record).last_pk


def update_resource(db: Database, resource_id: int, *, title: str, url: str = "", tags: object = "",
                    note: str = "") -> None:
    if not db.table("resources").count_where("id = ?", [resource_id]):
        raise NotFound("That resource no longer exists.")
    with transaction(db):
        db.table("resources").update(resource_id, {
            "title": v.text(title, "Title", required=True),
            "url": v.url(url),
            "tags": v.tags_json(tags),
            "note": v.long_text(note, "Note"),
        })


def delete_resource(db: Database, resource_id: int) -> None:
    db.execute("delete from resources where id = ?", [resource_id])


def list_resources(db: Database) -> list[dict]:
    found = rows(db, "select * from resources order by title collate nocase")
    for r in found:
        r["tags"] = json.loads(r["tags"])
    return found


# --- For the Settings page ----------------------------------------------------------------------

BUDGET_UNITS = {"hours": 60, "minutes": 1}


def budget_minutes(amount: object, unit: str) -> int:
    """Turn '3 hours' or '90 minutes' into minutes (hours may be fractional: 2.5 hours is 150 minutes)."""
    unit = v.choice(unit, "Unit", BUDGET_UNITS)
    if amount is None or amount == "":
        raise v.ValidationError("Weekly networking time is required.")
    try:
        number = float(amount)
    except (TypeError, ValueError):
        raise v.ValidationError(f"Weekly networking time must be a number, not {str(amount)[:40]!r}.") from None
    if not math.isfinite(number):
        raise v.ValidationError("Weekly networking time must be a number.")
    return round(number * BUDGET_UNITS[unit])


def save_budget(db: Database, amount: object, unit: str) -> int:
    """Store the weekly networking-time budget given in hours or minutes; returns the minutes stored."""
    return save_budget_minutes(db, budget_minutes(amount, unit))


def describe_budget(minutes: int) -> str:
    """'3 h', '2 h 30 min' or '45 min'."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def apply_cadences(db: Database, cadences: dict[str, object], today: date) -> dict[str, int]:
    """Save the cadence per tier and move everyone's next check-in to match, all or nothing."""
    with transaction(db):
        clean = save_cadences(db, cadences)
        refresh_people(db, today)
    return clean
