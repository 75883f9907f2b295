"""People and companies on the target list: add, edit, archive, find, filter and merge."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date

from sqlite_utils import Database

from core import contacts
from core import validation as v
from core.contacts import get_or_create_company
from core.db import chunks, db_file, keep_copy, now_iso, one, placeholders, rows, scalar, transaction
from core.errors import NotFound, ValidationError
from core.followups import THANK_REASONS, schedule_date_reminder
from core.relationships import refresh_people
from core.scoring import BANDS
from core.vocab import DATE_LABELS, HOW_MET, SENIORITIES, STAGES, TIERS

# Editable person fields: name -> (label, kind). Kinds: short, long, email, url, choice lists.
PERSON_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Name", "short"),
    "title": ("Title", "short"),
    "email": ("Email", "email"),
    "phone": ("Phone", "short"),
    "linkedin_url": ("LinkedIn URL", "url"),
    "website": ("Website", "url"),
    "location": ("Location", "short"),
    "industry": ("Industry", "short"),
    "role": ("Role", "short"),
    "seniority": ("Seniority", "seniority"),
    "how_met": ("How we met", "how_met"),
    "met_via": ("Met via", "short"),
    "tier": ("Tier", "tier"),
    "common_ground": ("Common ground", "long"),
    "needs": ("Their needs and goals", "long"),
    "details": ("Details to remember", "long"),
    "notes": ("Notes", "long"),
}
COMPANY_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Company name", "short"),
    "industry": ("Industry", "short"),
    "website": ("Website", "url"),
    "culture": ("Culture", "long"),
    "company_values": ("Values", "long"),
    "hiring_notes": ("Hiring notes", "long"),
    "notes": ("Notes", "long"),
}
# A person's stored score lives in the scores table (one row each, see core/db.py m006).
SCORED = "join scores s on s.person_id = p.id "
SCORE_FIELDS = "s.score, s.score_status, s.score_confidence, s.score_reason, s.last_touch_on"
SORTS = {
    "score": "s.score is null, s.score desc, p.name collate nocase",
    "score_low": "s.score is null, s.score asc, p.name collate nocase",
    "due": "f.due is null, f.due, p.name collate nocase",
    "name": "p.name collate nocase",
    "recent": "s.last_touch_on is null, s.last_touch_on desc, p.name collate nocase",
    "stage": "case p.stage " + " ".join(f"when '{s}' then {i}" for i, s in enumerate(STAGES))
             + " end desc, p.name collate nocase",
}


def _clean(fields: dict, spec: dict[str, tuple[str, str]]) -> dict:
    unknown = set(fields) - set(spec) - {"cadence_days", "company", "company_id", "tags", "stage"}
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    out: dict = {}
    for key, value in fields.items():
        if key not in spec:
            continue
        label, kind = spec[key]
        if kind == "short":
            out[key] = v.text(value, label, required=key == "name")
        elif kind == "long":
            out[key] = v.long_text(value, label)
        elif kind == "email":
            out[key] = v.email(value, label)
        elif kind == "url":
            out[key] = v.url(value, label)
        elif kind == "seniority":
            out[key] = v.choice(value, label, SENIORITIES, required=False)
        elif kind == "how_met":
            out[key] = v.choice(value, label, HOW_MET, required=False)
        elif kind == "tier":
            out[key] = v.choice(value or "network", label, TIERS)
    return out


def _person_record(db: Database, fields: dict) -> dict:
    record = _clean(fields, PERSON_FIELDS)
    if "tags" in fields:
        record["tags"] = v.tags_json(fields["tags"])
    if "cadence_days" in fields:
        record["cadence_days"] = v.integer(fields["cadence_days"], "Check-in cadence", minimum=1,
                                           maximum=3650, required=False)
    if "company_id" in fields and fields["company_id"] not in (None, ""):
        cid = v.integer(fields["company_id"], "Company")
        if not db.table("companies").count_where("id = ?", [cid]):
            raise NotFound("That company does not exist.")
        record["company_id"] = cid
    elif "company_id" in fields:
        record["company_id"] = None
    if "stage" in fields:
        record["stage"] = v.choice(fields["stage"], "Stage", STAGES)
    return record


def add_person(db: Database, *, name: str, company: str = "", today: date | None = None,
               source: str = "manual", **fields) -> int:
    """Add a person; `company` is a company name, created if new. Returns the new id."""
    record = _person_record(db, {"name": name, **fields})
    stamp = now_iso()
    with transaction(db):
        if company and "company_id" not in fields:
            record["company_id"] = get_or_create_company(db, company)
        record.update(created_at=stamp, updated_at=stamp, source=source)
        record.setdefault("stage", "stranger")
        return db.table("people").insert(record).last_pk


def update_person(db: Database, person_id: int, *, today: date | None = None, company: str | None = None,
                  **fields) -> None:
    """Change some of a person's fields; a stage change is recorded in the ladder's history."""
    current = _require_person(db, person_id)
    record = _person_record(db, fields)
    with transaction(db):
        if company is not None:
            record["company_id"] = get_or_create_company(db, company) if company.strip() else None
        new_stage = record.pop("stage", None)
        if record:
            record["updated_at"] = now_iso()
            db.table("people").update(person_id, record)
        if new_stage and new_stage != current["stage"]:
            set_stage(db, person_id, new_stage, today or date.today())
    if "tier" in record or "cadence_days" in record:
        refresh_people(db, today or date.today(), [person_id])


def set_stage(db: Database, person_id: int, stage: str, day: date) -> None:
    """Move a person on the ladder, recording the change (never a no-op row)."""
    stage = v.choice(stage, "Stage", STAGES)
    current = _require_person(db, person_id)
    if current["stage"] == stage:
        return
    with transaction(db):
        db.execute("update people set stage = ?, updated_at = ? where id = ?", [stage, now_iso(), person_id])
        db.table("stage_changes").insert({"person_id": person_id, "day": day.isoformat(),
                                          "from_stage": current["stage"], "to_stage": stage})


def archive_person(db: Database, person_id: int, archived: bool = True, today: date | None = None) -> None:
    """Archive (hide from lists and stop reminders) or bring back a person. Nothing is deleted."""
    _require_person(db, person_id)
    with transaction(db):
        db.execute("update people set archived_at = ?, updated_at = ? where id = ?",
                   [now_iso() if archived else None, now_iso(), person_id])
        if archived:
            db.execute("update followups set status = 'skipped', closed_on = ? "
                       "where person_id = ? and status = 'open'", [(today or date.today()).isoformat(), person_id])


def _require_person(db: Database, person_id: int) -> dict:
    found = one(db, "select * from people where id = ?", [person_id])
    if not found:
        raise NotFound("That person does not exist (any more).")
    return found


def get_person(db: Database, person_id: int) -> dict:
    """A person with their company's name and their tags as a list."""
    person = one(db, f"select p.*, {SCORE_FIELDS}, s.scored_on, c.name as company from people p {SCORED}"
                     "left join companies c on c.id = p.company_id where p.id = ?", [person_id])
    if not person:
        raise NotFound("That person does not exist (any more).")
    person["tags"] = v.load_tags(person["tags"])
    person["company"] = person["company"] or ""
    return person


def person_choices(db: Database, include_archived: bool = False) -> list[tuple[int, str]]:
    """(id, 'Name — Company') for every person, for pickers."""
    where = "" if include_archived else "where p.archived_at is null"
    return [(r["id"], r["label"]) for r in rows(db, (
        "select p.id, p.name || case when c.name is not null then ' — ' || c.name else '' end as label "
        f"from people p left join companies c on c.id = p.company_id {where} order by p.name collate nocase"))]


def find_people(db: Database, query: str, limit: int = 20, include_archived: bool = False) -> tuple[list[dict], int]:
    """Everyone whose name, company or email contains the query (case-insensitive), best first: a name that
    starts with it, then a word of the name that does, then the rest, each by name. Returns at most `limit`
    of them, with how many match in all, so a picker can say "N more match: type more"."""
    limit = v.integer(limit, "Limit", minimum=0, maximum=10_000)
    query = v.text(query, "Search").lower()
    if not query:
        return [], 0
    like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    where = ("(p.name like :like escape '\\' or c.name like :like escape '\\' or p.email like :like escape '\\')"
             + ("" if include_archived else " and p.archived_at is null"))
    base = f"from people p left join companies c on c.id = p.company_id where {where}"
    params = {"like": like, "q": query, "word": "% " + query + "%", "limit": limit}
    total = scalar(db, f"select count(*) {base}", params)
    found = rows(db, (
        f"select p.id, p.name, coalesce(c.name, '') as company, p.email, p.archived_at {base} "
        "order by case when lower(p.name) like :q || '%' then 0 when lower(p.name) like :word then 1 else 2 end, "
        "p.name collate nocase, p.id limit :limit"), params)
    return found, total


def count_people(db: Database, include_archived: bool = False) -> int:
    """How many people there are (active ones unless include_archived): pickers list everyone only when few."""
    return scalar(db, "select count(*) from people" + ("" if include_archived else " where archived_at is null"))


def company_choices(db: Database) -> list[tuple[int, str]]:
    """(id, name) of every active company, by name: for pickers, without list_companies' counts."""
    return [(r[0], r[1]) for r in db.execute(
        "select id, name from companies where archived_at is null order by name collate nocase")]


def names(db: Database, ids: Iterable[int]) -> dict[int, str]:
    """{id: name} of these people, archived ones too; an id with no person is left out (the caller decides
    what that means)."""
    found: dict[int, str] = {}
    for chunk in chunks(sorted({int(i) for i in ids})):
        found.update(db.execute(f"select id, name from people where id in ({placeholders(chunk)})", chunk).fetchall())
    return found


TARGET_FILTERS = {"": "Any", "yes": "Targets", "no": "Not targets"}


def list_people(db: Database, *, search: str = "", company_id: int | None = None, industry: str = "",
                role: str = "", seniority: str = "", stage: str = "", tag: str = "", band: str = "",
                due: str = "", target: str = "", include_archived: bool = False, sort: str = "score",
                limit: int = 200, offset: int = 0, today: date | None = None) -> tuple[list[dict], int]:
    """Filter and sort the target list; returns one page of rows and the total that matched.

    due: '' (any), 'overdue', 'week' (due within 7 days), 'none' (nothing scheduled).
    target: '' (any), 'yes' (marked as a target), 'no' (not marked).
    """
    today = today or date.today()
    order = SORTS.get(sort)
    if order is None:
        raise ValidationError(f"Unknown sort {sort!r}.")
    needs_due = bool(due) or sort == "due"
    where_sql, params, count_joins, due_join = _people_where(
        search=search, company_id=company_id, industry=industry, role=role, seniority=seniority, stage=stage,
        tag=tag, band=band, due=due, target=target, include_archived=include_archived, today=today,
        needs_due=needs_due)
    company_join = "left join companies c on c.id = p.company_id "
    total = scalar(db, f"select count(*) from people p {count_joins}where {where_sql}", params)
    next_due = "f.due" if needs_due else (
        "(select min(due) from followups where person_id = p.id and status = 'open')")
    found = rows(db, (
        "select p.id, p.name, p.title, coalesce(c.name, '') as company, p.company_id, p.industry, p.role, "
        f"p.seniority, p.stage, p.tier, p.tags, p.target, {SCORE_FIELDS}, {next_due} as next_due, p.email, "
        f"p.archived_at from people p {SCORED}{company_join}{due_join}where {where_sql} order by {order} "
        "limit ? offset ?"
    ), [*params, limit, offset])
    for r in found:
        r["tags"] = v.load_tags(r["tags"])
    return found, total


def matching_ids(db: Database, *, today: date | None = None, **filters) -> list[int]:
    """The ids of everyone the target list's filters match (every page, in id order): "select all that match"."""
    filters.pop("sort", None)
    where_sql, params, count_joins, _ = _people_where(today=today or date.today(), needs_due=bool(
        filters.get("due")), **filters)
    return [r[0] for r in db.execute(f"select p.id from people p {count_joins}where {where_sql} order by p.id",
                                     params)]


def _people_where(*, search: str = "", company_id: int | None = None, industry: str = "", role: str = "",
                  seniority: str = "", stage: str = "", tag: str = "", band: str = "", due: str = "",
                  target: str = "", include_archived: bool = False, today: date, needs_due: bool
                  ) -> tuple[str, list, str, str]:
    """The filters as SQL: (where, params, the joins a count needs, the follow-ups join)."""
    where, params = ["1=1"], []
    if not include_archived:
        where.append("p.archived_at is null")
    if search.strip():
        like = f"%{search.strip()}%"
        where.append("(p.name like ? or p.title like ? or c.name like ? or p.email like ?)")
        params += [like, like, like, like]
    for column, value in (("p.industry", industry), ("p.role", role), ("p.seniority", seniority),
                          ("p.stage", stage)):
        if value:
            where.append(f"{column} = ? collate nocase")
            params.append(value)
    if company_id:
        where.append("p.company_id = ?")
        params.append(company_id)
    if tag:
        where.append("exists (select 1 from json_each(p.tags) where value = ?)")
        params.append(tag.strip().lower())
    if band:
        if band not in BANDS:
            raise ValidationError(f"Unknown band {band!r}.")
        where.append(_BAND_SQL[band])
    if due == "overdue":
        where.append("f.due < ?")
        params.append(today.isoformat())
    elif due == "week":
        where.append("f.due <= date(?, '+7 days')")
        params.append(today.isoformat())
    elif due == "none":
        where.append("f.due is null")
    elif due:
        raise ValidationError(f"Unknown follow-up filter {due!r}.")
    if target == "yes":
        where.append("p.target = 1")
    elif target == "no":
        where.append("p.target = 0")
    elif target:
        raise ValidationError(f"Unknown target filter {target!r}.")
    # The follow-ups join and the companies join cost a third of the query at 30,000 people: join
    # them only when a filter or the sort needs them, and look up the page's next dates one by one.
    due_join = ("left join (select person_id, min(due) as due from followups where status = 'open' "
                "and person_id is not null group by person_id) f on f.person_id = p.id ") if needs_due else ""
    company_join = "left join companies c on c.id = p.company_id "
    count_joins = (company_join if search.strip() else "") + (SCORED if band else "") + due_join
    return " and ".join(where), params, count_joins, due_join


_BAND_SQL = {
    "thriving": "s.score >= 80",
    "warm": "s.score >= 60 and s.score < 80",
    "cooling": "s.score >= 40 and s.score < 60",
    "cold": "s.score >= 20 and s.score < 40",
    "dormant": "s.score < 20",
    "none": "s.score is null",
}


def filter_options(db: Database) -> dict[str, list]:
    """Distinct values present in the data, for the target list's filters."""
    def distinct(column: str) -> list[str]:
        return fold_case([tuple(r) for r in db.execute(
            f"select {column}, count(*) from people where {column} != '' and archived_at is null "
            f"group by {column}").fetchall()])

    return {
        "industries": distinct("industry"),
        "roles": distinct("role"),
        "seniorities": distinct("seniority"),
        "tags": [r[0] for r in db.execute(
            "select distinct j.value from people p, json_each(p.tags) j where p.archived_at is null "
            "order by 1").fetchall()],
        "companies": [(r["id"], r["name"]) for r in rows(
            db, "select id, name from companies where archived_at is null order by name collate nocase")],
    }


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_case(counted: list[tuple[str, int]]) -> list[str]:
    """One option per spelling that differs only in case ("fintech", "Fintech"), as SQLite's NOCASE (ASCII
    letters) compares them, so the filter matches all of them. Each option shows what people typed: the
    most used spelling, the first in sort order on a tie. Sorted case-insensitively."""
    best: dict[str, tuple[int, str]] = {}
    for value, n in counted:
        key = value.translate(_ASCII_LOWER)
        old = best.get(key)
        if old is None or n > old[0] or (n == old[0] and value < old[1]):
            best[key] = (n, value)
    return [best[k][1] for k in sorted(best)]


def stage_counts(db: Database) -> dict[str, int]:
    """How many active people stand on each rung of the ladder."""
    counts = dict.fromkeys(STAGES, 0)
    for stage, n in db.execute("select stage, count(*) from people where archived_at is null group by stage"):
        counts[stage] = n
    return counts


def stage_ladder(db: Database, limit_per_stage: int = 50) -> dict[str, list[dict]]:
    """The people on each rung, best scored first (a bounded number per rung)."""
    ladder = {}
    for stage in STAGES:
        ladder[stage] = rows(db, (
            f"select p.id, p.name, coalesce(c.name, '') as company, s.score, s.score_status from people p {SCORED}"
            "left join companies c on c.id = p.company_id where p.stage = ? and p.archived_at is null "
            "order by s.score is null, s.score desc, p.name collate nocase limit ?"), [stage, limit_per_stage])
    return ladder


# --- Companies -------------------------------------------------------------------------------




def add_company(db: Database, *, name: str, **fields) -> int:
    record = _clean({"name": name, **fields}, COMPANY_FIELDS)
    if scalar(db, "select id from companies where name = ? collate nocase", [record["name"]]):
        raise ValidationError(f"A company called {record['name']!r} is already on your list.")
    stamp = now_iso()
    record.update(created_at=stamp, updated_at=stamp)
    return db.table("companies").insert(record).last_pk


def update_company(db: Database, company_id: int, **fields) -> int:
    """Change some of a company's fields. An industry set on the company applies to its people whose own
    industry is empty, in the same transaction; returns how many people that changed (0 otherwise)."""
    checks = {k: bool(fields.pop(k)) for k in ("checked_website", "checked_news", "checked_social")
              if k in fields}
    record = _clean(fields, COMPANY_FIELDS)
    get_company(db, company_id)
    if "name" in record:
        clash = scalar(db, "select id from companies where name = ? collate nocase and id != ?",
                       [record["name"], company_id])
        if clash:
            raise ValidationError(f"A company called {record['name']!r} is already on your list.")
    record.update({k: int(val) for k, val in checks.items()})
    stamp = now_iso()
    record["updated_at"] = stamp
    with transaction(db):
        db.table("companies").update(company_id, record)
        if not record.get("industry"):
            return 0
        return db.execute("update people set industry = ?, updated_at = ? where company_id = ? and industry = ''",
                          [record["industry"], stamp, company_id]).rowcount


def get_company(db: Database, company_id: int) -> dict:
    found = one(db, "select * from companies where id = ?", [company_id])
    if not found:
        raise NotFound("That company does not exist (any more).")
    return found


def list_companies(db: Database, *, search: str = "", include_archived: bool = False) -> list[dict]:
    """Companies with how many people you know there and how warm the best relationship is."""
    where, params = ["1=1"], []
    if not include_archived:
        where.append("c.archived_at is null")
    if search.strip():
        where.append("(c.name like ? or c.industry like ?)")
        params += [f"%{search.strip()}%"] * 2
    return rows(db, (
        "select c.id, c.name, c.industry, c.website, "
        "c.checked_website + c.checked_news + c.checked_social as research_done, "
        "count(p.id) as people, max(s.score) as best_score, "
        "sum(case when p.stage in ('conversed', 'connected', 'ally') then 1 else 0 end) as conversed "
        "from companies c left join people p on p.company_id = c.id and p.archived_at is null "
        "left join scores s on s.person_id = p.id "
        f"where {' and '.join(where)} group by c.id order by c.name collate nocase"), params)


def company_people(db: Database, company_id: int) -> list[dict]:
    """Who do I know here? Each person with their stage, score and status."""
    return rows(db, (
        f"select p.id, p.name, p.title, p.stage, s.score, s.score_status, s.score_confidence, s.score_reason, "
        "s.last_touch_on from people p "
        f"{SCORED}where p.company_id = ? and p.archived_at is null order by s.score is null, s.score desc, p.name"),
        [company_id])


def merge_companies(db: Database, keep_id: int, drop_id: int) -> None:
    """Fold one company into another: people and goals move, empty fields are filled, nothing is lost."""
    if keep_id == drop_id:
        raise ValidationError("Pick two different companies to merge.")
    keep, drop = get_company(db, keep_id), get_company(db, drop_id)
    _keep_copy_before(db, "before-merge")
    with transaction(db):
        update = _fill_blanks(keep, drop, [k for k in COMPANY_FIELDS if k != "name"])
        for k in ("checked_website", "checked_news", "checked_social"):
            if drop[k] and not keep[k]:
                update[k] = 1
        if update:
            update["updated_at"] = now_iso()
            db.table("companies").update(keep_id, update)
        db.execute("update people set company_id = ? where company_id = ?", [keep_id, drop_id])
        db.execute("update goals set segment_company_id = ? where segment_company_id = ?", [keep_id, drop_id])
        db.execute("delete from companies where id = ?", [drop_id])


def _keep_copy_before(db: Database, label: str) -> None:
    """Merging is destructive: keep the database as it was beside it (not for in-memory ones)."""
    path = db_file(db)
    if path is not None and not db.conn.in_transaction:
        keep_copy(db, path, label)


def _fill_blanks(keep: dict, drop: dict, fields: list[str], joined: tuple[str, ...] = ()) -> dict:
    """Fields where keep is empty take drop's value; `joined` text fields keep both."""
    update = {}
    for key in fields:
        mine, theirs = keep.get(key) or "", drop.get(key) or ""
        if not theirs or mine == theirs:
            continue
        if not mine:
            update[key] = theirs
        elif key in joined:
            update[key] = f"{mine}\n\n{theirs}"
    return update


# --- Merging people --------------------------------------------------------------------------


def merge_people(db: Database, keep_id: int, drop_id: int, today: date | None = None) -> dict:
    """Merge drop into keep, losing nothing, in one transaction.

    Every interaction, follow-up, date, event link, stage change and draft moves to keep. Each contact
    value of drop (name, email, phone, title, company, links, location...; see core.contacts) fills an
    empty field of keep or, when keep has another one, becomes one of keep's alternates; drop's own
    alternates come along the same way. Long texts are kept side by side, tags are united, the higher
    stage and the closer tier win, the earlier connection date stays. Open follow-ups for the same
    reason become one (one check-in; of the thank-yous and of the event follow-ups, the earliest due,
    the others skipped), dates are de-duplicated by (label, month, day), and keep's score is refreshed.
    Returns counts of what moved.
    """
    today = today or date.today()
    if keep_id == drop_id:
        raise ValidationError("Pick two different people to merge.")
    keep, drop = _require_person(db, keep_id), _require_person(db, drop_id)
    _keep_copy_before(db, "before-merge")
    moved = {}
    with transaction(db):
        drop_values = contacts.primary_values(db, drop_id)
        values = [(f, drop_values[f]) for f in contacts.ALTERNATE_FIELDS]
        values += [(a["field"], a["value"]) for a in contacts.list_alternates(db, drop_id)]
        kept = contacts.keep_values(db, keep_id, values, source="merge")
        moved["alternates"], moved["filled"] = kept["added"], sorted(kept["filled"])
        update = _fill_blanks(keep, drop, ["common_ground", "needs", "details", "notes"],
                              joined=("common_ground", "needs", "details", "notes"))
        if keep["cadence_days"] is None and drop["cadence_days"] is not None:
            update["cadence_days"] = drop["cadence_days"]
        if drop["connected_on"] and (keep["connected_on"] is None or drop["connected_on"] < keep["connected_on"]):
            update["connected_on"] = drop["connected_on"]
        tags = sorted(set(v.load_tags(keep["tags"])) | set(v.load_tags(drop["tags"])))
        update["tags"] = json.dumps(tags, ensure_ascii=False)
        if STAGES.index(drop["stage"]) > STAGES.index(keep["stage"]):
            update["stage"] = drop["stage"]
        if drop["target"] and not keep["target"]:
            update["target"] = 1
        if TIERS.index(drop["tier"]) < TIERS.index(keep["tier"]):
            update["tier"] = drop["tier"]  # the closer tier wins: active before core before network
        update["updated_at"] = now_iso()
        db.table("people").update(keep_id, update)
        # The reminders drop's record generated carry its name: they now read keep's.
        keep_name = scalar(db, "select name from people where id = ?", [keep_id])
        if drop["name"] != keep_name:
            _rename_in_titles(db, drop_id, drop["name"], keep_name)
        for table, column in (("interactions", "person_id"), ("important_dates", "person_id"),
                              ("stage_changes", "person_id"), ("drafts", "person_id"),
                              ("drafts", "other_person_id")):
            moved[f"{table}.{column}"] = db.execute(
                f"update {table} set {column} = ? where {column} = ?", [keep_id, drop_id]).rowcount
        # An event both records were at keeps both notes.
        db.execute("update event_people set note = note || char(10) || char(10) || (select d.note from event_people d "
                   "where d.event_id = event_people.event_id and d.person_id = ?) "
                   "where person_id = ? and note != '' and exists (select 1 from event_people d where "
                   "d.event_id = event_people.event_id and d.person_id = ? and d.note != '' "
                   "and d.note != event_people.note)", [drop_id, keep_id, drop_id])
        moved["events"] = db.execute(
            "insert or ignore into event_people (event_id, person_id, note) "
            "select event_id, ?, note from event_people where person_id = ?", [keep_id, drop_id]).rowcount
        # One check-in per person: keep's row stays (recomputed below); drop's takes its place when keep has
        # none, so a check-in drop's record had marked done still counts from that day.
        if scalar(db, "select count(*) from followups where person_id = ? and reason = 'check_in'", [keep_id]):
            db.execute("delete from followups where person_id = ? and reason = 'check_in'", [drop_id])
        else:
            db.execute("update followups set dedupe_key = ? where person_id = ? and reason = 'check_in'",
                       [f"check_in:{keep_id}", drop_id])
        moved["followups"] = db.execute("update followups set person_id = ? where person_id = ?",
                                        [keep_id, drop_id]).rowcount
        moved["dates_merged"] = _merge_duplicate_dates(db, keep_id)
        moved["followups_merged"] = _merge_open_followups(db, keep_id, today)
        moved["other"] = _move_other_references(db, keep_id, drop_id)
        db.execute("delete from people where id = ?", [drop_id])
        refresh_people(db, today, [keep_id])
    return moved


def _rename_in_titles(db: Database, person_id: int, old: str, new: str) -> None:
    """Put `new` for the name `old` in the titles of the reminders made for this person (not their own ones).

    Every title template names the person once, before any note ("{name}: {note}", "Thank {name}"), so the
    first whole-word match is the name: merging "Ann" into "Ann Lee" makes "Ann: Annual review" read
    "Ann Lee: Annual review", not "Ann Lee: Ann Leeual review"."""
    name = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)")
    renamed = [(name.sub(lambda _: new, title, count=1), fid) for fid, title in db.execute(
        "select id, title from followups where person_id = ? and reason != 'custom'", [person_id])]
    db.conn.executemany("update followups set title = ? where id = ?", renamed)


def _merge_open_followups(db: Database, person_id: int, today: date) -> int:
    """Of a person's open thank-yous, and of their open event follow-ups, keep the earliest due; skip the rest."""
    skipped = 0
    for reason in THANK_REASONS:  # each stands for one thing to do, whatever record it came from: one is kept
        extra = [r[0] for r in db.execute(
            "select id from followups where person_id = ? and reason = ? and status = 'open' order by due, id",
            [person_id, reason])][1:]
        for fid in extra:
            skipped += db.execute("update followups set status = 'skipped', closed_on = ? where id = ?",
                                  [today.isoformat(), fid]).rowcount
    return skipped


def _merge_duplicate_dates(db: Database, person_id: int) -> int:
    """Fold a person's dates with the same (label, month, day) into the oldest: a missing year is filled,
    a different year or note is kept in the note, and each year's reminder is kept once (a done or skipped
    one wins over an open one). Returns how many dates were folded."""
    folded = 0
    kept: dict[tuple, dict] = {}
    for d in rows(db, "select * from important_dates where person_id = ? order by id", [person_id]):
        key = (d["label"], d["month"], d["day"])
        first = kept.get(key)
        if first is None:
            kept[key] = d
            continue
        notes = [n for n in (first["note"], d["note"]) if n]
        if d["year"] and first["year"] and d["year"] != first["year"]:
            notes.append(f"year also given as {d['year']}")
        change = {"note": "; ".join(dict.fromkeys(notes)), "yearly": max(first["yearly"], d["yearly"]),
                  "year": first["year"] or d["year"]}
        db.table("important_dates").update(first["id"], change)
        first.update(change)
        reminders = {r["dedupe_key"].rsplit(":", 1)[-1]: r for r in rows(
            db, "select id, status, closed_on, dedupe_key from followups where date_id = ?", [first["id"]])}
        for r in rows(db, "select id, status, closed_on, dedupe_key from followups where date_id = ?", [d["id"]]):
            year = r["dedupe_key"].rsplit(":", 1)[-1]
            mine = reminders.get(year)
            if mine is None:
                db.execute("update followups set date_id = ?, dedupe_key = ? where id = ?",
                           [first["id"], f"date:{first['id']}:{year}", r["id"]])
            elif mine["status"] == "open" and r["status"] != "open":
                db.execute("update followups set status = ?, closed_on = ? where id = ?",
                           [r["status"], r["closed_on"], mine["id"]])
        db.execute("delete from important_dates where id = ?", [d["id"]])
        folded += 1
    return folded


_MERGE_HANDLED = {("interactions", "person_id"), ("important_dates", "person_id"), ("stage_changes", "person_id"),
                  ("drafts", "person_id"), ("drafts", "other_person_id"), ("event_people", "person_id"),
                  ("followups", "person_id"), ("person_alternates", "person_id"), ("scores", "person_id")}


def _move_other_references(db: Database, keep_id: int, drop_id: int) -> int:
    """Any other table that points at people (added since merge was written) moves drop's rows to keep,
    rather than losing them to a cascade; a row that would clash with one of keep's stays and goes."""
    moved = 0
    for table in db.table_names():
        for fk in db.execute(f"pragma foreign_key_list([{table}])").fetchall():
            column, target = fk[3], fk[2]
            if target != "people" or (table, column) in _MERGE_HANDLED:
                continue
            moved += db.execute(f"update or ignore [{table}] set [{column}] = ? where [{column}] = ?",
                                [keep_id, drop_id]).rowcount
    return moved


# --- Important dates -------------------------------------------------------------------------


def add_date(db: Database, person_id: int, *, label: str, month: int, day: int, year: int | None = None,
             note: str = "", yearly: bool = True, today: date | None = None) -> int:
    """Remember a birthday, work anniversary or success; yearly ones come back every year.

    Its reminder is scheduled at once, in the same transaction, as the daily refresh would (due on
    the day itself when it falls in the next DATE_HORIZON days or the past week), so a date added on
    or just before the day is on Today now, not overdue tomorrow."""
    _require_person(db, person_id)
    label = v.choice(label, "Kind of date", DATE_LABELS)
    month = v.integer(month, "Month", minimum=1, maximum=12)
    day = v.integer(day, "Day", minimum=1, maximum=31)
    year = v.integer(year, "Year", minimum=1900, maximum=2200, required=False)
    try:
        date(year or 2000, month, day)  # 2000 is a leap year, so 29 February passes without a year
    except ValueError:
        raise ValidationError(f"{day} is not a day of month {month}.") from None
    if not yearly and year is None:
        raise ValidationError("A one-off date needs its year.")
    note = v.text(note, "Note", max_len=2000)
    with transaction(db):
        date_id = db.table("important_dates").insert({
            "person_id": person_id, "label": label, "month": month, "day": day, "year": year,
            "note": note, "yearly": int(yearly)}).last_pk
        schedule_date_reminder(db, date_id, today or date.today())
    return date_id


def delete_date(db: Database, date_id: int) -> None:
    db.execute("delete from important_dates where id = ?", [date_id])


def list_dates(db: Database, person_id: int) -> list[dict]:
    return rows(db, "select * from important_dates where person_id = ? order by month, day", [person_id])


# --- Duplicates at scale ---------------------------------------------------------------------

_DUPLICATE_KEYS = (("same LinkedIn profile", "linkedin_url"), ("same email", "lower(email)"),
                   ("same name", "lower(name)"))


def duplicate_pairs(db: Database, limit: int = 50) -> list[dict]:
    """Pairs of active people who are probably the same, found by grouping rather than a self-join.

    Same LinkedIn URL first, then same email, then same name (case-insensitive for ASCII, as SQLite's
    lower()). Each group of n people gives n - 1 pairs that fold the later records into the oldest.
    Grouping is one sort of the active people, so 30,000 of them take well under a second, where a
    pairwise comparison of every two people takes minutes.
    """
    limit = v.integer(limit, "Limit", minimum=1, maximum=10_000)
    pairs: list[dict] = []
    seen: set[tuple[int, int]] = set()
    for why, key in _DUPLICATE_KEYS:
        column = key.removeprefix("lower(").removesuffix(")")
        groups = db.execute(
            f"select json_group_array(json_array(id, name)) from people "
            f"where archived_at is null and {column} != '' group by {key} having count(*) > 1").fetchall()
        for (members,) in groups:
            first, *rest = sorted(json.loads(members))
            for other in rest:
                if (first[0], other[0]) in seen:
                    continue
                seen.add((first[0], other[0]))
                pairs.append({"keep_id": first[0], "keep_name": first[1], "drop_id": other[0],
                              "drop_name": other[1], "why": why})
                if len(pairs) >= limit:
                    return pairs
    return pairs


def totals(db: Database) -> dict[str, int]:
    """How many people (not archived) and interactions there are: the sidebar's line."""
    return {"people": scalar(db, "select count(*) from people where archived_at is null"),
            "interactions": scalar(db, "select count(*) from interactions")}


def make_primary(db: Database, alternate_id: int) -> dict:
    """Swap an alternate with the person's primary value of its field: the alternate becomes the primary
    (validated as an edit of that field would be) and the old primary, if any, becomes an alternate.
    Returns the alternate's row as it was."""
    alt = contacts.require_alternate(db, alternate_id)
    pid, field = alt["person_id"], alt["field"]
    old = contacts.primary_values(db, pid)[field]
    with transaction(db):
        db.execute("delete from person_alternates where id = ?", [alternate_id])
        if old and not contacts.same_value(field, old, alt["value"]):
            contacts.insert_alternate(db, pid, field, old, "primary")
        if field == "company":
            update_person(db, pid, company=alt["value"])
        else:
            update_person(db, pid, **{field: alt["value"]})
    return alt
