"""Importing people and messages from files: LinkedIn exports, vCards and CSV, planned then applied.

Every import is two steps. plan_import() reads the file and the database (it writes nothing) and
returns an ImportPlan: the people to add, the people to update with exactly which fields, the rows
skipped with their line and reason, and the interactions to add. The Data page and the command line
show that plan as a preview; apply_import() then writes all of it in one transaction, or none of it.

A file that can't be read as the kind it claims to be (binary, not UTF-8, broken quoting, no header,
too big) raises ValidationError naming the line and the field, before anything is written.

Matching on re-import, in order: the source's own id (a vCard UID), the LinkedIn profile URL, the
email, then name and company. A match is updated, never duplicated, and what the user typed is never
overwritten: an import only fills empty fields and adds tags. The one exception is a LinkedIn job
change: if a person's title or company differs in a newer Connections.csv and nobody has touched
that person since an import last wrote them (people.updated_at is still an import's stamp), the new
title and company replace the old ones.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import stat
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import unquote

from sqlite_utils import Database

from core import importers_vcard as vc
from core import validation as v
from core.contacts import alternate_values, comparable, other_values, people_by_email
from core.contacts import phone as valid_phone
from core.db import data_version, get_setting, now_iso, rows, scalar, set_setting, transaction
from core.errors import ValidationError
from core.interactions import record_touches
from core.vocab import CHANNEL_MINUTES

MAX_BYTES = 20 * 1024 * 1024  # 20 MB: the page's upload limit (a 30,000-row Connections.csv is about 3 MB)
ZIP_TOTAL_BYTES = 3 * MAX_BYTES  # what the page inflates from a zip, all entries together
STREAM_ZIP_BYTES = 8 * 2**30  # the command line streams a zip's entries; still, no entry over 8 GB
SNIFF_BYTES = 65_536  # read first, to refuse a binary or non-UTF-8 file before anything else
STREAM_CHUNK = 5_000  # a streamed import writes its people this many at a time (one transaction in all)
FIELD_CHARS = csv.field_size_limit()  # 131,072: a longer cell is "a field is too long"
HEADER_SCAN_ROWS = 20  # LinkedIn's preamble is 3 lines; look a little further, never assume row 1
KINDS = ("linkedin", "messages", "invitations", "vcard", "csv")
KIND_LABELS = {
    "linkedin": "LinkedIn connections (Connections.csv or the export .zip)",
    "messages": "LinkedIn messages (messages.csv)",
    "invitations": "LinkedIn connection requests (Invitations.csv)",
    "vcard": "Contacts (vCard .vcf from Apple or Google Contacts)",
    "csv": "Any CSV file (you choose the columns)",
}
REPLY_DAYS = 7  # a message answered within a week counts as replied
NOTE_CHARS = 1000  # how much of a LinkedIn message is kept in the interaction's notes
INVITATION_SOURCE = "linkedin"  # interactions.source of a connection request (messages use linkedin_messages)
STAMP_KEY = "import_stamps"  # the updated_at stamps imports wrote: "not edited since" means one of these

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

LINKEDIN_COLUMNS = {
    "first name": "first_name", "last name": "last_name", "url": "linkedin_url", "email address": "email",
    "company": "company", "position": "title", "connected on": "connected_on",
}
MESSAGE_COLUMNS = ("conversation id", "from", "sender profile url", "date")
MESSAGE_COLUMNS_2018 = ("from", "to", "date", "content", "direction")  # 2018: From,To,Date,Subject,Content,Direction,Folder
OWNER_2018 = "\x00me"  # the sender of an OUTGOING message in a 2018 messages.csv
# Invitations.csv: From,To,Sent At,Message,Direction[,inviterProfileUrl,inviteeProfileUrl] (URLs since late 2023).
INVITATION_COLUMNS = ("from", "to", "sent at", "direction")
INVITATION_DIRECTIONS = {"outgoing": "me", "incoming": "them"}
# Sent At as LinkedIn writes it: 9/25/26, 8:52 AM (M/D/YY, h:mm AM); seconds and a 4-digit year tolerated.
_SENT_AT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:,?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]\.?M\.?)?)?$",
                      re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DMY_TEXT = re.compile(r"^(\d{1,2})[ \-/.]([A-Za-z]{3,9})\.?[ \-/.,]+(\d{2}|\d{4})$")
_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_FIELD_LABELS = {"name": "Name", "title": "Title", "company": "Company", "email": "Email", "phone": "Phone",
                 "linkedin_url": "LinkedIn URL", "website": "Website", "location": "Location",
                 "industry": "Industry", "role": "Role", "notes": "Notes"}
# Text fields an import may fill when they are empty on a matched person.
_FILLABLE = ("title", "email", "phone", "linkedin_url", "website", "location", "industry", "role", "notes")
# Every column a new person is inserted with (the rest take the schema's defaults), in one fixed order.
_BLANK = {"name": "", **dict.fromkeys(_FILLABLE, ""), "source": "", "source_uid": "", "tags": "[]",
          "connected_on": None, "tier": "network", "stage": "stranger", "how_met": ""}


@dataclass
class ImportPlan:
    """What an import will do; built by plan_import(), written by apply_import().

    add: new people ({"line", "person": columns, "company": name, "birthday": (m, d, y) | None}).
    update: matched people ({"line", "person_id", "name", "changes": columns, "company": name | None,
    "tags": [...], "birthday": ...}). skip: rows left out ({"line", "name", "reason"}).
    interactions: LinkedIn messages ({"line", "ref": ("id", person_id) | ("new", index into add),
    "record": columns, "stage": target stage}). warnings: rows imported with a field left out.
    """

    kind: str
    add: list[dict] = field(default_factory=list)
    update: list[dict] = field(default_factory=list)
    skip: list[dict] = field(default_factory=list)
    interactions: list[dict] = field(default_factory=list)
    interaction_updates: list[tuple[int, int]] = field(default_factory=list)  # (responded, id)
    warnings: list[dict] = field(default_factory=list)
    fingerprint: str = ""
    owner_url: str = ""
    flushed_add: int = 0  # a streamed import's people already written (add and update hold the rest)
    flushed_update: int = 0
    first_ids: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        invitations = sum(1 for i in self.interactions if i["record"]["source"] == INVITATION_SOURCE)
        return {"added": len(self.add) + self.flushed_add, "updated": len(self.update) + self.flushed_update,
                "skipped": len(self.skip),
                "interactions": len(self.interactions), "warnings": len(self.warnings),
                "messages": len(self.interactions) - invitations, "invitations": invitations}

    def describe(self) -> str:
        """One sentence: what confirming will do."""
        s = self.summary()
        parts = [f"add {s['added']:,} people", f"update {s['updated']:,}", f"skip {s['skipped']:,} rows"]
        if self.kind == "messages" or (self.kind == "linkedin" and s["messages"]):
            parts.append(f"log {s['messages']:,} LinkedIn message exchanges")
        if self.kind == "invitations" or s["invitations"]:
            parts.append(f"log {_requests(s['invitations'])}")
        return "This import will " + ", ".join(parts) + "."

    def preview_interactions(self, limit: int = 50) -> list[dict]:
        """The first touches the import will log (messages and connection requests), as plain rows."""
        out = []
        for item in self.interactions[:limit]:
            r = item["record"]
            what = "connection request" if r["source"] == INVITATION_SOURCE else "LinkedIn messages"
            out.append({"line": item["line"], "day": r["day"], "name": item.get("name", ""),
                        "touch": f"{what} {'you sent' if r['direction'] == 'me' else 'they sent'}",
                        "notes": r["notes"]})
        return out

    def preview(self, limit: int = 50) -> list[dict]:
        """The first rows of each action, as plain rows for a table."""
        out = []
        for a in self.add[:limit]:
            out.append({"action": "add", "line": a["line"], "name": a["person"]["name"],
                        "company": a["company"] or "", "detail": a["person"].get("title", "")})
        for u in self.update[:limit]:
            out.append({"action": "update", "line": u["line"], "name": u["name"], "company": u.get("company") or "",
                        "detail": "fills " + ", ".join(_describe_changes(u))})
        for s in self.skip[:limit]:
            out.append({"action": "skip", "line": s["line"], "name": s["name"], "company": "",
                        "detail": s["reason"]})
        for w in self.warnings[:limit]:
            out.append({"action": "warning", "line": w["line"], "name": w["name"], "company": "",
                        "detail": w["message"]})
        return out


def _requests(n: int) -> str:
    return f"{n:,} connection request" + ("" if n == 1 else "s")


def _describe_changes(update: dict) -> list[str]:
    names = [k.replace("_", " ") for k in update["changes"]]
    if update.get("company"):
        names.append("company")
    if update.get("tags"):
        names.append("tags")
    if update.get("birthday"):
        names.append("birthday")
    return names or ["nothing new"]


# --- Reading files -------------------------------------------------------------------------------


def _sniff(head: bytes, what: str, whole: bool) -> None:
    """Refuse, from its first bytes, a file that is empty, a zip or spreadsheet, binary, or not UTF-8."""
    if whole and not head.strip():
        raise ValidationError(f"The {what} is empty.")
    if head[:4] == b"PK\x03\x04":
        raise ValidationError(f"The {what} is a zip archive or a spreadsheet (.xlsx), not text: "
                              "export or save it as CSV and try again.")
    if b"\x00" in head:
        line = head[:head.index(b"\x00")].count(b"\n") + 1
        raise ValidationError(f"The {what} is a binary file, not text (line {line} holds a NUL byte); "
                              "export or save it as CSV and try again.")
    body = head[3:] if head[:3] == b"\xef\xbb\xbf" else head
    try:
        # A character cut at the end of the sniffed bytes is not an error (final=False).
        codecs.getincrementaldecoder("utf-8")().decode(body, final=whole)
    except UnicodeDecodeError as e:
        line = body[:e.start].count(b"\n") + 1
        raise ValidationError(
            f"Line {line} of the {what} is not UTF-8 text (byte 0x{body[e.start]:02X}); "
            "save it as 'CSV UTF-8' (Excel) or UTF-8 text and try again.") from None


def decode(data: bytes, what: str = "file") -> str:
    """The file's text: checks size, rejects binary files, reads UTF-8 with or without a BOM."""
    if not isinstance(data, bytes | bytearray):
        raise ValidationError(f"The {what} could not be read.")
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The {what} is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB.")
    _sniff(bytes(data[:SNIFF_BYTES]), what, whole=len(data) <= SNIFF_BYTES)
    if not data.strip():
        raise ValidationError(f"The {what} is empty.")
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise ValidationError(
            f"Line {line} of the {what} is not UTF-8 text (byte 0x{data[e.start]:02X}); "
            "save it as 'CSV UTF-8' (Excel) or UTF-8 text and try again.") from None
    return text


class _Chain(io.RawIOBase):
    """The bytes already read (to sniff them), then the rest of the stream."""

    def __init__(self, head: bytes, rest):
        self.head, self.rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class _Capped(io.RawIOBase):
    """A zip entry read in pieces, refused the moment it inflates past what the zip says it holds
    (a zip bomb claims 1 KB and inflates to 1 GB): memory stays bounded, and it fails quickly."""

    def __init__(self, member, limit: int, name: str):
        self.member, self.limit, self.name, self.total = member, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.member.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:  # zipfile stops at the claimed size
            raise ValidationError(f"{self.name} in the zip can't be inflated ({e}): the archive is damaged "
                                  "or a zip bomb.") from None
        self.total += len(data)
        if self.total > self.limit:
            raise ValidationError(f"{self.name} in the zip inflates to more than the zip says it holds "
                                  f"({self.limit:,} bytes): the archive is damaged or a zip bomb.")
        buffer[:len(data)] = data
        return len(data)


_ZIP_NAMES = {"connections.csv": "connections", "messages.csv": "messages", "invitations.csv": "invitations"}


def _zip_members(source, each: int, total: int) -> dict:
    """The first Connections.csv, messages.csv and Invitations.csv of a zip, as streams that are
    inflated only as they are read, each capped; other entries (even 900 more of the same name) are
    never inflated."""
    try:
        archive = zipfile.ZipFile(source)
        found, claimed = {}, 0
        for info in archive.infolist():
            wanted = _ZIP_NAMES.get(info.filename.replace("\\", "/").rsplit("/", 1)[-1].lower())
            if not wanted or wanted in found or info.is_dir():
                continue
            if info.file_size > each:
                raise ValidationError(f"{info.filename} in the zip is over {each // 2**20:,} MB; "
                                      "unzip it and import it on its own from the command line.")
            claimed += info.file_size
            if claimed > total:
                raise ValidationError(f"The files in the zip add up to over {total // 2**20:,} MB.")
            found[wanted] = io.BufferedReader(_Capped(archive.open(info), info.file_size, info.filename))
        return found
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError, ValueError,
            EOFError, zlib.error) as e:
        if isinstance(e, ValidationError):
            raise
        raise ValidationError("The zip archive is damaged or encrypted; unzip it and upload "
                              "Connections.csv instead.") from None


def _text(stream, what: str) -> io.TextIOWrapper:
    """A binary stream as UTF-8 text (a BOM dropped), after sniffing its first bytes."""
    head = stream.read(SNIFF_BYTES)
    _sniff(head, what, whole=len(head) < SNIFF_BYTES)
    return io.TextIOWrapper(io.BufferedReader(_Chain(head, stream), SNIFF_BYTES), encoding="utf-8-sig",
                            newline="")


def iter_csv(lines, what: str = "file") -> Iterator[tuple[int, list[str]]]:
    """Every record of a CSV text stream with the line it starts on, read as it goes (bounded memory).
    A broken file is an error naming the line: broken quoting, a field too long, not UTF-8, binary."""
    reader = csv.reader(lines, strict=True)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise ValidationError(f"The {what} has a field that is too long (over {FIELD_CHARS:,} characters) "
                                  f"in the record starting on line {start}; is it the right file?") from None
        if "NUL" in str(e):
            raise ValidationError(f"The {what} is a binary file, not text (line {start} holds a NUL byte).") from None
        raise ValidationError(f"The {what} has broken quoting in the record starting on line {start} "
                              f"({e}); check that every quote that opens also closes.") from None
    except UnicodeDecodeError:
        raise ValidationError(f"Line {reader.line_num + 1} of the {what} is not UTF-8 text; save it as "
                              "'CSV UTF-8' (Excel) or UTF-8 text and try again.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise ValidationError(f"The {what} in the zip archive is damaged; unzip it and try again.") from None


def read_csv(text: str, what: str = "file") -> list[tuple[int, list[str]]]:
    """Every record with the line it starts on; broken quoting is an error naming that line."""
    return list(iter_csv(io.StringIO(text, newline=""), what))


def _records(stream, what: str) -> Iterator[tuple[int, list[str]]]:
    return iter_csv(_text(stream, what), what)


def _find_header(records, required, what: str, expected: str) -> tuple[int, dict[str, int], Iterator]:
    """The header row among the first rows: which of the required column sets it has (required is one
    tuple of names, or a tuple of such tuples, one per layout), {name: position}, and the rows after it."""
    layouts = required if isinstance(required[0], tuple) else (tuple(required),)
    records = iter(records)
    for _ in range(HEADER_SCAN_ROWS):
        found = next(records, None)
        if found is None:
            break
        names = [c.strip().lstrip("\ufeff").lower() for c in found[1]]
        for layout, columns in enumerate(layouts):
            if all(r in names for r in columns):
                return layout, {n: i for i, n in reversed(list(enumerate(names))) if n}, records
    raise ValidationError(f"No header row found in the first {HEADER_SCAN_ROWS} lines of the {what}: "
                          f"expected columns like {expected}.")


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


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the same rule as core.validation.email
_LINKEDIN_PATH = re.compile(r"linkedin\.com(/[^?#]*)", re.IGNORECASE)


def linkedin_key(url: str) -> str:
    """A LinkedIn profile URL reduced to what identifies it: 'in/<slug>' (case, www, slash, encoding)."""
    m = _LINKEDIN_PATH.search(url or "")
    if not m:
        return ""
    path = m.group(1)
    return (unquote(path) if "%" in path else path).strip("/").lower()


@lru_cache(maxsize=65_536)
def _norm(value: str) -> str:
    """Case- and space-insensitive form of a name, for matching (cached: company names repeat a lot)."""
    return " ".join((value or "").split()).lower()


# --- Planning ------------------------------------------------------------------------------------


class _Index:
    """Match keys of everyone already stored, loaded once (no per-row queries)."""

    def __init__(self, db: Database, source: str):
        self.people: dict[int, dict] = {}
        self.by_uid: dict[str, int] = {}
        self.by_url: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.by_name_company: dict[tuple[str, str], int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.companies: dict[str, int] = {_norm(r[1]): r[0] for r in db.execute("select id, name from companies")}
        self.company_names = company_names = {cid: name for name, cid in self.companies.items()}
        self.birthdays = {r[0] for r in db.execute(
            "select distinct person_id from important_dates where label = 'birthday'")}
        stamps = set(get_setting(db, STAMP_KEY, []) or [])
        cur = db.execute(
            "select id, name, title, company_id, email, phone, linkedin_url, website, location, industry, role, "
            "notes, tags, source, source_uid, connected_on, updated_at, stage from people")
        names = [d[0] for d in cur.description]
        for values in cur:
            p = dict(zip(names, values, strict=True))
            p["untouched"] = p["updated_at"] in stamps
            self.people[p["id"]] = p
            if p["source_uid"] and p["source"] == source:
                self.by_uid.setdefault(p["source_uid"], p["id"])
            key = linkedin_key(p["linkedin_url"])
            if key:
                self.by_url.setdefault(key, p["id"])
            name = _norm(p["name"])
            self.by_name_company.setdefault((name, company_names.get(p["company_id"], "")), p["id"])
            self.by_name[name].append(p["id"])
        # Every address and profile a person has, alternates included (a merge keeps the other record's).
        self.by_email = people_by_email(db)
        self.alternates = other_values(db)  # {pid: {"email"/"phone": [values]}}: not added twice on re-import
        for url, pid in alternate_values(db, "linkedin_url"):
            self.by_url.setdefault(linkedin_key(url), pid)

    def match(self, uid: str, key: str, email: str, name: str, company: str) -> int | None:
        if uid and uid in self.by_uid:
            return self.by_uid[uid]
        if key and key in self.by_url:
            return self.by_url[key]
        if email and self.by_email and email.lower() in self.by_email:
            return self.by_email[email.lower()]
        if not self.by_name_company:
            return None
        return self.by_name_company.get((_norm(name), _norm(company)))


def _fingerprint(db: Database) -> str:
    """Changes with every write (core.db.data_version): a preview is only applied to the data it saw."""
    return data_version(db)


def plan_import(db: Database, kind: str, data: bytes, today: date, options: dict | None = None) -> ImportPlan:
    """Read a file and work out what importing it would do, writing nothing (the Data page's preview).

    kind: linkedin (Connections.csv, or LinkedIn's export .zip), messages (messages.csv), invitations
    (Invitations.csv), vcard or csv.
    options: "messages" and "invitations" (bytes of messages.csv and Invitations.csv to import with
    Connections.csv), "owner_url" (your own LinkedIn URL, to tell sent from received), "mapping"
    ({column header: field}, for csv), "tier".
    Each file is at most MAX_BYTES (checked before it is read); a zip's entries are inflated as they
    are read, the first of each name only, each capped at MAX_BYTES. For files of any size, see
    import_stream (the command line).
    """
    options = dict(options or {})
    _check_kind(kind)
    for what, value in (("file", data), ("messages.csv", options.get("messages")),
                        ("Invitations.csv", options.get("invitations"))):
        if value is None and what != "file":
            continue
        if not isinstance(value, bytes | bytearray):
            raise ValidationError(f"The {what} could not be read.")
        if len(value) > MAX_BYTES:
            raise ValidationError(f"The {what} is {len(value) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB.")
    inputs = {"main": io.BytesIO(bytes(data))}
    for key in ("messages", "invitations"):
        if options.get(key):
            inputs[key] = io.BytesIO(bytes(options[key]))
    plan = ImportPlan(kind=kind, fingerprint=_fingerprint(db))
    _plan(db, plan, kind, _unzipped(kind, inputs, MAX_BYTES, ZIP_TOTAL_BYTES), today, options,
          vcard_limit=MAX_BYTES)
    return plan


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(f"Unknown import kind {kind!r}; use one of: {', '.join(KINDS)}.")


def _unzipped(kind: str, inputs: dict, each: int, total: int) -> dict:
    """LinkedIn's export .zip given as the file: its Connections.csv, messages.csv and Invitations.csv."""
    main = inputs["main"]
    if kind not in ("linkedin", "messages", "invitations"):
        return inputs
    head = main.read(4)
    main.seek(0)
    if head != b"PK\x03\x04":
        return inputs
    files = _zip_members(main, each, total)
    wanted = {"linkedin": ("connections", "Connections.csv"), "messages": ("messages", "messages.csv"),
              "invitations": ("invitations", "Invitations.csv")}[kind]
    if wanted[0] not in files:
        raise ValidationError(f"The zip holds no {wanted[1]}; is it LinkedIn's data export?")
    out = {**inputs, "main": files[wanted[0]]}
    if kind == "linkedin":
        for key in ("messages", "invitations"):
            if key not in out and key in files:
                out[key] = files[key]
    return out


def _plan(db: Database, plan: ImportPlan, kind: str, inputs: dict, today: date, options: dict, *,
          flush: Callable[[bool], None] | None = None, vcard_limit: int) -> None:
    """Plan every file of an import. With flush (a streamed import, inside its transaction), people are
    written as they are planned, and messages and invitations are then matched against the database."""
    source = {"linkedin": "linkedin", "messages": "linkedin", "invitations": "linkedin", "vcard": "vcard",
              "csv": "csv"}[kind]
    index = _Index(db, source)
    if kind == "linkedin":
        _plan_connections(plan, index, _records(inputs["main"], "Connections.csv"), options, flush)
        if flush and (inputs.get("messages") or inputs.get("invitations")):
            flush(True)
            index = _Index(db, source)  # the people just written, matched as stored ones
        if inputs.get("messages"):
            _plan_messages(db, plan, index, _records(inputs["messages"], "messages.csv"), today, options)
        if inputs.get("invitations"):
            _plan_invitations(db, plan, index, _records(inputs["invitations"], "Invitations.csv"), today)
    elif kind == "messages":
        _plan_messages(db, plan, index, _records(inputs["main"], "messages.csv"), today, options)
    elif kind == "invitations":
        _plan_invitations(db, plan, index, _records(inputs["main"], "Invitations.csv"), today)
    elif kind == "vcard":
        _own_vcard_uids(db, index)
        data = inputs["main"].read(vcard_limit + 1)
        if len(data) > vcard_limit:
            raise ValidationError(f"The vCard file is over {vcard_limit // 2**20:,} MB; the limit is "
                                  f"{vcard_limit // 2**20:,} MB.")
        _plan_vcards(plan, index, data, options, flush)
    else:
        _plan_csv(plan, index, _records(inputs["main"], "CSV file"), options, flush)
    if flush:
        flush(True)


def _open_file(path, what: str):
    """A file to stream from, refused (one sentence) unless it is a regular file: not a folder, a
    device such as /dev/zero, or a fifo."""
    path = os.path.expanduser(os.fspath(path))
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ValidationError(f"No such file: {path}") from None
    except OSError as e:
        raise ValidationError(f"The {what} {path} can't be read: {e.strerror}.") from None
    if stat.S_ISDIR(mode):
        raise ValidationError(f"{path} is a folder, not a file.")
    if not stat.S_ISREG(mode):
        raise ValidationError(f"{path} is not a regular file (a device or a pipe?); import a saved file.")
    try:
        return open(path, "rb")  # closed by the caller's ExitStack
    except OSError as e:
        raise ValidationError(f"The {what} {path} can't be read: {e.strerror}.") from None


class _DryRun(Exception):  # a signal, not an error: roll the streamed import back
    pass


def import_stream(db: Database, kind: str, path, today: date, options: dict | None = None, *,
                  dry_run: bool = False, progress: Callable[[dict], None] | None = None) -> tuple[ImportPlan, dict]:
    """Import files of any size from disk, streaming, in bounded memory (the command line).

    path (and options "messages" / "invitations") are file paths. The file is read record by record and
    people are written STREAM_CHUNK at a time, all inside ONE transaction: a bad row further down, an
    error or a kill leaves the database exactly as it was. progress(summary) is called after each chunk
    is written (still uncommitted). dry_run does it all and rolls it back. Returns the plan (its add and
    update lists hold only the last chunk; its summary counts everything) and the report.
    """
    options = dict(options or {})
    _check_kind(kind)
    plan = ImportPlan(kind=kind)
    report: dict = {}
    with contextlib.ExitStack() as files:
        inputs = {"main": files.enter_context(_open_file(path, "file"))}
        for key, what in (("messages", "messages.csv"), ("invitations", "Invitations.csv")):
            if options.get(key):
                inputs[key] = files.enter_context(_open_file(options.pop(key), what))
        inputs = _unzipped(kind, inputs, STREAM_ZIP_BYTES, STREAM_ZIP_BYTES)
        stamp = datetime.now(UTC).isoformat()
        try:
            big = os.fstat(inputs["main"].fileno()).st_size if kind != "vcard" else 0
        except (OSError, AttributeError):  # a zip entry has no file of its own
            big = 0
        try:
            with transaction(db):
                state = {"companies": 0}

                def flush(final: bool) -> None:
                    if not final and len(plan.add) + len(plan.update) < STREAM_CHUNK:
                        return
                    if not plan.add and not plan.update:
                        return
                    new_ids = _write_people(db, plan, stamp, state)
                    plan.flushed_add += len(plan.add)
                    plan.flushed_update += len(plan.update)
                    plan.first_ids += new_ids[:1000 - len(plan.first_ids)]
                    plan.add.clear()
                    plan.update.clear()
                    if progress:
                        progress(plan.summary())

                with _indexes_rebuilt_if_bulk(db, "people", big // 100):
                    _plan(db, plan, kind, inputs, today, options, flush=flush, vcard_limit=STREAM_ZIP_BYTES)
                report = _finish(db, plan, [], today, stamp, state["companies"])
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return plan, report


def _person_fields(raw: dict, line: int, plan: ImportPlan) -> dict | None:
    """Validate one row's fields; a bad optional field is dropped with a warning, a bad name skips the row."""
    out: dict = {}
    name = raw.get("name", "")
    for key, value in raw.items():
        if value is None or value == "":
            continue
        label = _FIELD_LABELS.get(key, key)
        try:
            if key in ("name", "title", "company", "phone", "location", "industry", "role"):
                out[key] = v.text(value, label)
            elif key == "notes":
                out[key] = v.long_text(value, label)
            elif key == "email":
                out[key] = v.email(value, label)
            elif key in ("linkedin_url", "website"):
                out[key] = v.url(str(value).replace("\\:", ":"), label)
            else:
                out[key] = value
        except ValidationError as e:
            if key == "name":
                plan.skip.append({"line": line, "name": str(name)[:60], "reason": str(e)})
                return None
            plan.warnings.append({"line": line, "name": str(name)[:60], "message": f"{e} It was left out."})
    if not out.get("name"):
        return None
    return out


def _plain_fields(row: dict) -> dict | None:
    """The fields of an ordinary LinkedIn row, checked cheaply (30,000 rows); None sends the row
    through _person_fields, which explains what is wrong."""
    for key in ("name", "title", "company"):
        if len(row[key]) > v.MAX_SHORT:
            return None
    url = row["linkedin_url"]
    if url and (not url.startswith("https://") or " " in url or "." not in url[8:]):
        return None
    if row["email"] and not _EMAIL.match(row["email"]):
        return None
    return {k: value for k, value in row.items() if value}


def _add_or_update(plan: ImportPlan, index: _Index, line: int, fields: dict, *, source: str, uid: str = "",
                   tags: list[str] = (), birthday: tuple | None = None, connected_on: date | None = None,
                   seen: dict, defaults: dict, job_change: bool = False, url_key: str | None = None,
                   alternates: list[tuple] = ()) -> None:
    company = fields.pop("company", "")
    name = fields["name"]
    if url_key is None:
        url_key = linkedin_key(fields.get("linkedin_url", ""))
    pid = index.match(uid, url_key, fields.get("email", ""), name, company)
    if pid:
        key: tuple = ("id", pid)
    elif uid:
        key = ("uid", uid)
    elif url_key:
        key = ("url", url_key)
    elif fields.get("email"):
        key = ("email", fields["email"].lower())
    else:
        key = ("name", _norm(name), _norm(company))
    if key in seen:
        plan.skip.append({"line": line, "name": name, "reason": f"same person as line {seen[key]}"})
        return
    seen[key] = line
    if pid is None:
        record = dict(_BLANK)
        record.update(fields)
        record.update(source=source, source_uid=uid, tier=defaults["tier"], how_met=defaults["how_met"],
                      tags=json.dumps(sorted(set(tags)), ensure_ascii=False) if tags else "[]",
                      connected_on=connected_on.isoformat() if connected_on else None)
        plan.add.append({"line": line, "person": record, "company": company, "birthday": birthday,
                         "alternates": list(alternates)})
        return
    current = index.people[pid]
    changes = {}
    for k in _FILLABLE:
        if fields.get(k) and not current[k]:
            changes[k] = fields[k]
    new_company = None
    if company and current["company_id"] is None:
        new_company = company
    if job_change and current["untouched"] and current["source"] == "linkedin":
        current_company = index.company_names.get(current["company_id"], "")
        if company and _norm(company) != current_company:
            new_company = company
        if fields.get("title") and fields["title"] != current["title"]:
            changes["title"] = fields["title"]
    if connected_on and not current["connected_on"]:
        changes["connected_on"] = connected_on.isoformat()
    if uid and not current["source_uid"] and current["source"] == source:
        changes["source_uid"] = uid
    old_tags = set(v.load_tags(current["tags"]))
    new_tags = sorted(set(tags) - old_tags)
    if new_tags:
        changes["tags"] = json.dumps(sorted(old_tags | set(tags)), ensure_ascii=False)
    bday = birthday if birthday and pid not in index.birthdays else None
    # Another email or phone is kept as an alternate, unless it is theirs already (primary or, for an
    # email, one of their stored addresses).
    extra = [(f, x) for f, x in alternates
             if comparable(f, x) not in {comparable(f, k) for k in [current[f] or "", *index.alternates.get(pid, {})
                                                                    .get(f, [])]}]
    if not changes and not new_company and not bday and not extra:
        plan.skip.append({"line": line, "name": name, "reason": "already on your list, nothing new"})
        return
    plan.update.append({"line": line, "person_id": pid, "name": current["name"], "changes": changes,
                        "company": new_company, "tags": new_tags, "birthday": bday, "alternates": extra})


def _plan_connections(plan: ImportPlan, index: _Index, records: Iterable, options: dict,
                      flush: Callable[[bool], None] | None = None) -> None:
    _, columns, rest = _find_header(records, ("first name", "last name"), "Connections.csv",
                                    "First Name, Last Name, URL, Email Address, Company, Position, Connected On")
    wanted = {field: columns[col] for col, field in LINKEDIN_COLUMNS.items() if col in columns}
    seen: dict = {}
    defaults = {"tier": options.get("tier") or "acquaintance", "how_met": "linkedin"}
    for line, record in rest:
        if flush:
            flush(False)
        raw = {f: (record[i].strip() if i < len(record) else "") for f, i in wanted.items()}
        if not any(raw.values()):
            continue  # a blank line (LinkedIn ends the file with one)
        name = " ".join(p for p in (raw.get("first_name", ""), raw.get("last_name", "")) if p)
        if not name:
            plan.skip.append({"line": line, "name": "", "reason": "hidden profile (no name, only a date)"})
            continue
        connected = parse_loose_date(raw.get("connected_on", ""))
        if raw.get("connected_on") and connected is None:
            plan.warnings.append({"line": line, "name": name, "message":
                                  f"Connected On {raw['connected_on'][:30]!r} is not a date; it was left out."})
        url = raw.get("linkedin_url", "")
        row = {"name": name, "title": raw.get("title", ""), "company": raw.get("company", ""),
               "email": raw.get("email", ""), "linkedin_url": url}
        fields = _plain_fields(row) or _person_fields(row, line, plan)
        if fields is None:
            continue
        key = linkedin_key(fields.get("linkedin_url", ""))
        _add_or_update(plan, index, line, fields, source="linkedin", uid=key, url_key=key,
                       connected_on=connected, seen=seen, defaults=defaults, job_change=True)


# --- LinkedIn messages ----------------------------------------------------------------------------


def _cells(columns: dict[str, int]):
    """A reader of one named cell of a row (stripped; empty where the row is short or lacks the column)."""
    def cell(record: list[str], name: str) -> str:
        i = columns.get(name)
        return record[i].strip() if i is not None and i < len(record) else ""
    return cell


def _message_date(raw: str, line: int) -> datetime:
    """DATE as LinkedIn writes it: 2025-01-01 10:00:00 UTC; 2018 exports: 1/8/18, 6:14 PM."""
    try:
        return datetime.strptime(raw.replace(" UTC", "").strip()[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        when = parse_sent_at(raw)
        if when is None:
            raise ValidationError(f"Line {line} of messages.csv: DATE {raw[:30]!r} is not a date like "
                                  "2025-01-01 10:00:00 UTC.") from None
        return when


def _plan_messages(db: Database, plan: ImportPlan, index: _Index, records: Iterable, today: date,
                   options: dict) -> None:
    layout, columns, rest = _find_header(
        records, (MESSAGE_COLUMNS, MESSAGE_COLUMNS_2018), "messages.csv",
        "CONVERSATION ID, FROM, SENDER PROFILE URL, TO, RECIPIENT PROFILE URLS, DATE, CONTENT "
        "(or, in 2018 exports, From, To, Date, Subject, Content, Direction)")
    cell = _cells(columns)
    old = layout == 1  # 2018: no conversation ids, no profile URLs; Direction says who sent it

    messages = []
    for line, record in rest:
        if not any(c.strip() for c in record):
            continue
        if cell(record, "is message draft").lower() in ("yes", "true") or cell(record, "folder").upper() == "SPAM":
            continue
        when = _message_date(cell(record, "date"), line)
        content = cell(record, "content")[:NOTE_CHARS + 1]  # only the start is kept: a big file stays small
        if old:
            direction = INVITATION_DIRECTIONS.get(cell(record, "direction").lower())
            if direction is None:
                plan.skip.append({"line": line, "name": cell(record, "from")[:60], "reason":
                                  f"Direction {cell(record, 'direction')[:20]!r} is neither INCOMING nor OUTGOING"})
                continue
            other = _norm(cell(record, "to") if direction == "me" else cell(record, "from"))
            messages.append({"line": line, "conv": f"2018|{other}", "when": when, "from": cell(record, "from"),
                             "sender": OWNER_2018 if direction == "me" else f"name:{other}",
                             "to": cell(record, "to"), "recipients": [], "content": content, "name_only": other})
            continue
        recipients = [u.strip() for u in cell(record, "recipient profile urls").split(",") if u.strip()]
        messages.append({"line": line, "conv": cell(record, "conversation id"), "when": when,
                         "from": cell(record, "from"), "sender": linkedin_key(cell(record, "sender profile url")),
                         "to": cell(record, "to"), "recipients": [linkedin_key(u) for u in recipients],
                         "content": content})
    if not messages:
        return
    planned_urls = {linkedin_key(a["person"].get("linkedin_url", "")): i for i, a in enumerate(plan.add)}
    planned_urls.pop("", None)
    names = _NameIndex(plan, index)
    if old:
        owner = OWNER_2018
    else:
        owner = linkedin_key(options.get("owner_url") or "") or linkedin_key(
            (get_setting(db, "profile", {}) or {}).get("linkedin_url", ""))
        if not owner:
            owner = _guess_owner(messages, index, planned_urls)
        plan.owner_url = owner
    existing = {r[0]: (r[1], r[2]) for r in db.execute(
        "select source_uid, id, responded from interactions where source = 'linkedin_messages'")}
    by_conv: dict[str, list[dict]] = defaultdict(list)
    for m in messages:
        by_conv[m["conv"]].append(m)
    groups: dict[tuple, dict] = {}
    for conv, items in by_conv.items():
        items.sort(key=lambda m: m["when"])
        for i, m in enumerate(items):
            mine = m["sender"] == owner
            others = [u for u in m["recipients"] if u and u != owner] if mine else [m["sender"]]
            if "name_only" in m:
                others = [("name", m["name_only"])]
            elif mine and not m["recipients"]:
                others = [("name", _norm(n)) for n in m["to"].split(",") if n.strip()]
            for other in others:
                name = m["to"] if mine else m["from"]
                # Without profile URLs on the list (Connections.csv of 2018-2023), a unique name will do.
                fallback = m["to"] if mine and len(others) == 1 else (m["from"] if not mine else "")
                ref, reason = _message_ref(other, index, planned_urls, names, fallback)
                if ref is None:
                    plan.skip.append({"line": m["line"], "name": name[:60], "reason": reason})
                    continue
                if m["when"].date() > today:
                    plan.skip.append({"line": m["line"], "name": name[:60], "reason": "dated after today"})
                    continue
                replied = _replied(items, i, mine, other, owner, today)
                key = (conv, ref, "me" if mine else "them", m["when"].date())
                group = groups.get(key)
                if group is None:
                    groups[key] = {"line": m["line"], "ref": ref, "conv": conv, "other": other,
                                   "direction": key[2], "day": key[3], "contents": [m["content"]],
                                   "responded": replied}
                else:
                    group["contents"].append(m["content"])
                    if replied:
                        group["responded"] = True
    stamp = now_iso()
    for (conv, _, direction, day), g in groups.items():
        other = g["other"] if isinstance(g["other"], str) else g["other"][1]
        uid = hashlib.sha1(f"{conv}|{other}|{direction}|{day.isoformat()}".encode()).hexdigest()[:32]
        responded = None if g["responded"] is None else int(g["responded"])
        if uid in existing:
            stored_id, stored_responded = existing[uid]
            if stored_responded is None and responded is not None:
                plan.interaction_updates.append((responded, stored_id))
            continue
        first = g["contents"][0]
        notes = first[:NOTE_CHARS] + ("…" if len(first) > NOTE_CHARS else "")
        if len(g["contents"]) > 1:
            notes += f"\n(+{len(g['contents']) - 1} more messages that day)"
        stage = "conversed" if direction == "them" or responded else "contacted"
        plan.interactions.append({"line": g["line"], "ref": g["ref"], "stage": stage,
                                  "name": _ref_name(plan, index, g["ref"]), "record": {
            "day": day.isoformat(), "channel": "linkedin", "direction": direction, "kind": "neutral",
            "nature": "", "responded": responded, "tags": "[]", "minutes": CHANNEL_MINUTES["linkedin"],
            "notes": notes, "details": "", "source": "linkedin_messages", "source_uid": uid, "created_at": stamp}})


def _guess_owner(messages: list[dict], index: _Index, planned: dict[str, int]) -> str:
    """The export's owner: in the most conversations, not one of their own contacts, most messages."""
    conversations: dict[str, set] = defaultdict(set)
    count: Counter = Counter()
    for m in messages:
        for u in [m["sender"], *m["recipients"]]:
            if u:
                conversations[u].add(m["conv"])
                count[u] += 1
    if not count:
        return ""
    return max(count, key=lambda u: (len(conversations[u]), u not in index.by_url and u not in planned, count[u]))


class _NameIndex:
    """Who on the list (stored or about to be added) has a name, for files without profile URLs."""

    def __init__(self, plan: ImportPlan, index: _Index):
        self.index = index
        self.planned: dict[str, list[int]] = defaultdict(list)
        for i, a in enumerate(plan.add):
            self.planned[_norm(a["person"]["name"])].append(i)

    def find(self, name: str, without_url: bool) -> list[tuple]:
        """Everyone called `name`; only those without a LinkedIn URL when without_url (someone whose
        URL differs from the message's is another person)."""
        key = _norm(name)
        stored = [("id", pid) for pid in self.index.by_name.get(key, [])
                  if not (without_url and self.index.people[pid]["linkedin_url"])]
        return stored + [("new", i) for i in self.planned.get(key, [])]


NO_PROFILE = "no one on your list has this LinkedIn profile (import Connections.csv first)"


def _message_ref(other, index: _Index, planned: dict[str, int], names: _NameIndex | None = None,
                 name: str = "") -> tuple[tuple | None, str]:
    """The person a message is with, or None and why not: by profile URL, else by a unique name."""
    if isinstance(other, tuple):  # an old export without recipient URLs: match a unique name
        return _unique_name(names.find(other[1], False) if names else
                            [("id", p) for p in index.by_name.get(other[1], [])], other[1],
                            "no one on your list has this name (import Connections.csv first)")
    if other in index.by_url:
        return ("id", index.by_url[other]), ""
    if other in planned:
        return ("new", planned[other]), ""
    if names and name.strip():
        return _unique_name(names.find(name, True), name, NO_PROFILE)
    return None, NO_PROFILE


def _unique_name(found: list[tuple], name: str, none: str) -> tuple[tuple | None, str]:
    if len(found) == 1:
        return found[0], ""
    if len(found) > 1:
        return None, (f"{len(found)} people on your list are called {name.strip()[:60]}; add their LinkedIn URL "
                      "to the right one and import again")
    return None, none


def _replied(items: list[dict], i: int, mine: bool, other, owner: str, today: date) -> bool | None:
    """Did the other side answer message i within REPLY_DAYS? None while the window is still open,
    and None for an unanswered message that was itself an answer (the exchange just ended there)."""
    m = items[i]

    def from_other_side(msg: dict) -> bool:
        if mine:
            return msg["sender"] == other or (isinstance(other, tuple) and msg["sender"] != owner)
        return msg["sender"] == owner

    # A message that itself answers the other side closes the exchange: it is never "ignored".
    answering = False
    for earlier in reversed(items[:i]):
        if m["when"] - earlier["when"] > timedelta(days=REPLY_DAYS):
            break
        if from_other_side(earlier):
            answering = True
            break
    limit = m["when"] + timedelta(days=REPLY_DAYS)
    for later in items[i + 1:]:
        if later["when"] > limit:
            break
        if from_other_side(later):
            return True
    if answering or (today - m["when"].date()).days < REPLY_DAYS:
        return None
    return False


def _ref_name(plan: ImportPlan, index: _Index, ref: tuple) -> str:
    """The name of the person a planned interaction is for, as the list will hold it."""
    kind, value = ref
    return index.people[value]["name"] if kind == "id" else plan.add[value]["person"]["name"]


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


def _plan_invitations(db: Database, plan: ImportPlan, index: _Index, records: Iterable, today: date) -> None:
    """Connection requests with people on the list become LinkedIn touches: me for OUTGOING, them for
    INCOMING. Matched by profile URL (when the export has them), else by a unique name; a request to
    or from someone not on the list, or with an unreadable date or direction, is skipped with why."""
    _, columns, rest = _find_header(records, INVITATION_COLUMNS, "Invitations.csv",
                                    "From, To, Sent At, Message, Direction, inviterProfileUrl, inviteeProfileUrl")
    cell = _cells(columns)

    planned_urls: dict[str, int] = {}
    planned_names: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(plan.add):
        key = linkedin_key(a["person"].get("linkedin_url", ""))
        if key:
            planned_urls.setdefault(key, i)
        planned_names[_norm(a["person"]["name"])].append(i)
    existing = {r[0] for r in db.execute("select source_uid from interactions where source = ? "
                                         "and source_uid != ''", [INVITATION_SOURCE])}
    seen: dict[str, int] = {}
    stamp = now_iso()
    for line, record in rest:
        if not any(c.strip() for c in record):
            continue
        raw_direction = cell(record, "direction")
        direction = INVITATION_DIRECTIONS.get(raw_direction.lower())
        if direction is None:
            plan.skip.append({"line": line, "name": (cell(record, "to") or cell(record, "from"))[:60], "reason":
                              f"connection request with Direction {raw_direction[:20]!r}: "
                              "neither INCOMING nor OUTGOING"})
            continue
        name = cell(record, "to") if direction == "me" else cell(record, "from")
        url = cell(record, "inviteeprofileurl") if direction == "me" else cell(record, "inviterprofileurl")
        raw_when = cell(record, "sent at")
        when = parse_sent_at(raw_when)
        if when is None:
            plan.skip.append({"line": line, "name": name[:60], "reason":
                              f"connection request with Sent At {raw_when[:30]!r}: not a date like 9/25/26, 8:52 AM"})
            continue
        if when.date() > today:
            plan.skip.append({"line": line, "name": name[:60], "reason": "connection request dated after today"})
            continue
        ref, why = _invitation_ref(linkedin_key(url), name, index, planned_urls, planned_names, plan)
        if ref is None:
            plan.skip.append({"line": line, "name": name[:60], "reason": f"connection request: {why}"})
            continue
        # Both header eras carry the names and the minute it was sent: the same request keeps the same id
        # whether or not the export has profile URLs.
        uid = "invitation-" + hashlib.sha1(
            f"{direction}|{_norm(name)}|{when:%Y-%m-%dT%H:%M}".encode()).hexdigest()[:24]
        if uid in existing:
            plan.skip.append({"line": line, "name": name[:60], "reason": "connection request already imported"})
            continue
        if uid in seen:
            plan.skip.append({"line": line, "name": name[:60], "reason": f"same connection request as line {seen[uid]}"})
            continue
        seen[uid] = line
        message = cell(record, "message")
        notes = message[:NOTE_CHARS] + ("…" if len(message) > NOTE_CHARS else "")
        plan.interactions.append({"line": line, "ref": ref, "stage": "contacted", "name": _ref_name(plan, index, ref),
                                  "record": {
            "day": when.date().isoformat(), "channel": "linkedin", "direction": direction, "kind": "neutral",
            "nature": "connection_request", "responded": None, "tags": "[]", "minutes": CHANNEL_MINUTES["linkedin"],
            "notes": notes, "details": "", "source": INVITATION_SOURCE, "source_uid": uid, "created_at": stamp}})


def _invitation_ref(url_key: str, name: str, index: _Index, planned_urls: dict[str, int],
                    planned_names: dict[str, list[int]], plan: ImportPlan) -> tuple[tuple | None, str]:
    """(ref, "") for the person a request was with, or (None, why not). A unique name is the fallback,
    but never for someone whose stored profile URL differs from the request's (a namesake)."""
    if url_key in index.by_url:
        return ("id", index.by_url[url_key]), ""
    if url_key in planned_urls:
        return ("new", planned_urls[url_key]), ""
    n = _norm(name)
    if not n:
        return None, "no name or profile URL"
    found = [("id", pid) for pid in index.by_name.get(n, [])
             if not (url_key and linkedin_key(index.people[pid]["linkedin_url"]))]
    found += [("new", i) for i in planned_names.get(n, [])
              if not (url_key and linkedin_key(plan.add[i]["person"].get("linkedin_url", "")))]
    if len(found) == 1:
        return found[0], ""
    if found:
        return None, "more than one person on your list has this name; add their LinkedIn URL to tell them apart"
    if url_key:
        return None, "no one on your list has this LinkedIn profile (import Connections.csv first)"
    return None, "no one on your list has this name (import Connections.csv first)"


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


def _own_vcard_uids(db: Database, index: _Index) -> None:
    """Cards this database exported carry a UID derived from the person's id: match them back."""
    db_uid = get_setting(db, "database_uid")
    if db_uid:
        from core.exporters import person_uid

        for pid in index.people:
            index.by_uid.setdefault(person_uid(db_uid, pid), pid)


def _plan_vcards(plan: ImportPlan, index: _Index, data: bytes, options: dict,
                 flush: Callable[[bool], None] | None = None) -> None:
    """Card by card (core.importers_vcard): a card that can't be read is skipped with its line and why."""
    if not data.strip():
        raise ValidationError("The vCard file is empty.")
    if data[:4] == b"PK\x03\x04":
        raise ValidationError("The vCard file is a zip archive, not a .vcf file: unzip it and try again.")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ValidationError("The vCard file is a binary file, not text (or UTF-16: export it as UTF-8).")
    if b"BEGIN:VCARD" not in data.upper():
        raise ValidationError("This is not a vCard file: no BEGIN:VCARD line was found.")
    seen: dict = {}
    defaults = {"tier": options.get("tier") or "network", "how_met": ""}
    read = 0
    errors = []
    for card in vc.cards(data):
        if flush:
            flush(False)
        if isinstance(card, tuple):
            errors.append(card)
            plan.skip.append({"line": card[0], "name": "", "reason": f"card can't be read: {card[1]}"})
            continue
        read += 1
        _plan_card(plan, index, card, seen, defaults)
    if not read and errors:
        raise ValidationError(f"The vCard file can't be read: the card on line {errors[0][0]}: {errors[0][1]}.")


def _plan_card(plan: ImportPlan, index: _Index, card: vc.Card, seen: dict, defaults: dict) -> None:
    line = card.line
    name = vc.name(card)
    if not name:
        plan.skip.append({"line": line, "name": "", "reason": "card without a name (FN or N)"})
        return
    linkedin, website = "", ""
    for u in vc.ordered(card.all("URL")):
        url = vc.unescape(u.value).strip()
        if "linkedin.com" in url.lower():
            linkedin = linkedin or url
        else:
            website = website or url
    emails, phones = vc.emails(card), vc.phones(card)
    tags = [t for t in vc.categories(card) if t.lower() not in SYSTEM_GROUPS]
    try:
        tags = v.tags(tags)
    except ValidationError:
        tags = []
    notes = "\n".join(vc.unescape(p.value).replace("\r\n", "\n") for p in card.all("NOTE") if p.value.strip())
    raw = {"name": name, "title": vc.unescape(card.first("TITLE")).strip(), "company": vc.company(card),
           "email": emails[0] if emails else "", "phone": phones[0] if phones else "",
           "linkedin_url": linkedin, "website": website, "notes": notes}
    fields = _person_fields(raw, line, plan)
    if fields is None:
        return
    bday = None
    bdays = card.all("BDAY")
    if bdays:
        value = vc.unescape(bdays[0].value)
        bday = parse_vcard_birthday(value, bdays[0].params)
        if bday is None:
            plan.warnings.append({"line": line, "name": fields["name"],
                                  "message": f"BDAY {value[:20]!r} is not a date; it was left out."})
    uid = vc.unescape(card.first("UID")).strip()[:200]
    alternates = _alternates(plan, line, fields, "email", emails[1:]) + _alternates(plan, line, fields, "phone",
                                                                                  phones[1:])
    _add_or_update(plan, index, line, fields, source="vcard", uid=uid, tags=tags, birthday=bday,
                   seen=seen, defaults=defaults, alternates=alternates)


def _alternates(plan: ImportPlan, line: int, fields: dict, field_name: str, values: list[str]) -> list[tuple]:
    """The other emails or phones of a row, checked; a bad one is left out with a note."""
    out: list[tuple] = []
    label = _FIELD_LABELS[field_name]
    for value in values:
        try:
            checked = v.email(value, label) if field_name == "email" else valid_phone(value, label)
        except ValidationError as e:
            plan.warnings.append({"line": line, "name": fields["name"], "message": f"{e} It was left out."})
            continue
        known = [fields.get(field_name, "")] + [x for f, x in out]
        if checked and all(comparable(field_name, checked) != comparable(field_name, k) for k in known if k):
            out.append((field_name, checked))
    return out


def _first(contents: dict, key: str) -> str:
    found = contents.get(key)
    if not found:
        return ""
    value = found[0].value
    return " ".join(value) if isinstance(value, list) else str(value)


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


def csv_headers(data: bytes) -> list[str]:
    """The header row of a CSV file (its first non-empty record), for the mapping editor."""
    records = read_csv(decode(data, "CSV file"), "CSV file")
    for _, record in records:
        if any(c.strip() for c in record):
            return [c.strip() for c in record]
    raise ValidationError("The CSV file has no header row.")


def _unneutralize(value: str) -> str:
    """Undo the ' our own CSV export puts before a cell starting with = + - @ (a formula guard)."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


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
    header = next((r for _, r in records if any(c.strip() for c in r)), None)
    if header is None:
        raise ValidationError("The CSV file has no header row.")
    headers = [c.strip() for c in header]
    mapping = options.get("mapping") or suggest_mapping(headers)
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
    positions = {f: headers.index(h) for h, f in mapping.items() if f}
    seen: dict = {}
    defaults = {"tier": options.get("tier") or "network", "how_met": ""}
    for line, record in records:
        if flush:
            flush(False)
        raw = {f: _unneutralize(record[i].strip()) if i < len(record) else "" for f, i in positions.items()}
        if not any(raw.values()):
            continue
        name = raw.pop("name", "") or " ".join(p for p in (raw.get("first_name", ""), raw.get("last_name", "")) if p)
        raw.pop("first_name", None)
        raw.pop("last_name", None)
        if not name:
            plan.skip.append({"line": line, "name": "", "reason": "no name"})
            continue
        tag_text, bday_text, conn_text = raw.pop("tags", ""), raw.pop("birthday", ""), raw.pop("connected_on", "")
        emails = split_emails(raw.get("email", "")) + split_emails(raw.pop("other_email", ""))
        phones = split_values(raw.get("phone", "")) + split_values(raw.pop("other_phone", ""))
        raw["email"], raw["phone"] = (emails[:1] or [""])[0], (phones[:1] or [""])[0]
        for key in ("website", "title", "company", "location"):  # Google: the first of several values
            raw[key] = (split_values(raw.get(key, "")) or [""])[0]
        if "linkedin.com/in/" in raw["website"].lower() and not raw.get("linkedin_url"):
            raw["linkedin_url"], raw["website"] = raw["website"], ""  # Google keeps the profile among websites
        fields = _person_fields({"name": name, **raw}, line, plan)
        if fields is None:
            continue
        alternates = _alternates(plan, line, fields, "email", emails[1:]) + _alternates(plan, line, fields, "phone",
                                                                                      phones[1:])
        try:
            tags = v.tags(group_tags(tag_text))
        except ValidationError as e:
            plan.warnings.append({"line": line, "name": name, "message": f"{e} They were left out."})
            tags = []
        bday = None
        if bday_text:
            bday = parse_vcard_birthday(bday_text, {})
            if bday is None:
                d = parse_loose_date(bday_text)
                bday = (d.month, d.day, d.year) if d else None
            if bday is None:
                plan.warnings.append({"line": line, "name": name,
                                      "message": f"Birthday {bday_text[:20]!r} is not a date; it was left out."})
        connected = parse_loose_date(conn_text) if conn_text else None
        _add_or_update(plan, index, line, fields, source="csv", tags=tags, birthday=bday, connected_on=connected,
                       seen=seen, defaults=defaults, alternates=alternates)


# --- Applying --------------------------------------------------------------------------------------


def apply_import(db: Database, plan: ImportPlan, today: date) -> dict:
    """Write a plan in one transaction and return a report of what was done.

    Refuses (changing nothing) when the data changed since the plan was made: preview again.
    """
    if plan.fingerprint != _fingerprint(db):
        raise ValidationError("Your data changed since this preview was made; preview the import again.")
    # Microseconds make the stamp differ from every now_iso() an edit writes, even in the same second:
    # "updated_at is an import's stamp" must mean "not edited since".
    stamp = datetime.now(UTC).isoformat()
    with transaction(db):
        state = {"companies": 0}
        with _indexes_rebuilt_if_bulk(db, "people", len(plan.add)):
            new_ids = _write_people(db, plan, stamp, state)
        return _finish(db, plan, new_ids, today, stamp, state["companies"])


def _write_people(db: Database, plan: ImportPlan, stamp: str, state: dict) -> list[int]:
    """The planned people (added, updated, their birthdays and other emails and phones); their new ids."""
    company_ids = _ensure_companies(db, [a["company"] for a in plan.add] +
                                    [u["company"] for u in plan.update if u["company"]], stamp)
    state["companies"] += len(company_ids)
    first_id = (scalar(db, "select max(id) from people") or 0) + 1
    new_ids = list(range(first_id, first_id + len(plan.add)))
    if plan.add:
        fields = list(_BLANK)
        people_columns = [*fields, "id", "created_at", "updated_at", "company_id"]
        db.conn.executemany(f"insert into people ({', '.join(people_columns)}) values "
                            f"({', '.join('?' * len(people_columns))})",
                            ((*[a["person"][c] for c in fields], pid, stamp, stamp,
                              company_ids.get(_norm(a["company"])) if a["company"] else None)
                             for pid, a in zip(new_ids, plan.add, strict=True)))
    by_columns: dict[tuple, list] = defaultdict(list)
    for u in plan.update:
        changes = dict(u["changes"])
        if u["company"]:
            changes["company_id"] = company_ids[_norm(u["company"])]
        if changes:
            changes["updated_at"] = stamp
            cols = tuple(changes)
            by_columns[cols].append([*changes.values(), u["person_id"]])
    for cols, values in by_columns.items():
        db.conn.executemany(f"update people set {', '.join(c + ' = ?' for c in cols)} where id = ?", values)
    birthdays = [(pid, *a["birthday"]) for pid, a in zip(new_ids, plan.add, strict=True) if a["birthday"]]
    birthdays += [(u["person_id"], *u["birthday"]) for u in plan.update if u["birthday"]]
    db.conn.executemany("insert into important_dates (person_id, label, month, day, year, yearly) "
                        "values (?, 'birthday', ?, ?, ?, 1)", birthdays)
    alternates = [(pid, f, value, "import", stamp) for pid, a in zip(new_ids, plan.add, strict=True)
                  for f, value in a.get("alternates", ())]
    if alternates:
        db.conn.executemany("insert or ignore into person_alternates (person_id, field, value, source, created_at) "
                            "values (?, ?, ?, ?, ?)", alternates)
    if any(u.get("alternates") for u in plan.update):
        from core.contacts import keep_values

        for u in plan.update:
            if u.get("alternates"):
                keep_values(db, u["person_id"], u["alternates"], source="import")
    return new_ids


def _finish(db: Database, plan: ImportPlan, new_ids: list[int], today: date, stamp: str, companies: int) -> dict:
    """The touches, the import's stamp and the scores of everyone touched; the report (inside the transaction)."""
    touched: set[int] = set()
    if plan.interactions or plan.interaction_updates:
        touched = _apply_interactions(db, plan, new_ids, today)
    if plan.add or plan.update or plan.flushed_add or plan.flushed_update:
        stamps = (get_setting(db, STAMP_KEY, []) or [])[-19:]
        set_setting(db, STAMP_KEY, [*stamps, stamp])
    if touched:
        from core.relationships import refresh_people

        refresh_people(db, today, sorted(touched))
    report = {**plan.summary(), "companies": companies, "people_ids": (plan.first_ids or new_ids)[:1000]}
    report["message"] = (f"Imported: {report['added']:,} added, {report['updated']:,} updated, "
                         f"{report['skipped']:,} skipped"
                         + (f", {report['messages']:,} message exchanges logged" if report["messages"] else "")
                         + (f", {_requests(report['invitations'])} logged" if report["invitations"] else "") + ".")
    return report


@contextlib.contextmanager
def _indexes_rebuilt_if_bulk(db: Database, table: str, adding: int):
    """For a bulk load that at least doubles a table, drop its indexes and build them again after:
    sorting once is much cheaper than 30,000 random index inserts. Runs inside the import's
    transaction, so an interrupted import rolls the indexes back with everything else."""
    existing = scalar(db, f"select count(*) from {table}")
    indexes = db.execute("select name, sql from sqlite_master where type = 'index' and tbl_name = ? "
                         "and sql is not null", [table]).fetchall() if adding >= max(1000, existing) else []
    for name, _ in indexes:
        db.execute(f'drop index "{name}"')
    yield
    for _, sql in indexes:
        db.execute(sql)


def _ensure_companies(db: Database, names: list[str], stamp: str) -> dict[str, int]:
    """Ids of these companies by normalised name, creating the missing ones in one statement."""
    existing = {_norm(r[1]): r[0] for r in db.execute("select id, name from companies")}
    keys = {_norm(n): n for n in names if n}
    wanted = {k: " ".join(n.split()) for k, n in keys.items() if k not in existing}
    if wanted:
        db.conn.executemany("insert or ignore into companies (name, created_at, updated_at) values (?, ?, ?)",
                            [(n, stamp, stamp) for n in wanted.values()])
        existing = {_norm(r[1]): r[0] for r in db.execute("select id, name from companies")}
    return {k: existing[k] for k in keys}


def _apply_interactions(db: Database, plan: ImportPlan, new_ids: list[int], today: date) -> set[int]:
    """The planned touches, through the one write path (scores are refreshed once, by the caller)."""
    touches = []
    for item in plan.interactions:
        kind, ref = item["ref"]
        touches.append({**item["record"], "person_id": ref if kind == "id" else new_ids[ref]})
    ids = record_touches(db, touches, today=today, refresh=False)
    touched = {t["person_id"] for t, i in zip(touches, ids, strict=True) if i is not None}
    if plan.interaction_updates:
        db.conn.executemany("update interactions set responded = ? where id = ?", plan.interaction_updates)
        for chunk_start in range(0, len(plan.interaction_updates), 500):
            chunk = [i for _, i in plan.interaction_updates[chunk_start:chunk_start + 500]]
            touched |= {r["person_id"] for r in rows(
                db, f"select person_id from interactions where id in ({','.join('?' * len(chunk))})", chunk)}
    return touched


def import_file(db: Database, kind: str, data: bytes, today: date, options: dict | None = None) -> dict:
    """Plan and apply in one go (the command line without --dry-run)."""
    return apply_import(db, plan_import(db, kind, data, today, options), today)
