"""Who in a file is who in the database: match keys, the index of everyone stored, add or update."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from functools import lru_cache
from urllib.parse import unquote

from sqlite_utils import Database

from core import validation as v
from core.contacts import alternate_values, comparable, other_values, people_by_email
from core.contacts import phone as valid_phone
from core.db import data_version, get_setting
from core.errors import ValidationError
from core.importers.plan import _BLANK, _FIELD_LABELS, _FILLABLE, ImportPlan

STAMP_KEY = "import_stamps"  # the updated_at stamps imports wrote: "not edited since" means one of these


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
    if row["email"] and not v.EMAIL.match(row["email"]):
        return None
    return {k: value for k, value in row.items() if value}


def _add_or_update(plan: ImportPlan, index: _Index, line: int, fields: dict, *, source: str, uid: str = "",
                   tags: list[str] = (), birthday: tuple | None = None, connected_on: date | None = None,
                   seen: dict, defaults: dict, job_change: bool = False, url_key: str | None = None,
                   alternates: list[tuple] = ()) -> None:
    """Plan one checked row (fields, consumed): skipped if an earlier line was the same person, else
    added when no one on the list matches, else updated with what it adds (or skipped when nothing)."""
    company = fields.pop("company", "")
    name = fields["name"]
    if url_key is None:
        url_key = linkedin_key(fields.get("linkedin_url", ""))
    pid = index.match(uid, url_key, fields.get("email", ""), name, company)
    key = ("id", pid) if pid else _row_key(uid, url_key, fields.get("email"), name, company)
    if key in seen:
        plan.skip.append({"line": line, "name": name, "reason": f"same person as line {seen[key]}"})
        return
    seen[key] = line
    if pid is None:
        plan.add.append(_new_person(line, fields, company, defaults, source=source, uid=uid, tags=tags,
                                    birthday=birthday, connected_on=connected_on, alternates=alternates))
        return
    current = index.people[pid]
    changes, new_company = _filled(index, current, fields, company, source, uid, connected_on, job_change)
    old_tags = set(v.load_tags(current["tags"]))
    new_tags = sorted(set(tags) - old_tags)
    if new_tags:
        changes["tags"] = json.dumps(sorted(old_tags | set(tags)), ensure_ascii=False)
    bday = birthday if birthday and pid not in index.birthdays else None
    extra = _new_alternates(index, pid, current, alternates) if alternates else []
    if not changes and not new_company and not bday and not extra:
        plan.skip.append({"line": line, "name": name, "reason": "already on your list, nothing new"})
        return
    plan.update.append({"line": line, "person_id": pid, "name": current["name"], "changes": changes,
                        "company": new_company, "tags": new_tags, "birthday": bday, "alternates": extra})


def _row_key(uid: str, url_key: str, email: str | None, name: str, company: str) -> tuple:
    """Who a row nobody on the list matches is, to find the file's own repeats: its strongest key."""
    if uid:
        return ("uid", uid)
    if url_key:
        return ("url", url_key)
    if email:
        return ("email", email.lower())
    return ("name", _norm(name), _norm(company))


def _new_person(line: int, fields: dict, company: str, defaults: dict, *, source: str, uid: str, tags: list[str],
                birthday: tuple | None, connected_on: date | None, alternates: list[tuple]) -> dict:
    """A plan's entry for someone new: every column of the person, with the file's source and the defaults."""
    record = dict(_BLANK)
    record.update(fields)
    record.update(source=source, source_uid=uid, tier=defaults["tier"], how_met=defaults["how_met"],
                  tags=json.dumps(sorted(set(tags)), ensure_ascii=False) if tags else "[]",
                  connected_on=connected_on.isoformat() if connected_on else None)
    return {"line": line, "person": record, "company": company, "birthday": birthday, "alternates": list(alternates)}


def _filled(index: _Index, current: dict, fields: dict, company: str, source: str, uid: str,
            connected_on: date | None, job_change: bool) -> tuple[dict, str | None]:
    """What a row adds to a matched person: ({column: value}, the company to set or None). Only empty
    fields are filled, except a LinkedIn job change of someone untouched since an import last wrote them."""
    changes = {k: fields[k] for k in _FILLABLE if fields.get(k) and not current[k]}
    new_company = company if company and current["company_id"] is None else None
    if job_change and current["untouched"] and current["source"] == "linkedin":
        if company and _norm(company) != index.company_names.get(current["company_id"], ""):
            new_company = company
        if fields.get("title") and fields["title"] != current["title"]:
            changes["title"] = fields["title"]
    if connected_on and not current["connected_on"]:
        changes["connected_on"] = connected_on.isoformat()
    if uid and not current["source_uid"] and current["source"] == source:
        changes["source_uid"] = uid
    return changes, new_company


def _new_alternates(index: _Index, pid: int, current: dict, alternates: list[tuple]) -> list[tuple]:
    """Another email or phone is kept as an alternate, unless it is theirs already (primary or, for an
    email, one of their stored addresses)."""
    return [(f, x) for f, x in alternates
            if comparable(f, x) not in {comparable(f, k) for k in [current[f] or "", *index.alternates.get(pid, {})
                                                                   .get(f, [])]}]


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


def _unique_name(found: list[tuple], name: str, none: str) -> tuple[tuple | None, str]:
    if len(found) == 1:
        return found[0], ""
    if len(found) > 1:
        return None, (f"{len(found)} people on your list are called {name.strip()[:60]}; add their LinkedIn URL "
                      "to the right one and import again")
    return None, none


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
