"""The SQLite file: where it lives, how it is opened, its migrations and its transactions."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from core.errors import UserError
from core.vocab import CONVERSATION_CHANNELS, CONVERSATION_NATURES

DEFAULT_PATH = Path("data") / "rapport.db"
BUSY_TIMEOUT_MS = 10_000

migrations = Migrations("rapport")

# Databases this process has already brought up to date, by resolved path: migrating is a
# read of _sqlite_migrations per open, which every Streamlit rerun would otherwise pay.
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def resolve_path(path: str | os.PathLike | None = None) -> Path:
    """Return the database path: the one given, else $RAPPORT_DB, else data/rapport.db."""
    chosen = path or os.environ.get("RAPPORT_DB") or DEFAULT_PATH
    return Path(chosen).expanduser()


def connect(path: str | os.PathLike) -> Database:
    """Open a connection with the pragmas every Rapport connection needs, without migrating."""
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


class DatabaseRefused(UserError):
    """The file at the database path is not one Rapport can safely open; it was left exactly as it was."""


def open_db(path: str | os.PathLike | None = None) -> Database:
    """Open (creating if needed) the Rapport database and bring its schema up to date.

    The first open of a path in this process is the start-up check: Rapport's own temporary files left
    beside it by a killed restore or backup are removed, and an existing file must be a SQLite database
    whose schema is exactly what Rapport's migrations make at the level it records (core.schema): a file
    with an extra trigger, view, index or table, a missing or altered one, or migrations from a newer
    Rapport raises DatabaseRefused, saying what, without a byte of the file changed. An older file is then
    kept as a copy, migrated and checked again.
    """
    target = resolve_path(path)
    if target.exists() and not target.is_file():
        raise DatabaseRefused(f"{target} is not a file (a folder or a device?), so it can't be a Rapport database.")
    target.parent.mkdir(parents=True, exist_ok=True)
    key = str(target.resolve())
    try:
        db = connect(target)
    except sqlite3.DatabaseError as e:
        raise _not_a_database(target, e) from None
    if key not in _migrated:
        with _migrate_lock:
            if key not in _migrated:
                try:
                    _start_up(db, target)
                except BaseException:
                    db.conn.close()
                    raise
                _migrated.add(key)
    return db


def _start_up(db: Database, target: Path) -> None:
    """The once-per-process check of a database file, then its migrations (see open_db)."""
    from core.backup import clean_leftovers
    from core.schema import check_schema

    clean_leftovers(target)
    try:
        existing = db.execute("select count(*) from sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise _not_a_database(target, e) from None
    if existing:
        _refuse_if_unsafe(target, check_schema(db))
    if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        _with_retry(db.enable_wal)
    pending = migrations.pending(db)
    if pending and existing:
        # An existing file is about to change shape: keep it as it was first.
        keep_copy(db, target, f"before-{pending[0].name}")
    _with_retry(lambda: migrations.apply(db))
    if pending and existing:
        _refuse_if_unsafe(target, check_schema(db))


def _not_a_database(target: Path, error: sqlite3.DatabaseError) -> DatabaseRefused:
    return DatabaseRefused(f"{target} can't be opened as a SQLite database ({error}), so it is not a Rapport "
                           "database; it was left as it is.")


def _refuse_if_unsafe(target: Path, problems: list[str]) -> None:
    if problems:
        more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise DatabaseRefused(f"Rapport won't open {target}: the file has {'; '.join(problems[:5])}{more}. "
                              "It was left as it is: restore a backup, or point Rapport at another file.")


KEEP_COPIES = 5


def keep_copy(db: Database, path: str | os.PathLike, label: str) -> Path:
    """Save a consistent copy of the database beside it before a destructive operation.

    The copy is `<name>.<label>.<UTC timestamp>.db` in the same folder, taken with SQLite's online
    backup API (safe while other sessions write). Only the newest KEEP_COPIES copies per label are
    kept. Returns the copy's path.
    """
    from datetime import UTC, datetime

    source = Path(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe_label = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label)
    copy = source.with_name(f"{source.stem}.{safe_label}.{stamp}.db")
    target = sqlite3.connect(str(copy))
    try:
        db.conn.backup(target)
    finally:
        target.close()
    older = sorted(source.parent.glob(f"{source.stem}.{safe_label}.*.db"))
    for old in older[:-KEEP_COPIES]:
        old.unlink(missing_ok=True)
    return copy


def kept_copies(path: str | os.PathLike) -> list[Path]:
    """The copies keep_copy() made beside this database, newest first."""
    source = Path(path)
    return sorted(source.parent.glob(f"{source.stem}.*.*.db"), key=lambda p: p.name.rsplit(".", 2)[-2],
                  reverse=True)


def db_file(db: Database) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    for _, name, filename in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(filename) if filename else None
    return None


def memory_db() -> Database:
    """A migrated in-memory database, for tests and dry runs."""
    db = Database(sqlite3.connect(":memory:", check_same_thread=False))
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db


def forget_migrated() -> None:
    """Make the next open_db() of every path check its migrations again (after a restore)."""
    _migrated.clear()


def _with_retry(fn, attempts: int = 20):
    for attempt in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Run a block of writes as one transaction: all of it is stored, or none of it.

    The outermost block takes the write lock up front (BEGIN IMMEDIATE), so two sessions
    writing at once queue on the busy timeout instead of failing half-way; nested blocks
    become savepoints.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    _with_retry(lambda: db.conn.execute("BEGIN IMMEDIATE"))
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise


def rows(db: Database, sql: str, params: Any = ()) -> list[dict]:
    """Run a read query and return its rows as dicts."""
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def one(db: Database, sql: str, params: Any = ()) -> dict | None:
    """Run a read query and return its first row as a dict, or None."""
    found = rows(db, sql, params)
    return found[0] if found else None


def scalar(db: Database, sql: str, params: Any = ()) -> Any:
    row = db.execute(sql, params).fetchone()
    return row[0] if row else None


def now_iso() -> str:
    """The current UTC time as ISO text, for created_at and updated_at stamps."""
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0).isoformat()


def get_setting(db: Database, key: str, default: Any = None) -> Any:
    raw = scalar(db, "select value from settings where key = ?", [key])
    return default if raw is None else json.loads(raw)


def set_setting(db: Database, key: str, value: Any) -> None:
    db.execute(
        "insert into settings (key, value) values (?, ?) "
        "on conflict(key) do update set value = excluded.value",
        [key, json.dumps(value)],
    )


def is_rapport_db(db: Database) -> bool:
    """True when the file holds Rapport's migration record (used by restore)."""
    if "_sqlite_migrations" not in db.table_names():
        return False
    return bool(scalar(db, "select count(*) from _sqlite_migrations where migration_set = 'rapport'"))


# ---------------------------------------------------------------------------------------
# Migrations: append-only. Never edit or rename one that has shipped; add a new one.
# ---------------------------------------------------------------------------------------


@migrations()
def m001_initial_schema(db: Database) -> None:
    _run_script(db, SCHEMA_V1)


@migrations()
def m002_message_templates(db: Database) -> None:
    # Outreach templates the user can edit; an empty table means "use the shipped defaults".
    _run_script(db, """
    create table templates (
        purpose text primary key,
        subject text not null,
        body text not null,
        updated_at text not null
    )
    """)


@migrations()
def m003_followups_by_person(db: Database) -> None:
    # The target list looks up each shown person's next open follow-up.
    db.execute("create index if not exists followups_person_open on followups (person_id, status, due)")


@migrations()
def m004_indexes_for_goals_and_due(db: Database) -> None:
    # Goals count touches by kind or nature inside a window; Today and Targets look up open
    # follow-ups per person (measured by the benchmark: list_goals 312 -> 138 ms at 30,000 people).
    db.execute("create index if not exists interactions_kind_day on interactions (kind, day)")
    db.execute("create index if not exists interactions_nature_day on interactions (nature, day)")
    db.execute("create index if not exists followups_open_person_due on followups (person_id, due) "
               "where status = 'open'")


SCORE_COLUMNS = ("last_touch_on", "score", "score_status", "score_confidence", "score_reason", "scored_on")
COUNTED_TABLES = ("people", "companies", "interactions", "followups", "important_dates", "stage_changes", "events",
                  "event_people", "goals", "resources", "drafts", "templates", "settings")


@migrations()
def m005_change_counter(db: Database) -> None:
    # Pages cache expensive reads until the data changes. A counter bumped by triggers on every
    # write is exact and costs one read, where summaries over the tables cost 20-100 ms and could
    # miss an edit that changed no sum.
    db.execute("create table change_counter (id integer primary key check (id = 1), value integer not null)")
    db.execute("insert into change_counter (id, value) values (1, 0)")
    for table in COUNTED_TABLES:
        for event in ("insert", "update", "delete"):
            columns = ""
            if table == "people" and event == "update":
                # The stored scores change only with the interactions or the daily refresh's
                # settings write, which count already; the refresh rewrites 30,000 of them.
                columns = " of " + ", ".join(c for c in db.table("people").columns_dict if c not in SCORE_COLUMNS)
            db.execute(f"create trigger {table}_counted_{event} after {event}{columns} on {table} begin "
                       "update change_counter set value = value + 1 where id = 1; end")



@migrations()
def m006_scores_table(db: Database) -> None:
    # The daily refresh rewrites every person's score reason ("last touch 40 days ago" changes each
    # day); rewriting 30,000 wide people rows took 0.5 s of its 1.0-1.4 s. Derived scores move to a
    # narrow table of their own, one row per person kept by triggers (measured: 30,000 reason
    # updates 0.48 s in people, 0.16 s here, commit included).
    db.execute("""create table scores (
        person_id integer primary key references people(id) on delete cascade,
        score integer,
        score_status text not null default 'not_in_touch',
        score_confidence text not null default 'low',
        score_reason text not null default 'Not in touch yet.',
        last_touch_on text,
        scored_on text
    )""")
    db.execute("insert into scores (person_id, score, score_status, score_confidence, score_reason, last_touch_on, "
               "scored_on) select id, score, score_status, score_confidence, score_reason, last_touch_on, scored_on "
               "from people")
    db.execute("create index scores_score on scores (score)")
    # Triggers rather than code paths: every way a person is added (forms, imports, the demo, a merge,
    # the sqlite3 shell) gets a row, and every way one is deleted takes it away.
    db.execute("create trigger people_scored after insert on people begin "
               "insert into scores (person_id) values (new.id); end")
    db.execute("create trigger people_unscored after delete on people begin "
               "delete from scores where person_id = old.id; end")
    db.execute("drop index if exists people_score")
    for column in SCORE_COLUMNS:
        db.execute(f"alter table people drop column {column}")


def evidence_sql(row: str = "") -> str:
    """A touch as the one integer that scoring and insights read (the `evidence` column, m007).

    julian day << 10 | direction << 8 (me 0, them 1, unknown 2, else 3) | kind << 6 (ask 0, give 1,
    neutral 2, else 3) | reply << 4 (unknown 0, yes 1, no 2) | 8 for a conversation (a call, video,
    meeting in person or at an event, or an informational interview) | tag bits: 1 thank-you, 2
    informational interview, 4 tags that are not a JSON list of strings. A day julianday() cannot read
    gives day 0. `row` prefixes the columns ("new." in a trigger). Built-in SQL only, so the triggers run
    in any SQLite, the sqlite3 shell included. The triggers keep the text this returned when they were
    made: a change here needs a migration that remakes them and recomputes the column.
    """
    def c(name: str) -> str:
        return f"{row}{name}"

    channels = ", ".join(f"'{x}'" for x in sorted(CONVERSATION_CHANNELS))
    natures = ", ".join(f"'{x}'" for x in sorted(CONVERSATION_NATURES))
    tags = c("tags")
    return (
        f"((case when length({c('day')}) = 10 then coalesce(cast(julianday({c('day')}) as integer), 0) else 0 end << 10) "
        f"| (case {c('direction')} when 'me' then 0 when 'them' then 256 when 'unknown' then 512 else 768 end) "
        f"| (case {c('kind')} when 'ask' then 0 when 'give' then 64 when 'neutral' then 128 when '' then 128 "
        "else 192 end) "
        f"| (case when {c('responded')} is null then 0 when {c('responded')} then 16 else 32 end) "
        f"| (case when {c('channel')} in ({channels}) or {c('nature')} in ({natures}) then 8 else 0 end) "
        f"| (case {c('nature')} when 'thank_you' then 1 when 'informational_interview' then 2 else 0 end) "
        f"| (case when {tags} is null or {tags} in ('', '[]') then 0 when {tags} = '[\"thank_you\"]' then 1 "
        f"when json_valid({tags}) and json_type({tags}) = 'array' then coalesce((select case when sum(type != 'text') "
        f"then 4 else max(value = 'thank_you') + 2 * max(value = 'informational_interview') end "
        f"from json_each({tags})), 0) else 4 end))"
    )


@migrations()
def m007_interaction_evidence(db: Database) -> None:
    # Scoring everyone read each touch through seven CASE expressions and julianday(): 0.2-0.4 s of
    # the daily refresh at 350,000 touches. The same integer, kept by triggers on every write, is read
    # in a fraction of that (the bare column: 35-50 ms).
    db.execute("alter table interactions add column evidence integer")
    db.execute(f"update interactions set evidence = {evidence_sql()}")
    body = f"begin update interactions set evidence = {evidence_sql('new.')} where id = new.id; end"
    db.execute(f"create trigger interactions_evidence_insert after insert on interactions {body}")
    db.execute("create trigger interactions_evidence_update after update of day, channel, direction, kind, "
               f"nature, responded, tags on interactions {body}")


@migrations()
def m008_followups_by_reason(db: Database) -> None:
    # Today counts the open thank-yous and lists the coming dates on every run; with only a (status,
    # due) index that meant 30,000 open check-ins looked up one by one (44 ms and 13 ms at 30,000
    # people; 3 and 6 ms with this index).
    db.execute("create index if not exists followups_by_reason on followups (reason, status, due)")

@migrations()
def m012_followup_done_by(db: Database) -> None:
    # "Done" records the touch a follow-up stands for (a thank-you, a check-in); the follow-up keeps which
    # one, so every completed follow-up can be traced to the log.
    db.execute("alter table followups add column done_interaction_id integer "
               "references interactions(id) on delete set null")


@migrations()
def m010_contact_alternates(db: Database) -> None:
    # A person can have several emails, phones, titles and links: a merge keeps the second record's as
    # alternates instead of dropping them, and mail import matches people on every address they have.
    db.execute("""create table person_alternates (
        id integer primary key,
        person_id integer not null references people(id) on delete cascade,
        field text not null,
        value text not null,
        source text not null default 'manual',
        created_at text not null
    )""")
    db.execute("create unique index person_alternates_unique on person_alternates "
               "(person_id, field, value collate nocase)")
    db.execute("create index person_alternates_value on person_alternates (field, value collate nocase)")
    for event in ("insert", "update", "delete"):  # pages' caches see these writes too (m005)
        db.execute(f"create trigger person_alternates_counted_{event} after {event} on person_alternates begin "
                   "update change_counter set value = value + 1 where id = 1; end")


@migrations()
def m009_checkin_pause(db: Database) -> None:
    # The guardrail pauses a person's check-ins while their last messages go unanswered (SCORING.md §4.8.4);
    # "Try once more" lifts it from that day until a message sent since goes unanswered too. The day it was
    # lifted is kept beside the person's score.
    db.execute("alter table scores add column checkin_resume_on text")


def data_version(db: Database) -> str:
    """A key that changes with every write to the database: for caching reads in pages."""
    value = scalar(db, "select value from change_counter where id = 1")
    return f"{db_file(db)}:{value}"


def bump_data_version(db: Database) -> None:
    """Jump the counter by a random amount: after a restore, the file's history is another one."""
    db.execute("update change_counter set value = value + 1 + abs(random() % 1000000000) where id = 1")


def _run_script(db: Database, script: str) -> None:
    # executescript() would COMMIT the migration's transaction first; run statement by statement.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


SCHEMA_V1 = """
create table settings (
    key text primary key,
    value text not null
);
create table companies (
    id integer primary key,
    name text not null,
    industry text not null default '',
    website text not null default '',
    culture text not null default '',
    company_values text not null default '',
    hiring_notes text not null default '',
    notes text not null default '',
    checked_website integer not null default 0,
    checked_news integer not null default 0,
    checked_social integer not null default 0,
    archived_at text,
    created_at text not null,
    updated_at text not null
);
create unique index companies_name on companies (name collate nocase);
create table people (
    id integer primary key,
    name text not null,
    title text not null default '',
    company_id integer references companies(id) on delete set null,
    email text not null default '',
    phone text not null default '',
    linkedin_url text not null default '',
    website text not null default '',
    location text not null default '',
    industry text not null default '',
    role text not null default '',
    seniority text not null default '',
    how_met text not null default '',
    met_via text not null default '',
    tags text not null default '[]',
    stage text not null default 'stranger',
    tier text not null default 'network',
    cadence_days integer,
    common_ground text not null default '',
    needs text not null default '',
    details text not null default '',
    notes text not null default '',
    source text not null default 'manual',
    source_uid text not null default '',
    connected_on text,
    archived_at text,
    created_at text not null,
    updated_at text not null,
    last_touch_on text,
    score integer,
    score_status text not null default 'not_in_touch',
    score_confidence text not null default 'low',
    score_reason text not null default 'Not in touch yet.',
    scored_on text
);
create index people_company on people (company_id);
create index people_stage on people (stage);
create index people_score on people (score);
create index people_linkedin on people (linkedin_url) where linkedin_url != '';
create index people_email on people (email collate nocase) where email != '';
create index people_name on people (name collate nocase);
create table stage_changes (
    id integer primary key,
    person_id integer not null references people(id) on delete cascade,
    day text not null,
    from_stage text not null,
    to_stage text not null
);
create index stage_changes_person on stage_changes (person_id);
create index stage_changes_day on stage_changes (day);
create table events (
    id integer primary key,
    name text not null,
    day text not null,
    place text not null default '',
    url text not null default '',
    research text not null default '',
    pitch text not null default '',
    notes text not null default '',
    created_at text not null,
    updated_at text not null
);
create table event_people (
    event_id integer not null references events(id) on delete cascade,
    person_id integer not null references people(id) on delete cascade,
    note text not null default '',
    primary key (event_id, person_id)
);
create index event_people_person on event_people (person_id);
create table interactions (
    id integer primary key,
    person_id integer not null references people(id) on delete cascade,
    day text not null,
    channel text not null,
    direction text not null,
    kind text not null,
    nature text not null default '',
    responded integer,
    tags text not null default '[]',
    minutes integer not null default 0,
    notes text not null default '',
    details text not null default '',
    event_id integer references events(id) on delete set null,
    source text not null default 'manual',
    source_uid text not null default '',
    created_at text not null
);
create index interactions_person_day on interactions (person_id, day);
create index interactions_day on interactions (day);
create unique index interactions_source_uid on interactions (source, source_uid) where source_uid != '';
create table important_dates (
    id integer primary key,
    person_id integer not null references people(id) on delete cascade,
    label text not null,
    month integer not null check (month between 1 and 12),
    day integer not null check (day between 1 and 31),
    year integer,
    note text not null default '',
    yearly integer not null default 1
);
create index important_dates_person on important_dates (person_id);
create table followups (
    id integer primary key,
    person_id integer references people(id) on delete cascade,
    reason text not null,
    due text not null,
    status text not null default 'open',
    title text not null default '',
    dedupe_key text not null,
    interaction_id integer references interactions(id) on delete cascade,
    date_id integer references important_dates(id) on delete cascade,
    event_id integer references events(id) on delete set null,
    anchor_on text,
    snoozes integer not null default 0,
    created_at text not null,
    closed_on text
);
create unique index followups_dedupe on followups (dedupe_key);
create index followups_open_due on followups (status, due);
create index followups_person on followups (person_id);
create table goals (
    id integer primary key,
    title text not null,
    metric text not null,
    target integer not null check (target > 0),
    stage text not null default '',
    interaction_kind text not null default '',
    interaction_nature text not null default '',
    segment_industry text not null default '',
    segment_role text not null default '',
    segment_seniority text not null default '',
    segment_company_id integer references companies(id) on delete set null,
    segment_tag text not null default '',
    priority integer not null default 2,
    start_on text not null,
    due_on text not null,
    revisit_on text,
    status text not null default 'open',
    closed_on text,
    notes text not null default '',
    created_at text not null,
    updated_at text not null
);
create table resources (
    id integer primary key,
    title text not null,
    url text not null default '',
    tags text not null default '[]',
    note text not null default '',
    created_at text not null
);
create table drafts (
    id integer primary key,
    person_id integer references people(id) on delete cascade,
    other_person_id integer references people(id) on delete set null,
    purpose text not null,
    subject text not null default '',
    body text not null default '',
    status text not null default 'draft',
    interaction_id integer references interactions(id) on delete set null,
    created_at text not null,
    updated_at text not null
);
create index drafts_person on drafts (person_id);
"""
