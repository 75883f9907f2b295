"""Importing a job tracker's CSV (Huntr's or Teal's export, or any CSV with a confirmed column mapping).

preview() reads the file and checks every row without writing; import_rows() writes them all in one
transaction, or none of them when any row is bad. A row already on the list (same title, company and
link) is left out, so importing the same export twice adds nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from sqlite_utils import Database

from core.db import transaction
from core.errors import ValidationError
from core.opportunities.pipeline import (
    CLOSED_REASONS,
    SOURCES,
    STAGES,
    _check_salary,
    _clean,
    add_opportunity,
    close_opportunity,
    parse_salary,
)

MAX_BYTES = 20 * 2**20
MAX_ROWS = 20_000
# The fields a column can hold ('' means: leave the column out).
FIELDS = {"": "(leave out)", "title": "Role title", "company": "Company", "link": "Link to the posting",
          "stage": "Stage or list", "source": "Where it came from", "salary": "Salary (text, e.g. 70k-80k)",
          "salary_min": "Lowest salary", "salary_max": "Highest salary", "notes": "Notes",
          "found_on": "Date found or saved", "deadline": "Deadline", "location": "Location (kept in notes)"}
# Column names as the trackers write them (compared without case, spaces or punctuation).
ALIASES = {
    "title": ("jobtitle", "title", "position", "jobposition", "role", "job"),
    "company": ("company", "companyname", "employer", "organization"),
    "link": ("url", "joburl", "joblink", "link", "postingurl", "posturl", "jobpostingurl", "applicationurl"),
    "stage": ("list", "status", "stage", "liststatus", "applicationstatus"),
    "source": ("source", "howfound", "jobsource"),
    "salary": ("salary", "salaryrange", "compensation", "pay"),
    "salary_min": ("minsalary", "salarymin", "minimumsalary", "salarylow"),
    "salary_max": ("maxsalary", "salarymax", "maximumsalary", "salaryhigh"),
    "notes": ("notes", "note", "description", "jobdescription", "comments"),
    "found_on": ("dateadded", "datesaved", "created", "createdat", "datecreated", "addedon", "datebookmarked",
                 "bookmarkeddate"),
    "deadline": ("deadline", "applicationdeadline", "applyby", "closingdate"),
    "location": ("location", "joblocation", "city"),
}
# Huntr's default lists and Teal's statuses, as stages (a closed one with why).
STAGE_WORDS = {
    "wishlist": ("researching", ""), "bookmarked": ("researching", ""), "saved": ("researching", ""),
    "researching": ("researching", ""), "interested": ("researching", ""), "networking": ("networking", ""),
    "applying": ("networking", ""), "referred": ("referred", ""), "applied": ("applied", ""),
    "interview": ("interviewing", ""), "interviewing": ("interviewing", ""), "offer": ("offer", ""),
    "negotiating": ("offer", ""), "accepted": ("closed", "hired"), "hired": ("closed", "hired"),
    "rejected": ("closed", "rejected"), "notselected": ("closed", "rejected"), "declined": ("closed", "declined"),
    "iwithdrew": ("closed", "declined"), "withdrawn": ("closed", "declined"), "noresponse": ("closed", "went_quiet"),
    "ghosted": ("closed", "went_quiet"), "archived": ("closed", "went_quiet"), "closed": ("closed", "went_quiet"),
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%b %d, %Y", "%d %b %Y", "%B %d, %Y", "%Y-%m-%dT%H:%M:%S")


def _norm(header: str) -> str:
    return "".join(ch for ch in header.casefold() if ch.isalnum())


def read_table(data: bytes) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a CSV file (UTF-8, a BOM allowed); ValidationError for anything else."""
    if len(data) > MAX_BYTES:
        raise ValidationError(f"That file is over {MAX_BYTES // 2**20} MB: export fewer jobs at a time.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("That file is not UTF-8 text: export it again as CSV (UTF-8).") from None
    if "\x00" in text:
        raise ValidationError("That file is not a CSV (it holds binary data).")
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as e:
        raise ValidationError(f"That CSV can't be read ({e}).") from None
    table = [r for r in table if any(c.strip() for c in r)]
    if not table:
        raise ValidationError("That file is empty: it has no header row.")
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(f"That file has {len(table) - 1:,} rows; at most {MAX_ROWS:,} at a time.")
    return [h.strip() for h in table[0]], table[1:]


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{column: field} for the columns recognised (Huntr's and Teal's names among them); others map to ''."""
    taken: set[str] = set()
    mapping = {}
    for h in headers:
        field = next((f for f, names in ALIASES.items() if _norm(h) in names and f not in taken), "")
        mapping[h] = field
        if field:
            taken.add(field)
    return mapping


def detect_format(headers: list[str]) -> str:
    """'Huntr', 'Teal' or 'CSV': which tracker the headers look like (a guess shown to the user)."""
    names = {_norm(h) for h in headers}
    if "list" in names or "huntr" in " ".join(names):
        return "Huntr"
    if names & {"excitement", "datesaved", "jobposition", "dateapplied"}:
        return "Teal"
    return "CSV"


def _date(value: str, field: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value[:19] if "T" in value else value, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValidationError(f"{field} {value[:40]!r} is not a date (use YYYY-MM-DD).")


def _row(values: dict[str, str], today: date) -> dict:
    """One row's opportunity, checked and cleaned like a form ({fields as stored..., "stage", "closed_reason"})."""
    fields: dict = {"title": values.get("title", ""), "company": values.get("company", "")}
    if values.get("link", "").strip():
        fields["link"] = values["link"]
    source = values.get("source", "").strip().casefold().replace(" ", "_")
    fields["source"] = source if source in SOURCES else ("referral" if "referr" in source else
                                                          "recruiter" if "recruit" in source else "other")
    low, high, currency = parse_salary(values.get("salary", ""))
    for key in ("salary_min", "salary_max"):
        if values.get(key, "").strip():
            amount, _, cur = parse_salary(values[key])
            if amount is None:
                raise ValidationError(f"{FIELDS[key]} {values[key][:40]!r} is not an amount.")
            low, high = (amount, high) if key == "salary_min" else (low, amount)
            currency = currency or cur
    fields.update(salary_min=low, salary_max=high, salary_currency=currency)
    notes = values.get("notes", "").strip()
    if values.get("location", "").strip():
        notes = f"Location: {values['location'].strip()}" + (f"\n{notes}" if notes else "")
    fields["notes"] = notes
    found = _date(values.get("found_on", ""), "Date found")
    fields["found_on"] = min(found, today.isoformat()) if found else today
    fields["deadline"] = _date(values.get("deadline", ""), "Deadline")
    record = _clean(fields, today, partial=False)
    _check_salary(record)
    word = _norm(values.get("stage", ""))
    stage, reason = STAGE_WORDS.get(word, ("researching", "")) if word else ("researching", "")
    return {**record, "stage": stage, "closed_reason": reason}


def preview(db: Database, data: bytes, today: date, mapping: dict[str, str] | None = None) -> dict:
    """Read and check a tracker CSV without writing: {"format", "headers", "mapping", "rows", "new", "already",
    "problems": [sentences naming the line]}. mapping {column: field} is the user's confirmed one (default:
    guessed); it must give a title and a company column."""
    headers, table = read_table(data)
    mapping = dict(mapping) if mapping is not None else guess_mapping(headers)
    _check_mapping(mapping)
    index = {h: i for i, h in enumerate(headers)}
    known = _known_keys(db)  # then the rows of this file already taken too
    found, problems, already = [], [], 0
    for line, raw in enumerate(table, start=2):
        try:
            record = _row(_values(raw, index, mapping), today)
        except ValidationError as e:
            problems.append(f"Line {line}: {e}")
            continue
        key = _key(record)
        if key in known:
            already += 1
            continue
        known.add(key)
        found.append({"line": line, **record})
    return {"format": detect_format(headers), "headers": headers, "mapping": mapping, "rows": found,
            "new": len(found), "already": already, "problems": problems}


def _check_mapping(mapping: dict[str, str]) -> None:
    """A mapping names known fields, each at most once, and gives the title and the company."""
    unknown = {f for f in mapping.values() if f not in FIELDS}
    if unknown:
        raise ValidationError(f"There is no field called {', '.join(sorted(unknown))}.")
    chosen = [f for f in mapping.values() if f]
    doubled = sorted({f for f in chosen if chosen.count(f) > 1})
    if doubled:
        raise ValidationError(f"Two columns are mapped to {', '.join(FIELDS[f] for f in doubled)}: pick one.")
    missing = [FIELDS[f] for f in ("title", "company") if f not in chosen]
    if missing:
        raise ValidationError(f"Say which column holds the {' and the '.join(m.lower() for m in missing)}.")


def _known_keys(db: Database) -> set[tuple[str, str, str]]:
    """The (title, company, link) of every opportunity on the list, title and company without case."""
    return {(t.casefold(), c.casefold(), link) for t, c, link in db.execute(
        "select o.title, coalesce(c.name, ''), o.link from opportunities o left join companies c "
        "on c.id = o.company_id")}


def _values(raw: list[str], index: dict[str, int], mapping: dict[str, str]) -> dict[str, str]:
    """One line's {field: text} by the mapping ('' for a column the line is too short to have)."""
    return {field: (raw[index[col]] if index.get(col, len(raw)) < len(raw) else "")
            for col, field in mapping.items() if field and col in index}


def _key(record: dict) -> tuple[str, str, str]:
    """What makes a row the same opportunity: its title and company without case, and its link as stored."""
    return record["title"].casefold(), record["company"].casefold(), record.get("link", "")


def import_rows(db: Database, data: bytes, today: date, mapping: dict[str, str] | None = None) -> dict:
    """Import a tracker CSV: every new row, in one transaction, or nothing when any row has a problem.

    Returns the preview's counts ({"new", "already"}) and the ids added. Closed rows keep why they closed.
    """
    plan = preview(db, data, today, mapping)
    if plan["problems"]:
        more = f" (and {len(plan['problems']) - 3} more)" if len(plan["problems"]) > 3 else ""
        raise ValidationError("Nothing was imported: " + "; ".join(plan["problems"][:3]) + more + ".")
    ids = []
    with transaction(db):
        for r in plan["rows"]:
            fields = {k: r[k] for k in ("title", "company", "source", "salary_min", "salary_max", "salary_currency",
                                        "notes", "found_on", "deadline")}
            if r.get("link"):
                fields["link"] = r["link"]
            stage = r["stage"] if r["stage"] != "closed" else "researching"
            new_id = add_opportunity(db, today=today, stage=stage, **fields)
            if r["stage"] == "closed":
                close_opportunity(db, new_id, r["closed_reason"] or "went_quiet", today, note="Imported closed")
            ids.append(new_id)
    return {"new": len(ids), "already": plan["already"], "ids": ids}


__all__ = ["ALIASES", "CLOSED_REASONS", "FIELDS", "STAGES", "STAGE_WORDS", "detect_format", "guess_mapping",
           "import_rows", "preview", "read_table"]
