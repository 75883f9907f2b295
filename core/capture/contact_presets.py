"""Contact CSVs written by mail programs, recognised by their headers and mapped without asking.

Google Contacts (the 2024 export: First Name, Last Name, Organization Name, E-mail 1 - Value …; and the
older one: Name, Given Name, Family Name, Organization 1 - Name, Group Membership …) and Outlook (First Name,
Last Name, E-mail Address, Job Title …; its "Title" column is Mr/Ms, not a job title, which is why a
guess from the headers alone gets it wrong). The mapping is the one the generic CSV importer takes
({column: field}, see core.importers.CSV_FIELDS), so everything after it (matching, merging, alternates)
is the CSV importer's own.
"""

from __future__ import annotations

PRESETS: dict[str, dict] = {
    "google": {
        "label": "Google Contacts CSV",
        # Any one of these sets of headers (lower case) identifies the export.
        "signatures": ({"first name", "last name", "e-mail 1 - value", "organization name"},
                       {"given name", "family name", "e-mail 1 - value", "group membership"},
                       {"first name", "last name", "e-mail 1 - value", "labels"}),
        "columns": {
            "name": "name", "first name": "first_name", "given name": "first_name",
            "last name": "last_name", "family name": "last_name",
            "organization name": "company", "organization 1 - name": "company",
            "organization title": "title", "organization 1 - title": "title",
            "organization department": "role", "organization 1 - department": "role",
            "e-mail 1 - value": "email", "e-mail 2 - value": "other_email",
            "phone 1 - value": "phone", "phone 2 - value": "other_phone",
            "website 1 - value": "website", "address 1 - city": "location",
            "labels": "tags", "group membership": "tags", "birthday": "birthday", "notes": "notes",
        },
    },
    "outlook": {
        "label": "Outlook CSV",
        "signatures": ({"first name", "last name", "e-mail address", "job title"},
                       {"first name", "last name", "e-mail address", "e-mail 2 address", "mobile phone"}),
        "columns": {
            "first name": "first_name", "last name": "last_name", "job title": "title", "company": "company",
            "department": "role", "e-mail address": "email", "e-mail 2 address": "other_email",
            "mobile phone": "phone", "business phone": "other_phone", "web page": "website",
            "business city": "location", "categories": "tags", "birthday": "birthday", "notes": "notes",
        },
    },
}


def _key(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().lower().split())


def recognise(headers: list[str]) -> str | None:
    """'google' or 'outlook' when the headers are that program's export, else None."""
    keys = {_key(h) for h in headers}
    for name, preset in PRESETS.items():
        if any(sig <= keys for sig in preset["signatures"]):
            return name
    return None


def preset_mapping(headers: list[str]) -> dict[str, str] | None:
    """{column: field} for a recognised export (every column present, '' for the ones not imported;
    each field mapped once, the first column that holds it winning), else None."""
    name = recognise(headers)
    if name is None:
        return None
    columns = PRESETS[name]["columns"]
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for h in headers:
        fld = columns.get(_key(h), "")
        if fld in taken:
            fld = ""
        if fld:
            taken.add(fld)
        mapping[h.strip()] = fld
    if "name" in taken:  # Google's old export has Name and its parts: the full name is enough
        mapping = {h: "" if f in ("first_name", "last_name") else f for h, f in mapping.items()}
    return mapping


def label(headers: list[str]) -> str:
    """'Google Contacts CSV' / 'Outlook CSV' for a recognised export, else ''."""
    name = recognise(headers)
    return PRESETS[name]["label"] if name else ""
    return None
