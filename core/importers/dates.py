"""Dates as exports write them: loose dates, LinkedIn's 'Sent At', vCard birthdays."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

# Sent At as LinkedIn writes it: 9/25/26, 8:52 AM (M/D/YY, h:mm AM); seconds and a 4-digit year tolerated.
_SENT_AT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:,?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]\.?M\.?)?)?$",
                      re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DMY_TEXT = re.compile(r"^(\d{1,2})[ \-/.]([A-Za-z]{3,9})\.?[ \-/.,]+(\d{2}|\d{4})$")
_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


@lru_cache(maxsize=16_384)  # a 30,000-row export holds a few thousand distinct dates
def parse_loose_date(value: str) -> date | None:
    """A date as exports write it: 08 Feb 2026, 4-Apr-21 (an Excel re-save), 2026-02-08, 2/8/2026."""
    value = (value or "").strip()
    if not value:
        return None
    m = _DMY_TEXT.match(value)
    try:
        if m:
            month = _MONTHS.get(m.group(2)[:3].lower())
            if month:
                year = int(m.group(3))
                return date(year + 2000 if year < 100 else year, month, int(m.group(1)))
        if value[:4].isdigit():
            return date.fromisoformat(value[:10])
        m = _MDY.match(value)
        if m:
            year = int(m.group(3))
            return date(year + 2000 if year < 100 else year, int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None
    when = parse_sent_at(value)  # 2018 exports: 1/8/18, 6:14 PM
    return when.date() if when else None


# --- LinkedIn invitations (connection requests) -----------------------------------------------------


def parse_sent_at(value: str) -> datetime | None:
    """Invitations.csv's Sent At: 9/25/26, 8:52 AM (M/D/YY, h:mm AM); also 2026-09-25 08:52:00."""
    value = " ".join((value or "").replace("\u202f", " ").replace("\xa0", " ").split())
    m = _SENT_AT.match(value)
    try:
        if m:
            month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            hour, minute, second = int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
            meridiem = (m.group(7) or "").replace(".", "").upper()
            if meridiem:
                if not 1 <= hour <= 12:
                    return None
                hour = hour % 12 + (12 if meridiem == "PM" else 0)
            return datetime(year + 2000 if year < 100 else year, month, day, hour, minute, second)
        if value[:4].isdigit():
            return datetime.fromisoformat(value.replace(" UTC", "").replace("Z", "")[:19])
    except ValueError:
        return None
    return None


# --- vCard ----------------------------------------------------------------------------------------


def parse_vcard_birthday(value: str, params: dict) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) from BDAY: 1988-04-12, 19850407, --1209, --04-07, Apple's year 1604."""
    value = (value or "").strip()
    omit = [str(x) for x in params.get("X-APPLE-OMIT-YEAR", [])]
    m = re.match(r"^--(\d{2})-?(\d{2})$", value)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), None
    else:
        m = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})", value)
        if not m:
            return None
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        # Apple writes year 1604 with X-APPLE-OMIT-YEAR for "no year"; 1900 and earlier are placeholders too.
        if str(year) in omit or year <= 1900:
            year = None
    try:
        date(year or 2000, month, day)
    except ValueError:
        return None
    return month, day, year
