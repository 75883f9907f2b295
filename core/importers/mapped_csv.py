"""Any CSV with a column mapping (Google Contacts, Thunderbird, your own spreadsheet)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from core import validation as v
from core.capture.contact_presets import preset_mapping
from core.errors import ValidationError
from core.exporters import FORMULA_STARTS
from core.importers.dates import parse_loose_date, parse_vcard_birthday
from core.importers.files import decode, read_csv
from core.importers.matching import _add_or_update, _alternates, _Index, _norm, _person_fields
from core.importers.plan import ImportPlan

# Fields a CSV column can be mapped to, with their labels (the Data page's mapping editor).
CSV_FIELDS = {
    "": "(ignore this column)",
    "name": "Full name",
    "first_name": "First name",
    "last_name": "Last name",
    "title": "Title",
    "company": "Company",
    "email": "Email",
    "other_email": "Other emails",
    "phone": "Phone",
    "other_phone": "Other phones",
    "linkedin_url": "LinkedIn URL",
    "website": "Website",
    "location": "Location",
    "industry": "Industry",
    "role": "Role",
    "tags": "Tags (comma-separated)",
    "notes": "Notes",
    "birthday": "Birthday",
    "connected_on": "Connected on",
}
_SYNONYMS = {
    "name": ("name", "full name", "fullname", "display name", "contact", "contact name", "person"),
    # Google: Given Name / Family Name (until 2023), First Name / Last Name; Thunderbird: First Name.
    "first_name": ("first name", "firstname", "given name", "first", "forename"),
    "last_name": ("last name", "lastname", "surname", "family name", "last"),
    "title": ("title", "position", "job title", "jobtitle", "headline", "occupation", "organization title",
              "organization 1 - title"),
    "company": ("company", "organization", "organisation", "employer", "company name", "org", "companies",
                "organization name", "organization 1 - name"),
    "email": ("email", "e-mail", "email address", "e-mail address", "mail", "emails", "e-mail 1 - value",
              "primary email", "email 1", "e-mail 1"),
    "other_email": ("secondary email", "e-mail 2 - value", "email 2", "e-mail 2", "other email", "other emails"),
    "phone": ("phone", "telephone", "mobile", "phone number", "cell", "phone 1 - value", "phonenumbers",
              "mobile number", "mobile phone", "work phone"),
    "other_phone": ("phone 2 - value", "home phone", "other phone", "other phones"),
    "linkedin_url": ("linkedin", "linkedin url", "linkedin profile", "url", "profile url", "linkedin_url"),
    "website": ("website", "web site", "homepage", "web", "site", "web page 1", "website 1 - value"),
    "location": ("location", "city", "address", "country"),
    "industry": ("industry", "sector"),
    "role": ("role", "function", "department", "organization department"),
    "tags": ("tags", "labels", "groups", "categories", "group membership"),
    "notes": ("notes", "note", "comments", "comment", "description"),
    "birthday": ("birthday", "birth date", "date of birth", "dob", "bday"),
    "connected_on": ("connected on", "connected", "connected_on", "date connected"),
}


# --- Any CSV with a mapping -------------------------------------------------------------------------


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """Guess which field each column holds from its header ('' = ignore); each field used once."""
    taken: set[str] = set()
    out = {}
    for h in headers:
        key = _norm(h).replace("_", " ")
        guess = ""
        for fld, names in _SYNONYMS.items():
            if fld not in taken and (key in names or key.replace(" ", "_") == fld):
                guess = fld
                break
        if guess:
            taken.add(guess)
        out[h] = guess
    return out


def default_mapping(headers: list[str]) -> dict[str, str]:
    """The mapping a CSV gets before the user changes it: a recognised mail program's export gets its own
    (core.capture.contact_presets: Outlook's "Title" is Mr/Ms, not the job), any other file the guess from
    its headers (suggest_mapping)."""
    return preset_mapping(headers) or suggest_mapping(headers)


def csv_headers(data: bytes) -> list[str]:
    """The header row of a CSV file (its first non-empty record), for the mapping editor."""
    return _header_row(iter(read_csv(decode(data, "CSV file"), "CSV file")))


def _unneutralize(value: str) -> str:
    """Undo the ' our own CSV export puts before a cell starting with one of exporters.FORMULA_STARTS
    (= + - @, tab, CR: a formula guard)."""
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS else value


GOOGLE_SEPARATOR = " ::: "  # Google Contacts' CSV between several values in one cell
SYSTEM_GROUPS = ("mycontacts",)  # Google's group of every contact: not a tag (as in vCard CATEGORIES)
_EMAIL_SPLIT = re.compile(r"\s*(?: ::: |[,;\s])\s*")


def split_values(cell: str) -> list[str]:
    """The values of one cell: Google's ' ::: ' between them, or one a line."""
    return [p.strip() for part in (cell or "").split(GOOGLE_SEPARATOR) for p in part.splitlines() if p.strip()]


def split_emails(cell: str) -> list[str]:
    """The addresses in one cell, in order: ' ::: ', commas, semicolons or spaces between them."""
    return [p for p in _EMAIL_SPLIT.split((cell or "").strip()) if p]


def group_tags(cell: str) -> list[str]:
    """Tags from a groups or labels cell: Google's '* myContacts ::: * starred ::: Friends' gives
    ['starred', 'Friends'] (the '* ' marks a system group; myContacts is everyone, so no tag),
    otherwise commas or semicolons between them."""
    parts = split_values(cell) if GOOGLE_SEPARATOR in (cell or "") else re.split(r"[,;]", cell or "")
    out = []
    for p in parts:
        p = p.strip().removeprefix("* ").strip()
        if p and p.lower() not in SYSTEM_GROUPS and p not in out:
            out.append(p)
    return out


def _plan_csv(plan: ImportPlan, index: _Index, records: Iterable, options: dict,
              flush: Callable[[bool], None] | None = None) -> None:
    records = iter(records)
    headers = _header_row(records)
    mapping = options.get("mapping") or default_mapping(headers)
    _check_mapping(mapping, headers)
    positions = {f: headers.index(h) for h, f in mapping.items() if f}
    seen: dict = {}
    defaults = {"tier": options.get("tier") or "network", "how_met": ""}
    for line, record in records:
        if flush:
            flush(False)
        raw = {f: _unneutralize(record[i].strip()) if i < len(record) else "" for f, i in positions.items()}
        if any(raw.values()):
            _plan_row(plan, index, line, raw, seen, defaults)


def _header_row(records: Iterator) -> list[str]:
    """The file's first non-empty record, its cells stripped (the records after it are left to read)."""
    header = next((r for _, r in records if any(c.strip() for c in r)), None)
    if header is None:
        raise ValidationError("The CSV file has no header row.")
    return [c.strip() for c in header]


def _check_mapping(mapping: dict[str, str], headers: list[str]) -> None:
    """A mapping names only the file's columns and known fields, each field once, and a name."""
    unknown = [h for h in mapping if h not in headers]
    if unknown:
        raise ValidationError(f"The mapping names a column the file doesn't have: {unknown[0]!r}.")
    bad = [f for f in mapping.values() if f not in CSV_FIELDS]
    if bad:
        raise ValidationError(f"Unknown field {bad[0]!r} in the mapping; use one of: "
                              f"{', '.join(f for f in CSV_FIELDS if f)}.")
    used = [f for f in mapping.values() if f]
    dupes = [f for f, n in Counter(used).items() if n > 1]
    if dupes:
        raise ValidationError(f"Two columns are mapped to {CSV_FIELDS[dupes[0]]}; map each field once.")
    if "name" not in used and "first_name" not in used and "last_name" not in used:
        raise ValidationError("Map a column to Full name (or to First name and Last name): "
                              "every person needs a name.")


def _plan_row(plan: ImportPlan, index: _Index, line: int, raw: dict, seen: dict, defaults: dict) -> None:
    """One non-empty row ({field: cell}, consumed): skipped without a name, else added or matched."""
    name = raw.pop("name", "") or " ".join(p for p in (raw.get("first_name", ""), raw.get("last_name", "")) if p)
    raw.pop("first_name", None)
    raw.pop("last_name", None)
    if not name:
        plan.skip.append({"line": line, "name": "", "reason": "no name"})
        return
    tag_text, bday_text, conn_text = raw.pop("tags", ""), raw.pop("birthday", ""), raw.pop("connected_on", "")
    emails, phones = _first_values(raw)
    fields = _person_fields({"name": name, **raw}, line, plan)
    if fields is None:
        return
    alternates = _alternates(plan, line, fields, "email", emails[1:]) + _alternates(plan, line, fields, "phone",
                                                                                  phones[1:])
    tags = _row_tags(plan, line, name, tag_text)
    bday = _row_birthday(plan, line, name, bday_text) if bday_text else None
    connected = parse_loose_date(conn_text) if conn_text else None
    _add_or_update(plan, index, line, fields, source="csv", tags=tags, birthday=bday, connected_on=connected,
                   seen=seen, defaults=defaults, alternates=alternates)


def _first_values(raw: dict) -> tuple[list[str], list[str]]:
    """Keep the first of several values in a cell (Google's ' ::: '); return every email and phone of the row
    (the others become alternates). A LinkedIn profile among the websites becomes the LinkedIn URL."""
    emails = split_emails(raw.get("email", "")) + split_emails(raw.pop("other_email", ""))
    phones = split_values(raw.get("phone", "")) + split_values(raw.pop("other_phone", ""))
    raw["email"], raw["phone"] = (emails[:1] or [""])[0], (phones[:1] or [""])[0]
    for key in ("website", "title", "company", "location"):
        raw[key] = (split_values(raw.get(key, "")) or [""])[0]
    if "linkedin.com/in/" in raw["website"].lower() and not raw.get("linkedin_url"):
        raw["linkedin_url"], raw["website"] = raw["website"], ""  # Google keeps the profile among websites
    return emails, phones


def _row_tags(plan: ImportPlan, line: int, name: str, tag_text: str) -> list[str]:
    """The row's tags, checked; tags that fail the check are all left out, with a warning."""
    try:
        return v.tags(group_tags(tag_text))
    except ValidationError as e:
        plan.warnings.append({"line": line, "name": name, "message": f"{e} They were left out."})
        return []


def _row_birthday(plan: ImportPlan, line: int, name: str, bday_text: str) -> tuple | None:
    """(month, day, year | None) from a birthday cell in vCard or any loose date form; else a warning."""
    bday = parse_vcard_birthday(bday_text, {})
    if bday is None:
        d = parse_loose_date(bday_text)
        bday = (d.month, d.day, d.year) if d else None
    if bday is None:
        plan.warnings.append({"line": line, "name": name,
                              "message": f"Birthday {bday_text[:20]!r} is not a date; it was left out."})
    return bday
