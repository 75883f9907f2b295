"""Is this file's schema exactly the one Rapport's migrations make? The guard against hostile database files.

A SQLite file carries code as well as data: a trigger runs on every insert, a view on every read, a default
or a generated column on every write. A backup someone hands you, or a file swapped in on disk, could add a
trigger that deletes people, drop a table a page needs, or change a column's default. check_schema() compares
a database with the schema that Rapport's own migrations make, object by object (tables with their columns,
types, NOT NULL, defaults, primary keys, foreign keys and constraints; indexes; triggers; views), and lists
everything extra, missing or different. The expected schema is computed by running the migrations on an
in-memory database, so a new migration is followed without any list to update.

A file at an older migration level is compared with what those same migrations made (so it can be checked
before it is brought up to date, and checked again after); a file that records migrations this version does
not know was made by a newer Rapport, and is refused.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Iterable

from sqlite_utils import Database

from core.migrations import migrations

MIGRATIONS_TABLE = "_sqlite_migrations"
MIGRATION_SET = "rapport"

_cache: dict[tuple[str, ...], dict] = {}
_cache_lock = threading.Lock()


def known_migrations() -> list[str]:
    """The names of the migrations this version of Rapport has, in the order they apply."""
    return [m.name for m in migrations._migrations]


def applied_migrations(db: Database) -> list[str] | None:
    """The Rapport migrations a database records, or None when it holds no record of them at all."""
    if not db.execute("select 1 from sqlite_master where type = 'table' and name = ?", [MIGRATIONS_TABLE]).fetchone():
        return None
    try:
        found = db.execute(f"select name from {MIGRATIONS_TABLE} where migration_set = ? order by rowid",
                           [MIGRATION_SET]).fetchall()
    except sqlite3.DatabaseError:
        return None
    return [r[0] for r in found] or None


def expected_schema(applied: Iterable[str] | None = None) -> dict:
    """The schema (see describe()) that Rapport's migrations make; only the named ones when `applied` is given.

    Computed once per list of migrations by running them on an in-memory database, in the order given:
    the order a file recorded them in (a file that got two migrations in another order than they are
    defined, as a developer's may, has its columns in that order), else the order they are defined in.
    Names this version does not know are left out (check_schema refuses them first).
    """
    by_name = {m.name: m for m in migrations._migrations}
    names = list(by_name) if applied is None else list(applied)
    key = tuple(dict.fromkeys(name for name in names if name in by_name))
    with _cache_lock:
        if key not in _cache:
            db = Database(sqlite3.connect(":memory:"))
            migrations.ensure_migrations_table(db)
            for name in key:
                with db.atomic() if by_name[name].transactional else contextlib.nullcontext():
                    by_name[name].fn(db)
                    migrations._record_applied(db, name)
            _cache[key] = describe(db)
            db.conn.close()
        return _cache[key]


def describe(db: Database) -> dict:
    """Every schema object of a database, as comparable data: {(type, name): details}.

    SQLite's own objects (sqlite_sequence, sqlite_stat1..4, the automatic indexes of UNIQUE and PRIMARY KEY
    constraints, which the table's definition already fixes) are left out. Read in one transaction, so a
    migration committed by another process meanwhile cannot make the picture inconsistent.
    """
    conn = db.conn
    own = not conn.in_transaction
    if own:
        conn.execute("begin")
    try:
        objects = conn.execute("select type, name, tbl_name, sql from sqlite_master "
                               "where name not like 'sqlite\\_%' escape '\\'").fetchall()
        out: dict[tuple[str, str], dict] = {}
        for kind, name, table, sql in objects:
            item = {"table": table, "sql": _tokens(sql)}
            if kind == "table":
                item["columns"] = [
                    {"name": c[1], "type": c[2], "not null": bool(c[3]), "default": c[4], "primary key": c[5],
                     "hidden": c[6]}
                    for c in conn.execute("select * from pragma_table_xinfo(?)", [name]).fetchall()]
                item["foreign keys"] = sorted(
                    tuple(str(v) for v in fk[2:8])
                    for fk in conn.execute("select * from pragma_foreign_key_list(?)", [name]).fetchall())
            out[(kind, name)] = item
        return out
    finally:
        if own:
            conn.execute("commit")


def check_schema(db: Database) -> list[str]:
    """What is extra, missing or different in db's schema compared with the one Rapport's migrations make.

    Each problem completes the sentence "The file has …" ("a trigger that Rapport does not make:
    evil_trigger"). An empty list means the schema is exactly Rapport's at the migration level the file
    records: the current level, or an older one that migrating will bring up to date. A file recording
    migrations this version does not know (a newer Rapport made it), or none at all, is a problem too.
    Reads only; never changes the file.
    """
    try:
        applied = applied_migrations(db)
        if applied is None:
            if not compare(describe(db), expected_schema([])):
                return []  # only the migrations' own table: a first start killed before its first migration
            return ["no record of Rapport's migrations (it is not a Rapport database)"]
        known = set(known_migrations())
        unknown = [name for name in applied if name not in known]
        if unknown:
            listed = ", ".join(unknown[:3]) + (", …" if len(unknown) > 3 else "")
            return [f"migrations from a newer version of Rapport ({listed}): update Rapport first"]
        return compare(describe(db), expected_schema(applied))
    except sqlite3.DatabaseError as e:
        return [f"a schema that cannot be read ({e})"]


def problem_list(problems: list[str], shown: int = 5) -> str:
    """check_schema's problems for a message: the first five joined by '; ', then '; and N more'."""
    more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
    return "; ".join(problems[:shown]) + more


def compare(found: dict, expected: dict) -> list[str]:
    """The differences between two describe() results, as "has …" phrases (see check_schema)."""
    problems = []
    order = {"table": 0, "view": 1, "index": 2, "trigger": 3}
    for kind, name in sorted(set(found) | set(expected), key=lambda k: (order.get(k[0], 9), k[1])):
        got, want = found.get((kind, name)), expected.get((kind, name))
        if want is None:
            problems.append(f"{'an' if kind == 'index' else 'a'} {kind} that Rapport does not make: {name}")
        elif got is None:
            problems.append(f"no {kind} {name}, which Rapport makes")
        elif kind == "table":
            problems.extend(_compare_table(name, got, want))
        elif got["table"] != want["table"] or got["sql"] != want["sql"]:
            problems.append(f"the {kind} {name} defined differently from Rapport's")
    return problems


def _compare_table(name: str, got: dict, want: dict) -> list[str]:
    problems = []
    have = {c["name"]: c for c in got["columns"]}
    need = {c["name"]: c for c in want["columns"]}
    for column in need:
        if column not in have:
            problems.append(f"no column {name}.{column}, which Rapport makes")
    for column, c in have.items():
        if column not in need:
            problems.append(f"a column that Rapport does not make: {name}.{column}")
            continue
        for attr in ("type", "not null", "default", "primary key", "hidden"):
            if c[attr] != need[column][attr]:
                problems.append(f"the column {name}.{column} with {_shown(attr, c[attr])} where Rapport makes "
                                f"{_shown(attr, need[column][attr])}")
    if not problems and list(have) != list(need):
        problems.append(f"the columns of table {name} in another order than Rapport's")
    if got["foreign keys"] != want["foreign keys"]:
        problems.append(f"other foreign keys on table {name} than Rapport's")
    if not problems and got["sql"] != want["sql"]:
        # Same columns, yet another definition: a CHECK, a COLLATE, a UNIQUE, STRICT or WITHOUT ROWID.
        problems.append(f"the table {name} defined differently from Rapport's (a constraint or collation)")
    return problems


def _shown(attr: str, value: object) -> str:
    """A column attribute as a reader would say it: "type TEXT", "NOT NULL", "no default"."""
    if attr == "not null":
        return "NOT NULL" if value else "no NOT NULL"
    if attr == "default":
        return "no default" if value is None else f"default {value}"
    if attr == "primary key":
        return f"primary key position {value}" if value else "no primary key"
    if attr == "hidden":
        return {0: "an ordinary column", 1: "a hidden column", 2: "a generated column",
                3: "a stored generated column"}.get(value, f"hidden {value}")
    return f"type {value or '(none)'}"


_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|\w+|\S""")


def _tokens(sql: str | None) -> tuple[str, ...]:
    """SQL as a sequence of tokens: spacing, letter case and identifier quoting don't count; string literals do."""
    if not sql:
        return ()
    out = []
    for token in _TOKEN.findall(sql):
        if token[0] in "\"`[":
            token = token[1:-1].replace(token[0] * 2, token[0]) if token[0] != "[" else token[1:-1]
            out.append(token.lower())
        elif token[0] == "'":
            out.append(token)
        else:
            out.append(token.lower())
    return tuple(out)
