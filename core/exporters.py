"""Exporting to the user's other tools: CSV for spreadsheets, vCard for address books, iCalendar for calendars.

CSV is UTF-8 with a BOM (so Excel shows Tomás, not TomÃ¡s) and neutralises cells that a spreadsheet
would run as a formula. vCard 3.0 is written by a small serializer of our own (deterministic field
order, folding that never splits a UTF-8 character, escaping so a note can never add a property).
The .ics file is written with the icalendar library: all-day events with stable UIDs, so importing
it again updates the same events instead of duplicating them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from core.contacts import other_values
from core.db import get_setting, rows, set_setting
from core.vocab import FOLLOWUP_REASONS

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PRODID_VCARD = "-//Rapport//Rapport contacts//EN"
PRODID_ICS = "-//Rapport//follow-ups and dates//EN"
UID_DOMAIN = "rapport.local"
ALARM_TRIGGER = timedelta(hours=-15)  # before a floating midnight start: 09:00 the day before

PEOPLE_COLUMNS = (
    "id", "name", "title", "company", "email", "phone", "linkedin_url", "website", "location", "industry",
    "role", "seniority", "how_met", "met_via", "tags", "target", "stage", "tier", "cadence_days", "score",
    "score_status",
    "score_reason", "last_touch_on", "connected_on", "common_ground", "needs", "details", "notes", "source",
    "created_at", "archived_at", "other_emails", "other_phones",
)
INTERACTION_COLUMNS = (
    "id", "day", "person_id", "person", "company", "channel", "direction", "kind", "nature", "responded",
    "minutes", "tags", "notes", "details", "event", "source",
)


# Plainly a phone number: one leading +, then only digits, spaces, brackets, dots and dashes (7 to 20 digits),
# an extension at most. A spreadsheet can run nothing from that, so it is left as the user wrote it.
_PHONE = re.compile(r"^\+\d[\d ()./\-]*\d(?: ?(?:x|ext\.?) ?\d{1,6})?$", re.IGNORECASE)


def neutralize(value: object) -> object:
    """A cell a spreadsheet will show as text: text starting with = + - @ (or tab/CR) gets a leading ',
    except a plain phone number such as +44 20 7946 0000."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if _PHONE.match(value) and 7 <= sum(ch.isdigit() for ch in value) <= 26:
            return value
        return "'" + value
    return value


def _csv_bytes(columns: tuple[str, ...], records: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for r in records:
        writer.writerow([neutralize("" if r.get(c) is None else r[c]) for c in columns])
    return (BOM + out.getvalue()).encode("utf-8")


def people_csv(db: Database, include_archived: bool = True) -> bytes:
    """Everyone on the list as CSV (UTF-8 with BOM), tags comma-joined."""
    where = "" if include_archived else "where p.archived_at is null"
    found = rows(db, "select p.*, s.score, s.score_status, s.score_reason, s.last_touch_on, "
                     "coalesce(c.name, '') as company from people p left join scores s on s.person_id = p.id "
                     f"left join companies c on c.id = p.company_id {where} order by p.id")
    others = other_values(db)
    for r in found:
        r["tags"] = ", ".join(json.loads(r["tags"] or "[]"))
        mine = others.get(r["id"], {})
        r["other_emails"], r["other_phones"] = "; ".join(mine.get("email", [])), "; ".join(mine.get("phone", []))
    return _csv_bytes(PEOPLE_COLUMNS, found)


def interactions_csv(db: Database) -> bytes:
    """Every interaction as CSV (UTF-8 with BOM), oldest first."""
    found = rows(db, (
        "select i.*, p.name as person, coalesce(c.name, '') as company, coalesce(e.name, '') as event "
        "from interactions i join people p on p.id = i.person_id left join companies c on c.id = p.company_id "
        "left join events e on e.id = i.event_id order by i.day, i.id"))
    for r in found:
        r["tags"] = ", ".join(json.loads(r["tags"] or "[]"))
        r["responded"] = {None: "", 1: "yes", 0: "no"}.get(r["responded"], "")
    return _csv_bytes(INTERACTION_COLUMNS, found)


# --- Stable identifiers ------------------------------------------------------------------------------


def database_uid(db: Database) -> str:
    """This database's random id (created on first use): part of every exported UID, so two
    databases never produce the same UIDs and one database always produces the same ones."""
    found = get_setting(db, "database_uid")
    if not found:
        found = str(uuid.uuid4())
        set_setting(db, "database_uid", found)
    return found


def person_uid(db_uid: str, person_id: int) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(db_uid), f'person:{person_id}')}"


# --- vCard 3.0 ------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def vcard_escape(value: object) -> str:
    """Escape a text value (RFC 2426 / 6350): backslash, comma, semicolon; every line break becomes \\n."""
    text = _CONTROL.sub("", str(value or ""))
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets with CRLF + space, never inside a UTF-8 character."""
    parts, current, size = [], [], 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        room = limit if not parts else limit - 1  # continuation lines start with a space
        if size + n > room:
            parts.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += n
    parts.append("".join(current))
    return "\r\n ".join(parts)


def split_name(name: str) -> tuple[str, str]:
    """(given, family) for N: the last word is the family name."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]


def person_vcard(person: dict, birthday: dict | None, uid: str) -> str:
    """One person as a vCard 3.0 (CRLF, folded, escaped)."""
    given, family = split_name(person["name"])
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"PRODID:{PRODID_VCARD}", f"UID:{uid}",
             f"FN:{vcard_escape(person['name'])}", f"N:{vcard_escape(family)};{vcard_escape(given)};;;"]
    if person.get("company"):
        lines.append(f"ORG:{vcard_escape(person['company'])}")
    if person.get("title"):
        lines.append(f"TITLE:{vcard_escape(person['title'])}")
    for email in [person.get("email"), *person.get("other_emails", [])]:  # the primary first
        if email:
            lines.append(f"EMAIL;TYPE=INTERNET:{vcard_escape(email)}")
    for phone in [person.get("phone"), *person.get("other_phones", [])]:
        if phone:
            lines.append(f"TEL;TYPE=VOICE:{vcard_escape(phone)}")
    for key in ("linkedin_url", "website"):
        if person.get(key):
            lines.append(f"URL:{vcard_escape(person[key])}")
    if birthday:
        if birthday["year"]:
            lines.append(f"BDAY:{birthday['year']:04d}-{birthday['month']:02d}-{birthday['day']:02d}")
        else:  # Apple's way of writing a birthday without a year (Google reads it too)
            lines.append(f"BDAY;X-APPLE-OMIT-YEAR=1604:1604-{birthday['month']:02d}-{birthday['day']:02d}")
    tags = json.loads(person.get("tags") or "[]")
    if tags:
        lines.append("CATEGORIES:" + ",".join(vcard_escape(t) for t in tags))
    if person.get("notes"):
        lines.append(f"NOTE:{vcard_escape(person['notes'])}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def vcards(db: Database, include_archived: bool = False) -> bytes:
    """Everyone (active by default) as one .vcf file of vCard 3.0 cards."""
    db_uid = database_uid(db)
    where = "" if include_archived else "where p.archived_at is null"
    people = rows(db, "select p.id, p.name, p.title, p.email, p.phone, p.linkedin_url, p.website, p.tags, "
                      "p.notes, coalesce(c.name, '') as company from people p "
                      f"left join companies c on c.id = p.company_id {where} order by p.id")
    birthdays = {r["person_id"]: r for r in rows(
        db, "select person_id, month, day, year from important_dates where label = 'birthday' order by id desc")}
    others = other_values(db)
    for p in people:
        p["other_emails"] = others.get(p["id"], {}).get("email", [])
        p["other_phones"] = others.get(p["id"], {}).get("phone", [])
    return "".join(person_vcard(p, birthdays.get(p["id"]), person_uid(db_uid, p["id"])) for p in people).encode()


# --- iCalendar -------------------------------------------------------------------------------------------

DATE_SUMMARIES = {
    "birthday": "{name}'s birthday",
    "work_anniversary": "{name}'s work anniversary",
    "success": "{name}: {note}",
    "other": "{name}: {note}",
}


def _event(summary: str, day: date, uid: str, stamp: datetime, description: str = "", category: str = ""):
    from icalendar import Alarm, Event

    event = Event()
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("dtstamp", stamp)
    event.add("uid", uid)
    if category:
        event.add("categories", [category])
    if description:
        event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event, Alarm


def _alarm(event, alarm_cls, text: str) -> None:
    alarm = alarm_cls()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", ALARM_TRIGGER)
    event.add_component(alarm)


def calendar_ics(db: Database, today: date, stamp: datetime | None = None) -> bytes:
    """Open follow-ups and important dates as an iCalendar file (METHOD:PUBLISH, all-day events).

    Follow-ups are one-off events on their due day; yearly dates repeat (a 29 February birthday falls
    on the last day of February in other years). Reminders generated from dates are left out: the
    yearly events already stand for them.
    """
    from icalendar import Calendar

    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    db_uid = database_uid(db)
    cal = Calendar()
    cal.add("prodid", PRODID_ICS)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Rapport follow-ups")
    for f in rows(db, (
            "select f.id, f.reason, f.due, f.title, p.name as person, coalesce(c.name, '') as company, "
            "s.last_touch_on, s.score_reason from followups f left join people p on p.id = f.person_id "
            "left join scores s on s.person_id = f.person_id "
            "left join companies c on c.id = p.company_id where f.status = 'open' and f.reason != 'date' "
            "and (p.id is null or p.archived_at is null) order by f.due, f.id")):
        label = FOLLOWUP_REASONS.get(f["reason"], "Reminder")
        title = f["title"] or (f"Check in with {f['person']}" if f["reason"] == "check_in" else f["person"] or label)
        summary = f"{title} ({f['company']})" if f["company"] else title
        details = [label]
        if f["last_touch_on"]:
            details.append(f"Last touch: {f['last_touch_on']}")
        if f["score_reason"] and f["person"]:
            details.append(f["score_reason"])
        event, alarm_cls = _event(summary, date.fromisoformat(f["due"]), f"followup-{f['id']}.{db_uid}@{UID_DOMAIN}",
                                  stamp, "\n".join(details), "Follow-up")
        _alarm(event, alarm_cls, title)
        cal.add_component(event)
    for d in rows(db, "select d.*, p.name from important_dates d join people p on p.id = d.person_id "
                      "where p.archived_at is null order by d.month, d.day, d.id"):
        summary = DATE_SUMMARIES.get(d["label"], DATE_SUMMARIES["other"]).format(name=d["name"],
                                                                                 note=d["note"] or "date")
        uid = f"date-{d['id']}.{db_uid}@{UID_DOMAIN}"
        if d["yearly"]:
            # The year given (a birth year) or 2000, a leap year, so 29 February is a real first day.
            start = date(d["year"] or 2000, d["month"], d["day"]) if _valid(d) else date(2000, d["month"], d["day"])
            event, alarm_cls = _event(summary, start, uid, stamp, d["note"], d["label"].replace("_", " ").title())
            rule = {"freq": "yearly"}
            if (d["month"], d["day"]) == (2, 29):
                rule.update(bymonth=2, bymonthday=-1)
            event.add("rrule", rule)
        else:
            event, alarm_cls = _event(summary, date(d["year"], d["month"], d["day"]), uid, stamp, d["note"],
                                      d["label"].replace("_", " ").title())
        _alarm(event, alarm_cls, summary)
        cal.add_component(event)
    return cal.to_ical()


def _valid(d: dict) -> bool:
    try:
        date(d["year"] or 2000, d["month"], d["day"])
    except ValueError:
        return False
    return True
