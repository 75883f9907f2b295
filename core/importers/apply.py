"""Writing an ImportPlan: people, companies and touches in one transaction, then one rescore."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import UTC, date, datetime

from sqlite_utils import Database

from core.contacts import keep_values
from core.db import get_setting, placeholders, scalar, set_setting, transaction
from core.errors import ValidationError
from core.importers.matching import STAMP_KEY, _fingerprint, _norm
from core.importers.plan import _BLANK, ImportPlan
from core.interactions import mark_answered, record_touches
from core.relationships import refresh_people
from core.words import plural

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
        _insert_people(db, plan.add, new_ids, company_ids, stamp)
    _update_people(db, plan.update, company_ids, stamp)
    _insert_birthdays(db, plan, new_ids)
    _insert_alternates(db, plan, new_ids, stamp)
    return new_ids


def _insert_people(db: Database, adds: list[dict], new_ids: list[int], company_ids: dict[str, int],
                   stamp: str) -> None:
    """The new people, with the ids given, in one statement."""
    fields = list(_BLANK)
    people_columns = [*fields, "id", "created_at", "updated_at", "company_id"]
    db.conn.executemany(f"insert into people ({', '.join(people_columns)}) values "
                        f"({placeholders(people_columns)})",
                        ((*[a["person"][c] for c in fields], pid, stamp, stamp,
                          company_ids.get(_norm(a["company"])) if a["company"] else None)
                         for pid, a in zip(new_ids, adds, strict=True)))


def _update_people(db: Database, updates: list[dict], company_ids: dict[str, int], stamp: str) -> None:
    """The matched people's changes (and new company), stamped; one statement per set of columns changed."""
    by_columns: dict[tuple, list] = defaultdict(list)
    for u in updates:
        changes = dict(u["changes"])
        if u["company"]:
            changes["company_id"] = company_ids[_norm(u["company"])]
        if changes:
            changes["updated_at"] = stamp
            cols = tuple(changes)
            by_columns[cols].append([*changes.values(), u["person_id"]])
    for cols, values in by_columns.items():
        db.conn.executemany(f"update people set {', '.join(c + ' = ?' for c in cols)} where id = ?", values)


def _insert_birthdays(db: Database, plan: ImportPlan, new_ids: list[int]) -> None:
    """A yearly birthday for each new person who has one, and for each matched person the plan gave one."""
    birthdays = [(pid, *a["birthday"]) for pid, a in zip(new_ids, plan.add, strict=True) if a["birthday"]]
    birthdays += [(u["person_id"], *u["birthday"]) for u in plan.update if u["birthday"]]
    db.conn.executemany("insert into important_dates (person_id, label, month, day, year, yearly) "
                        "values (?, 'birthday', ?, ?, ?, 1)", birthdays)


def _insert_alternates(db: Database, plan: ImportPlan, new_ids: list[int], stamp: str) -> None:
    """The other emails and phones: the new people's in one statement, the matched people's through
    core.contacts.keep_values."""
    alternates = [(pid, f, value, "import", stamp) for pid, a in zip(new_ids, plan.add, strict=True)
                  for f, value in a.get("alternates", ())]
    if alternates:
        db.conn.executemany("insert or ignore into person_alternates (person_id, field, value, source, created_at) "
                            "values (?, ?, ?, ?, ?)", alternates)
    if any(u.get("alternates") for u in plan.update):
        for u in plan.update:
            if u.get("alternates"):
                keep_values(db, u["person_id"], u["alternates"], source="import")


def _finish(db: Database, plan: ImportPlan, new_ids: list[int], today: date, stamp: str, companies: int) -> dict:
    """The touches, the import's stamp and the scores of everyone touched; the report (inside the transaction)."""
    touched: set[int] = set()
    if plan.interactions or plan.interaction_updates:
        touched = _apply_interactions(db, plan, new_ids, today)
    if plan.add or plan.update or plan.flushed_add or plan.flushed_update:
        stamps = (get_setting(db, STAMP_KEY, []) or [])[-19:]
        set_setting(db, STAMP_KEY, [*stamps, stamp])
    if touched:
        refresh_people(db, today, sorted(touched))
    report = {**plan.summary(), "companies": companies, "people_ids": (plan.first_ids or new_ids)[:1000]}
    report["message"] = (f"Imported: {report['added']:,} added, {report['updated']:,} updated, "
                         f"{report['skipped']:,} skipped"
                         + (f", {plural(report['messages'], 'message exchange')} logged" if report["messages"] else "")
                         + (f", {plural(report['invitations'], 'connection request')} logged" if report["invitations"]
                            else "") + ".")
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
    for answered in (True, False):  # the plan only holds touches still unmarked (its fingerprint says so)
        touched.update(mark_answered(db, [i for r, i in plan.interaction_updates if bool(r) is answered], answered))
    return touched
