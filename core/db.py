"""The SQLite file: where it lives, how it is opened, its transactions, settings and copies."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence, Sized
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from core.errors import UserError
from core.migrations import COUNTED_TABLES, SCORE_COLUMNS, evidence_sql, migrations  # noqa: F401 (callers import them from here)
from core.schema import applied_migrations, check_schema, problem_list
from core.temp_files import clean_leftovers, temp_beside

T = TypeVar("T")
DEFAULT_PATH = Path("data") / "rapport.db"
BUSY_TIMEOUT_MS = 10_000

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
        raise DatabaseRefused(f"Rapport won't open {target}: the file has {problem_list(problems)}. "
                              "It was left as it is: restore a backup, or point Rapport at another file.")


KEEP_COPIES = 5
LEGACY_COPY = "{name}.replaced-*.db"  # what restores kept before they used keep_copy (listed, never pruned)


@contextlib.contextmanager
def consistent_copy(conn: sqlite3.Connection, folder: Path) -> Iterator[Path]:
    """A consistent copy of conn's database (SQLite's online backup API: safe while others write) in a
    temporary file in folder, removed on exit unless moved away. It is one self-contained file (journal_mode
    delete: no -wal needed)."""
    with temp_beside(folder, "backup") as tmp:
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
            target.execute("pragma journal_mode = delete")
        finally:
            target.close()
        yield tmp


def copy_to(db: Database, out: Path) -> Path:
    """Write a consistent copy of the database to out (see consistent_copy).

    The copy goes to a temporary file beside out and is renamed into place, so a copy that fails or is
    killed never leaves half a file under the name.
    """
    with consistent_copy(db.conn, out.parent) as tmp:
        os.replace(tmp, out)
    return out


def keep_copy(db: Database, path: str | os.PathLike, label: str) -> Path:
    """Keep the database as it is beside it before a destructive change (a migration, a merge, a restore).

    The one scheme for such copies: `<stem>.<label>.<UTC timestamp>.db` in the same folder, written by
    copy_to(). Only the newest KEEP_COPIES copies per label are kept. Returns the copy's path.
    """
    from datetime import UTC, datetime

    source = Path(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe_label = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label)
    copy = copy_to(db, source.with_name(f"{source.stem}.{safe_label}.{stamp}.db"))
    for old in kept_copies(source, safe_label)[KEEP_COPIES:]:
        old.unlink(missing_ok=True)
    return copy


def kept_copies(path: str | os.PathLike, label: str | None = None) -> list[Path]:
    """The copies keep_copy() made beside this database (only those for `label` if given), newest first.

    Without a label the list also has the copies older versions' restores kept (`<name>.replaced-<stamp>.db`).
    """
    source = Path(path)
    found = set(source.parent.glob(f"{source.stem}.{label or '*'}.*.db"))
    if label is None:
        found |= set(source.parent.glob(LEGACY_COPY.format(name=source.name)))
    return sorted(found, key=_copy_stamp, reverse=True)


def _copy_stamp(copy: Path) -> str:
    """The UTC time in a kept copy's name as digits, which sort in time order in both naming schemes."""
    return "".join(ch for ch in copy.name.rsplit(".", 2)[-2] if ch.isdigit())


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


def rebuild_evidence(db: Database) -> int:
    """Recompute every touch's packed `evidence` column from its row, by the rule's SQL (evidence_sql), in one
    transaction: the repair after a hand edit or a change of the rule. Returns how many rows were wrong."""
    rule = evidence_sql()
    with transaction(db):
        return db.execute(f"update interactions set evidence = {rule} where evidence is not {rule}").rowcount


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


IN_LIST_MAX = 500  # values per SQL "in (...)" list: well under SQLite's host-parameter limit


def placeholders(values: Sized) -> str:
    """The placeholders of an "in (...)" list for these values ("?,?,?"): the values go in as parameters."""
    return ",".join("?" * len(values))


def chunks(values: Sequence[T], size: int = IN_LIST_MAX) -> Iterator[Sequence[T]]:
    """The values in slices of at most `size`, for queries with an "in (...)" list."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


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
    return applied_migrations(db) is not None


def data_version(db: Database) -> str:
    """A key that changes with every write to the database: for caching reads in pages."""
    value = scalar(db, "select value from change_counter where id = 1")
    return f"{db_file(db)}:{value}"


def bump_data_version(db: Database) -> None:
    """Jump the counter by a random amount: after a restore, the file's history is another one."""
    db.execute("update change_counter set value = value + 1 + abs(random() % 1000000000) where id = 1")
