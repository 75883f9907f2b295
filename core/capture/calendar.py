"""Reading calendar exports (.ics from Google Calendar, Outlook, Apple Calendar) into meeting occurrences.

Recurring events are expanded by recurring-ical-events over icalendar, from the earliest event in the file
to today: RRULE, RDATE, EXDATE, moved and cancelled instances (RECURRENCE-ID) and time zones (TZID,
Google's X-WR-TIMEZONE, Outlook's Windows zone names) are the library's business, not ours.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import recurring_ical_events

from core.capture.mail import address
from core.errors import ValidationError
from core.importers.files import open_file

MAX_ICS_BYTES = 200 * 2**20  # an .ics is parsed whole; a calendar export is a few MB
# A meeting link makes an event a video call (the link may sit in LOCATION, URL or DESCRIPTION).
_VIDEO = re.compile(r"(zoom\.us/|meet\.google\.com/|teams\.microsoft\.com/|teams\.live\.com/|webex\.com/|"
                    r"whereby\.com/|meet\.jit\.si/|gotomeeting\.com/|chime\.aws/|facetime\.apple\.com/|"
                    r"skype\.com/)", re.IGNORECASE)
_VIDEO_PROPERTIES = ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-MICROSOFT-ONLINEMEETINGCONFLINK",
                     "X-MICROSOFT-ONLINEMEETINGINFORMATION")
_URLISH = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.IGNORECASE)


@dataclass(slots=True)
class Occurrence:
    """One held (or planned) instance of an event, as Rapport reads it."""

    key: str  # the event's UID plus the occurrence's start, stable across exports
    day: date
    organizer: str  # lower case address ('' when none)
    attendees: list[tuple[str, str, str]]  # (address, PARTSTAT upper case, name)
    channel: str  # video, in_person or phone
    summary: str
    cancelled: bool


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


def channel_of(event) -> str:
    """video when it carries a meeting link, in person when it has a (non-link) location, else a call."""
    location = _text(event.get("LOCATION"))
    if any(event.get(p) for p in _VIDEO_PROPERTIES):
        return "video"
    for name in ("LOCATION", "URL", "DESCRIPTION", "CONFERENCE"):
        if _VIDEO.search(_text(event.get(name))):
            return "video"
    if location and not _URLISH.match(location):
        return "in_person"
    return "phone"


def _day(value: object) -> date | None:
    dt = getattr(value, "dt", value)
    if isinstance(dt, datetime):
        return dt.date()
    return dt if isinstance(dt, date) else None


def _start_key(event) -> str:
    rid = event.get("RECURRENCE-ID") or event.get("DTSTART")
    dt = getattr(rid, "dt", rid)
    return dt.isoformat() if isinstance(dt, date) else _text(dt)


def refuse_if_too_big(size: int, name: str = "calendar file") -> None:
    """Refuse (a sentence) an .ics of more than MAX_ICS_BYTES: it is parsed whole."""
    if size > MAX_ICS_BYTES:
        raise ValidationError(f"{name} is over {MAX_ICS_BYTES // 2**20} MB: export a shorter range of dates.")


def read_file(path: Path) -> bytes:
    """An .ics file's bytes, never more than the limit: a device or a fifo is refused before reading, and a file
    over MAX_ICS_BYTES (by its size, or by what reading it gives) with load()'s sentence."""
    with open_file(path, "calendar file") as f:
        refuse_if_too_big(os.fstat(f.fileno()).st_size, path.name)
        data = f.read(MAX_ICS_BYTES + 1)
    refuse_if_too_big(len(data), path.name)
    return data


def load(data: bytes, name: str = "calendar file") -> icalendar.Calendar:
    """Parse an .ics, or raise ValidationError with a sentence."""
    refuse_if_too_big(len(data), name)
    if b"\x00" in data[:4096]:
        raise ValidationError(f"{name} is not a calendar file (it looks like a binary file).")
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise ValidationError(f"{name} doesn't look like a calendar export: an .ics starts with BEGIN:VCALENDAR.")
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as e:
        raise ValidationError(f"{name} can't be read as a calendar: {str(e)[:120]}") from None
    if not calendars:
        raise ValidationError(f"{name} holds no calendar.")
    return calendars[0] if len(calendars) == 1 else _merged(calendars)


def _merged(calendars: list) -> icalendar.Calendar:
    first = calendars[0]
    for extra in calendars[1:]:
        for component in extra.subcomponents:
            first.add_component(component)
    return first


def calendar_owner(cal) -> str:
    """Google names the calendar after its account (X-WR-CALNAME:you@gmail.com): that address is yours."""
    return address(_text(cal.get("X-WR-CALNAME")))


def occurrences(cal, today: date) -> Iterator[Occurrence]:
    """Every occurrence from the file's first event up to and including today, recurring ones expanded (see
    _expanded for the bounds a hostile file meets)."""
    starts = []
    for ev in cal.walk("VEVENT"):
        try:
            day = _day(ev.get("DTSTART"))
        except ValueError as e:  # icalendar's BrokenCalendarProperty for a date it can't read
            raise ValidationError(f"The calendar can't be read: the event {_text(ev.get('SUMMARY'))[:60]!r} "
                                  f"has a start that is not a date ({str(e)[:80]}).") from None
        if day is not None:
            starts.append(day)
    if not starts:
        return
    first = min(starts)
    if first > today:
        return
    for ev in _expanded(cal, first, today + timedelta(days=1)):
        try:
            day = _day(ev.get("DTSTART"))
        except ValueError:
            continue
        if day is None or day > today:
            continue
        organizer = ev.get("ORGANIZER")
        people = []
        for a in ev.attendees:
            addr = address(getattr(a, "email", "") or "")
            if addr:
                people.append((addr, str(a.params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
                               _text(a.params.get("CN", ""))))
        yield Occurrence(key=f"{_text(ev.get('UID')) or _text(ev.get('SUMMARY'))} {_start_key(ev)}", day=day,
                         organizer=address(getattr(organizer, "email", "") or "") if organizer else "",
                         attendees=people, channel=channel_of(ev), summary=_text(ev.get("SUMMARY")),
                         cancelled=_text(ev.get("STATUS")).upper() == "CANCELLED")


SUB_DAILY = {"SECONDLY", "MINUTELY", "HOURLY"}  # no meeting with a person repeats this often
MAX_OCCURRENCES = 200_000  # decades of a busy calendar; an .ics that expands past it is refused
WINDOW_DAYS = 366


def _expanded(cal, start: date, end: date) -> list:
    """The events between start and end, recurring ones expanded a year at a time, so that a file made to
    expand without end is stopped at MAX_OCCURRENCES with a sentence instead of filling memory. A rule that
    repeats more often than daily is read as its first occurrence. An occurrence crossing a window's edge is
    kept once."""
    for ev in cal.walk("VEVENT"):
        rules = ev.get("RRULE")
        if any(str((r.get("FREQ") or [""])[0]).upper() in SUB_DAILY
               for r in (rules if isinstance(rules, list) else [rules] if rules is not None else [])):
            del ev["RRULE"]
    query = recurring_ical_events.of(cal)
    found, before = [], set()
    while start < end:
        stop = min(start + timedelta(days=WINDOW_DAYS), end)
        try:
            window = query.between(start, stop)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as e:  # broken rules and zones
            raise ValidationError(f"The calendar has an event that can't be read: {str(e)[:160]}") from None
        keys = [(_text(ev.get("UID")), _start_key(ev), _text(ev.get("SUMMARY"))) for ev in window]
        found += [ev for ev, key in zip(window, keys, strict=True) if key not in before]  # not across the edge twice
        before = set(keys)
        if len(found) > MAX_OCCURRENCES:
            raise ValidationError(f"The calendar holds more than {MAX_OCCURRENCES:,} meetings up to today: "
                                  "export a shorter range of dates.")
        start = stop
    return found
