"""A person's other contact values: the emails, phones, titles and links beside the primary ones.

A merge keeps the second record's values here, the user can add, remove or promote one, and every
lookup by address (importers, mail matching) sees them through people_by_email. The table is
person_alternates (core/db.py m010): one row per (person, field, value), case-insensitive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlite_utils import Database

from core import validation as v
from core.db import chunks, now_iso, one, placeholders, rows, scalar, transaction
from core.errors import NotFound, ValidationError
from core.vocab import HOW_MET, SENIORITIES

# The fields a person can have more than one value of, in the order a page lists them, with their labels.
# `company` stands for the company's name (people.company_id); the others are people columns.
ALTERNATE_FIELDS: dict[str, str] = {
    "email": "Email",
    "phone": "Phone",
    "title": "Title",
    "company": "Company",
    "linkedin_url": "LinkedIn URL",
    "website": "Website",
    "name": "Name",
    "location": "Location",
    "industry": "Industry",
    "role": "Role",
    "seniority": "Seniority",
    "how_met": "How we met",
    "met_via": "Met via",
}
URL_FIELDS = ("linkedin_url", "website")
SOURCES = ("manual", "merge", "primary", "import")  # primary: it was the primary value until another was chosen

_PHONE = re.compile(r"^\+?[0-9 ()./\-]+(?:\s*(?:x|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)


def phone(value: object, field: str = "Phone") -> str:
    """A phone number as typed (+, digits, spaces, brackets, dots, dashes, an extension), with 4 to 20 digits."""
    value = v.text(value, field, max_len=40)
    if not value:
        return ""
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.match(value) or not 4 <= digits <= 20:
        raise ValidationError(f"{field} doesn't look like a phone number: {value[:40]!r}.")
    return value


def comparable(field: str, value: str | None) -> str:
    """The form two values are compared in: a phone by its digits (and +), a link without its scheme,
    'www.' and trailing slash, anything else without case or repeated spaces."""
    text = " ".join((value or "").split()).casefold()
    if field == "phone":
        return "".join(ch for ch in text if ch.isdigit() or ch == "+")
    if field in URL_FIELDS:
        text = re.sub(r"^https?://", "", text).removeprefix("www.").rstrip("/")
    return text


def same_value(field: str, a: str | None, b: str | None) -> bool:
    """Whether two values of a field are the same one written differently (see comparable)."""
    return comparable(field, a) == comparable(field, b)


def _validate(field: str, value: object) -> str:
    if field not in ALTERNATE_FIELDS:
        raise ValidationError(f"Unknown kind of contact detail {str(field)[:40]!r}; use one of: "
                              f"{', '.join(ALTERNATE_FIELDS)}.")
    label = ALTERNATE_FIELDS[field]
    if field == "email":
        value = v.email(value, label)
    elif field == "phone":
        value = phone(value, label)
    elif field in URL_FIELDS:
        value = v.url(value, label)
    elif field == "seniority":
        value = v.choice(value, label, SENIORITIES)
    elif field == "how_met":
        value = v.choice(value, label, HOW_MET)
    else:
        value = v.text(value, label)
    if not value:
        raise ValidationError(f"{label} can't be empty.")
    return value


def primary_values(db: Database, person_id: int) -> dict[str, str]:
    """A person's primary value of every alternate field ('' where empty); company is the company's name."""
    person = one(db, "select p.*, coalesce(c.name, '') as company from people p "
                     "left join companies c on c.id = p.company_id where p.id = ?", [person_id])
    if person is None:
        raise NotFound("That person does not exist (any more).")
    return {field: person[field] or "" for field in ALTERNATE_FIELDS}


def list_alternates(db: Database, person_id: int) -> list[dict]:
    """A person's alternate values, in ALTERNATE_FIELDS order then oldest first; each row has its `label`."""
    order = " ".join(f"when '{f}' then {i}" for i, f in enumerate(ALTERNATE_FIELDS))
    found = rows(db, f"select * from person_alternates where person_id = ? order by case field {order} else 99 end, id",
                 [person_id])
    for r in found:
        r["label"] = ALTERNATE_FIELDS.get(r["field"], r["field"])
    return found


def insert_alternate(db: Database, person_id: int, field: str, value: str, source: str) -> bool:
    return db.execute(
        "insert or ignore into person_alternates (person_id, field, value, source, created_at) values (?, ?, ?, ?, ?)",
        [person_id, field, value, source, now_iso()]).rowcount > 0


def add_alternate(db: Database, person_id: int, field: str, value: object, source: str = "manual") -> int:
    """Give a person another value of a field (validated as the field is); returns the new row's id.

    A value that is their primary one, or already one of their alternates, is refused with a sentence.
    """
    value = _validate(field, value)
    source = v.choice(source, "Source", SOURCES)
    primary = primary_values(db, person_id)
    label = ALTERNATE_FIELDS[field]
    if same_value(field, primary[field], value):
        raise ValidationError(f"{value} is already their {label.lower()}.")
    if any(same_value(field, a["value"], value) for a in list_alternates(db, person_id) if a["field"] == field):
        raise ValidationError(f"{value} is already listed as another {label.lower()} of theirs.")
    with transaction(db):
        insert_alternate(db, person_id, field, value, source)
        return one(db, "select id from person_alternates where person_id = ? and field = ? and value = ? "
                       "collate nocase", [person_id, field, value])["id"]


def require_alternate(db: Database, alternate_id: int) -> dict:
    found = one(db, "select * from person_alternates where id = ?", [alternate_id])
    if found is None:
        raise NotFound("That contact detail no longer exists.")
    return found


def remove_alternate(db: Database, alternate_id: int) -> dict:
    """Forget one alternate value; returns the row that was removed."""
    found = require_alternate(db, alternate_id)
    with transaction(db):
        db.execute("delete from person_alternates where id = ?", [alternate_id])
    return found




def keep_values(db: Database, person_id: int, values: Iterable[tuple[str, str]], source: str = "merge") -> dict:
    """Keep every (field, value) for a person, as a merge must: a value fills the field when it is empty,
    is dropped when the person already has it (primary or alternate, see same_value), and is stored as
    an alternate otherwise. Values are stored as they are (they were stored before). Call inside a
    transaction. Returns {'filled': {field: value}, 'added': n}."""
    primary = primary_values(db, person_id)
    have: dict[str, list[str]] = {f: [primary[f]] if primary[f] else [] for f in ALTERNATE_FIELDS}
    for a in list_alternates(db, person_id):
        have.setdefault(a["field"], []).append(a["value"])
    filled: dict[str, str] = {}
    added = 0
    for field, value in values:
        value = (value or "").strip()
        if field not in ALTERNATE_FIELDS or not value:
            continue
        if any(same_value(field, known, value) for known in have[field]):
            continue
        if not primary[field] and field not in filled:
            filled[field] = value
        else:
            added += insert_alternate(db, person_id, field, value, source)
        have[field].append(value)
    if filled:
        record: dict = {k: val for k, val in filled.items() if k != "company"}
        if "company" in filled:
            record["company_id"] = get_or_create_company(db, filled["company"])
        record["updated_at"] = now_iso()
        db.table("people").update(person_id, record)
    return {"filled": filled, "added": added}


def people_by_email(db: Database, emails: Iterable[str] | None = None) -> dict[str, int]:
    """Who each address belongs to: {address in lower case: person id}, matching primary and alternate
    emails (archived people included). A primary address wins over an alternate one, then the oldest
    person. With `emails` None, every known address; else only those given (any case, blanks ignored).
    Case is folded as SQLite's nocase does, ASCII only, as everywhere else in Rapport."""
    primary_sql = "select email, id from people where email != ''"
    alternate_sql = "select value, person_id from person_alternates where field = 'email'"
    found: dict[str, int] = {}
    if emails is None:
        for sql, order in ((primary_sql, " order by id"), (alternate_sql, " order by person_id, id")):
            for value, pid in db.execute(sql + order):
                found.setdefault(value.lower(), pid)
        return found
    wanted = sorted({e.strip().lower() for e in emails if e and e.strip()})
    hits: list[tuple[int, int, str]] = []  # (0 primary / 1 alternate, person id, address)
    for chunk in chunks(wanted):
        marks = placeholders(chunk)
        hits += [(0, pid, value) for value, pid in db.execute(
            f"{primary_sql} and email collate nocase in ({marks})", chunk)]
        hits += [(1, pid, value) for value, pid in db.execute(
            f"{alternate_sql} and value collate nocase in ({marks})", chunk)]
    chosen = set(wanted)
    for _, pid, value in sorted(hits):
        if value.lower() in chosen:
            found.setdefault(value.lower(), pid)
    return found


def alternate_values(db: Database, field: str) -> list[tuple[str, int]]:
    """Every stored alternate of one field as (value, person id), oldest person first: for matching indexes."""
    return [(r[0], r[1]) for r in db.execute(
        "select value, person_id from person_alternates where field = ? order by person_id, id", [field])]


def other_values(db: Database, fields: Iterable[str] = ("email", "phone")) -> dict[int, dict[str, list[str]]]:
    """{person id: {field: [alternate values, oldest first]}} for everyone who has any: for the exports."""
    fields = list(fields)
    out: dict[int, dict[str, list[str]]] = {}
    marks = placeholders(fields)
    for pid, field, value in db.execute(
            f"select person_id, field, value from person_alternates where field in ({marks}) order by person_id, id",
            fields):
        out.setdefault(pid, {}).setdefault(field, []).append(value)
    return out


def get_or_create_company(db: Database, name: str) -> int:
    """The id of the company with this name (case-insensitive), creating it if needed."""
    name = v.text(name, "Company name", required=True)
    found = scalar(db, "select id from companies where name = ? collate nocase", [name])
    if found:
        return found
    stamp = now_iso()
    return db.table("companies").insert({"name": name, "created_at": stamp, "updated_at": stamp}).last_pk
