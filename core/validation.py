"""Checking and normalising what the user types: text, dates, numbers, links and choices."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime

from core.errors import ValidationError

MAX_SHORT = 300  # names, titles, companies, subjects
MAX_LONG = 100_000  # notes, details, message bodies: a 100 KB note is fine, a 10 MB one is not

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the one email rule; importers match with it too


def text(value: object, field: str, *, required: bool = False, max_len: int = MAX_SHORT) -> str:
    """Return the value as stripped text, or raise with a message naming the field."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    if "\x00" in value:
        raise ValidationError(f"{field} contains a NUL character; remove it and try again.")
    value = value.strip()
    if required and not value:
        raise ValidationError(f"{field} can't be empty.")
    if len(value) > max_len:
        raise ValidationError(f"{field} is too long ({len(value):,} characters; the limit is {max_len:,}).")
    return value


def long_text(value: object, field: str, *, required: bool = False) -> str:
    return text(value, field, required=required, max_len=MAX_LONG)


def parse_date(value: object, field: str = "Date", *, required: bool = True) -> date | None:
    """Accept a date, a datetime or ISO text (YYYY-MM-DD); anything else is a clear error."""
    if value is None or value == "":
        if required:
            raise ValidationError(f"{field} is required.")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10]) if len(value.strip()) >= 10 else _bad_date(field, value)
        except ValueError:
            return _bad_date(field, value)
    return _bad_date(field, value)


def _bad_date(field: str, value: object) -> date:
    raise ValidationError(f"{field} must be a date like 2026-03-31, not {str(value)[:40]!r}.")


def choice(value: object, field: str, options: Iterable[str], *, required: bool = True) -> str:
    """Return value if it is one of options ('' allowed when not required)."""
    if value.__class__ is str and value and value in options and value == value.strip():
        return value  # the common case, without copying the options
    options = tuple(options)
    value = "" if value is None else str(value).strip()
    if not value and not required:
        return ""
    if value not in options:
        raise ValidationError(f"{field} must be one of: {', '.join(options)} (got {value[:40]!r}).")
    return value


def integer(value: object, field: str, *, minimum: int | None = None, maximum: int | None = None,
            required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationError(f"{field} is required.")
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{field} must be a whole number.")
    try:
        number = int(value)
        if isinstance(value, float) and number != value:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError(f"{field} must be a whole number, not {str(value)[:40]!r}.") from None
    if minimum is not None and number < minimum:
        raise ValidationError(f"{field} must be at least {minimum}.")
    if maximum is not None and number > maximum:
        raise ValidationError(f"{field} must be at most {maximum}.")
    return number


def email(value: object, field: str = "Email") -> str:
    value = text(value, field)
    if value and not EMAIL.match(value):
        raise ValidationError(f"{field} doesn't look like an email address: {value[:60]!r}.")
    return value


def url(value: object, field: str = "Link") -> str:
    """Accept http(s) links only (no javascript: or data: links), adding https:// if missing."""
    value = text(value, field, max_len=2000)
    if not value:
        return ""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) and not value.lower().startswith(("http://", "https://")):
        raise ValidationError(f"{field} must be a web address starting with https://.")
    if not value.lower().startswith(("http://", "https://")):
        value = "https://" + value
    if " " in value or "." not in value.split("//", 1)[1]:
        raise ValidationError(f"{field} doesn't look like a web address: {value[:60]!r}.")
    return value


def tags(value: object, field: str = "Tags") -> list[str]:
    """Normalise tags from a list or a comma-separated string: trimmed, lower case, unique, sorted."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = value.split(",")
    else:
        parts = list(value)
    out = set()
    for part in parts:
        tag = text(part, field, max_len=60).lower()
        if tag:
            out.add(tag)
    return sorted(out)


def tags_json(value: object) -> str:
    return json.dumps(tags(value), ensure_ascii=False)


def load_tags(raw: str | None) -> list[str]:
    return json.loads(raw) if raw else []
