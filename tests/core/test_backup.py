"""Backup and restore: consistent copies, checked restores, and bad files that change nothing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.backup import (
    RESTORE_LABEL,
    backup,
    backup_bytes,
    check_schema,
    restore,
    restore_bytes,
    schema_summary,
    temp_beside,
    write_file,
)
from core.db import KEEP_COPIES, DatabaseRefused, forget_migrated, kept_copies, open_db, rows
from core.errors import ValidationError
from core.people import add_person
from core.temp_files import clean_leftovers

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def live(tmp_path):
    """A database file in use, with one person, as the app would hold it (WAL mode)."""
    path = tmp_path / "data" / "rapport.db"
    db = open_db(path)
    add_person(db, name="Ines Okafor-Lindqvist", company="Northwind")
    return path, db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names(path: Path) -> list[str]:
    return [r["name"] for r in rows(open_db(path), "select name from people order by id")]


def test_a_backup_is_a_complete_self_contained_copy_taken_while_the_app_holds_the_database(live, tmp_path):
    _, db = live
    out = backup(db, tmp_path / "out" / "b.db")
    assert not Path(f"{out}-wal").exists()
    conn = sqlite3.connect(out)
    assert conn.execute("select name from people").fetchall() == [("Ines Okafor-Lindqvist",)]
    assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
    assert backup_bytes(db).startswith(b"SQLite format 3\x00")


def test_restore_swaps_in_the_backup_and_keeps_the_replaced_database_beside_it(live, tmp_path):
    path, db = live
    saved = backup(db, tmp_path / "b.db")
    add_person(db, name="Added after the backup")
    result = restore(path, saved)
    assert result["people"] == 1 and result["migrated"] == 0
    assert names(path) == ["Ines Okafor-Lindqvist"]
    # The connection the app still holds sees the restored data, and keeps working on it.
    assert [r["name"] for r in rows(db, "select name from people")] == ["Ines Okafor-Lindqvist"]
    add_person(db, name="Written after the restore")
    assert names(path) == ["Ines Okafor-Lindqvist", "Written after the restore"]
    kept = Path(result["kept"])
    assert kept.parent == path.parent and kept.name.startswith("rapport.before-restore.")
    assert [r[0] for r in sqlite3.connect(kept).execute("select name from people order by id")] == [
        "Ines Okafor-Lindqvist", "Added after the backup"]


def test_a_backup_with_another_page_size_restores_into_the_live_database(live, tmp_path):
    path, db = live
    other = tmp_path / "big-pages.db"
    conn = sqlite3.connect(other)
    conn.execute("pragma page_size = 8192")
    conn.close()
    backup(db, other)
    conn = sqlite3.connect(other)
    conn.execute("pragma page_size = 8192")
    conn.execute("vacuum")
    assert conn.execute("pragma page_size").fetchone()[0] == 8192
    conn.close()
    restore(path, other)
    assert names(path) == ["Ines Okafor-Lindqvist"]


def test_restore_keeps_only_the_last_five_replaced_copies(live, tmp_path):
    path, db = live
    saved = backup(db, tmp_path / "b.db")
    for _ in range(KEEP_COPIES + 2):
        restore(path, saved)
    assert len(kept_copies(path, RESTORE_LABEL)) == KEEP_COPIES


def test_an_older_rapport_database_is_migrated_on_restore(live, tmp_path):
    path, _ = live
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript((FIXTURES / "rapport_v1.sql").read_text())
    conn.close()
    result = restore(path, old)
    assert result["migrated"] >= 1
    assert "templates" in open_db(path).table_names()


def test_restore_from_bytes_into_a_missing_database_creates_it(tmp_path, live):
    _, db = live
    target = tmp_path / "fresh" / "r.db"
    result = restore_bytes(target, backup_bytes(db))
    assert result["kept"] is None and names(target) == ["Ines Okafor-Lindqvist"]


def _not_rapport(tmp_path: Path) -> bytes:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("create table t (x)")
    conn.commit()
    conn.close()
    return other.read_bytes()


def _newer(tmp_path: Path, db) -> bytes:
    newer = tmp_path / "newer.db"
    backup(db, newer)
    conn = sqlite3.connect(newer)
    conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                 "values ('rapport', 'm999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()
    return newer.read_bytes()


def _truncated(tmp_path: Path, db) -> bytes:
    return backup_bytes(db)[:1500]


def _damaged(tmp_path: Path, db) -> bytes:
    data = bytearray(backup_bytes(db))
    data[4096:8192] = b"\xff" * 4096  # overwrite the second page with garbage
    return bytes(data)


BAD = {
    "empty": lambda tmp, db: b"",
    "text": lambda tmp, db: b"First Name,Last Name\nAna,Novak\n",
    "vcard": lambda tmp, db: b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n",
    "binary": lambda tmp, db: bytes(range(256)) * 40,
    "sqlite header only": lambda tmp, db: b"SQLite format 3\x00" + b"\x00" * 84,
    "not rapport": lambda tmp, db: _not_rapport(tmp),
    "newer rapport": _newer,
    "truncated": _truncated,
    "damaged": _damaged,
}


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_file_is_refused_and_the_database_is_byte_for_byte_unchanged(live, tmp_path, kind):
    path, db = live
    data = BAD[kind](tmp_path, db)
    db.execute("pragma wal_checkpoint(TRUNCATE)")
    before = {p.name: digest(p) for p in path.parent.iterdir()}
    upload = tmp_path / f"upload-{kind}.db"
    upload.write_bytes(data)
    with pytest.raises(ValidationError):
        restore(path, upload)
    with pytest.raises(ValidationError):
        restore_bytes(path, data)
    assert {p.name: digest(p) for p in path.parent.iterdir()} == before
    assert names(path) == ["Ines Okafor-Lindqvist"]


def test_a_missing_upload_is_a_clear_error(live, tmp_path):
    path, _ = live
    with pytest.raises(ValidationError, match="no file to restore"):
        restore(path, tmp_path / "nope.db")


def test_the_schema_summary_lists_tables_with_counts(live):
    _, db = live
    summary = {t["table"]: t for t in schema_summary(db)}
    assert summary["people"]["rows"] == 1 and "linkedin_url" in summary["people"]["columns"]
    assert not any(name.startswith("_") for name in summary)


# --- Hostile backups: anything in the schema that Rapport's migrations don't make is refused ---------------


def dump(path: Path) -> str:
    """Everything in the database as SQL (schema and rows): equal dumps, equal databases."""
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def _hostile(tmp_path: Path, db, *statements: str, writable_schema: bool = False) -> Path:
    """A backup of the live database, then edited behind Rapport's back with sqlite3."""
    out = backup(db, tmp_path / "hostile.db")
    conn = sqlite3.connect(out)
    if writable_schema:
        conn.execute("pragma writable_schema = on")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return out


EVIL_TRIGGER = ("create trigger evil_trigger after insert on interactions begin "
                "delete from people where id != new.person_id; end")  # logging one touch deletes everyone else
NOTES_NULLABLE = ("update sqlite_master set sql = replace(sql, 'notes text not null default ''''', 'notes text') "
                  "where type = 'table' and name = 'people'")  # NOT NULL and the default gone, rows untouched
FUTURE_MIGRATION = ("insert into _sqlite_migrations (migration_set, name, applied_at) "
                    "values ('rapport', 'm999_from_the_future', '2030-01-01')")

# kind: (statements that make the backup hostile, options, what the refusal must say)
HOSTILE = {
    "added trigger": ([EVIL_TRIGGER], {}, "a trigger that Rapport does not make: evil_trigger"),
    "added view": (["create view evil_view as select name, email from people"], {},
                   "a view that Rapport does not make: evil_view"),
    "dropped table": (["drop table resources"], {}, "no table resources, which Rapport makes"),
    "altered column": ([NOTES_NULLABLE], {"writable_schema": True},
                       "the column people.notes with no NOT NULL where Rapport makes NOT NULL"),
    "newer schema version": (["create table from_the_future (id integer primary key)", FUTURE_MIGRATION], {},
                             "a newer version of Rapport (m999_from_the_future)"),
    "extra index": (["create index evil_index on people (notes)"], {},
                    "an index that Rapport does not make: evil_index"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_backup_is_refused_saying_what_and_the_live_database_is_unchanged(live, tmp_path, kind):
    path, db = live
    statements, options, message = HOSTILE[kind]
    hostile = _hostile(tmp_path, db, *statements, **options)
    db.execute("pragma wal_checkpoint(TRUNCATE)")
    before, files = dump(path), sorted(p.name for p in path.parent.iterdir())

    with pytest.raises(ValidationError, match="nothing was restored") as refused:
        restore(path, hostile)
    with pytest.raises(ValidationError):
        restore_bytes(path, hostile.read_bytes())

    assert message in str(refused.value)
    assert dump(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == files  # no kept copy, no temporary file
    assert kept_copies(path) == []


def test_the_schema_check_follows_the_migrations_and_passes_rapports_own_files(live, tmp_path):
    from core.db import memory_db, migrations
    from core.schema import expected_schema

    _, db = live
    assert check_schema(db) == [] and check_schema(memory_db()) == []
    # An older file is checked against what its own migrations made, before and after migrating.
    old = sqlite3.connect(tmp_path / "old.db")
    old.executescript((FIXTURES / "rapport_v1.sql").read_text())
    old.close()
    assert check_schema(Database(tmp_path / "old.db")) == []
    # Every migration's objects are expected: none is a hard-coded list.
    names = {name for _, name in expected_schema()}
    assert {"people", "scores", "scores_score", "people_scored", "followups_by_reason"} <= names
    assert len(expected_schema([migrations._migrations[0].name])) < len(expected_schema())


def test_sqlites_own_tables_are_not_problems(live):
    _, db = live
    db.execute("analyze")  # sqlite_stat1
    db.execute("create table t (id integer primary key autoincrement)")  # sqlite_sequence
    db.execute("insert into t default values")
    db.execute("drop table t")
    assert "sqlite_stat1" in db.table_names()
    assert check_schema(db) == []


def test_the_schema_check_names_a_changed_trigger_and_a_changed_constraint(live, tmp_path):
    _, db = live
    hostile = _hostile(tmp_path, db,
                       "drop trigger people_unscored",
                       "create trigger people_unscored after delete on people begin delete from scores; end",
                       "update sqlite_master set sql = replace(sql, 'check (month between 1 and 12)', "
                       "'check (month between 1 and 13)') where name = 'important_dates'",
                       writable_schema=True)
    problems = check_schema(Database(hostile))
    assert "the trigger people_unscored defined differently from Rapport's" in problems
    assert any("important_dates defined differently" in p for p in problems)


# --- The start-up check: open_db refuses a file that is not exactly Rapport's, and changes nothing ----------


@pytest.mark.parametrize("kind", ["added trigger", "dropped table", "altered column", "newer schema version"])
def test_opening_a_hostile_database_file_is_refused_and_leaves_it_byte_for_byte(tmp_path, kind):
    source = open_db(tmp_path / "source" / "rapport.db")
    add_person(source, name="Ines Okafor-Lindqvist")
    statements, options, message = HOSTILE[kind]
    hostile = _hostile(tmp_path, source, *statements, **options)
    before = digest(hostile)
    forget_migrated()

    with pytest.raises(DatabaseRefused, match="won't open") as refused:
        open_db(hostile)

    assert message in str(refused.value)
    assert digest(hostile) == before
    assert sorted(p.name for p in hostile.parent.iterdir() if p.name.startswith("hostile")) == ["hostile.db"]


def test_opening_a_file_that_is_not_a_database_or_is_a_folder_is_a_clear_refusal(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just some notes\n" * 50)
    before = digest(text)
    with pytest.raises(DatabaseRefused, match="can't be opened as a SQLite database"):
        open_db(text)
    assert digest(text) == before
    with pytest.raises(DatabaseRefused, match="not a file"):
        open_db(tmp_path)


def test_another_programs_database_is_not_turned_into_a_rapport_one(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("create table recipes (id integer primary key, name text)")
    conn.commit()
    conn.close()
    before = digest(other)

    with pytest.raises(DatabaseRefused, match="not a Rapport database"):
        open_db(other)

    assert digest(other) == before


# --- Backup targets: never over a device, a folder or a fifo; always atomic -----------------------------------


def test_a_backup_refuses_a_folder_a_device_and_a_fifo(live, tmp_path):
    _, db = live
    folder = tmp_path / "folder"
    folder.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValidationError, match="is a folder"):
        backup(db, folder)
    with pytest.raises(ValidationError, match="not a regular file"):
        backup(db, fifo)
    with pytest.raises(ValidationError, match="not a regular file"):
        backup(db, "/dev/full")
    assert stat.S_ISFIFO(fifo.stat().st_mode) and stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert list(folder.iterdir()) == [] and not [p for p in tmp_path.iterdir() if p.name.startswith(".rapport-")]


def test_write_file_replaces_a_file_atomically_and_refuses_what_is_not_one(tmp_path):
    out = tmp_path / "people.csv"
    out.write_text("old")
    assert write_file(out, b"new") == out and out.read_bytes() == b"new"
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(ValidationError, match="not a regular file"):
        write_file(tmp_path / "pipe", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv", "pipe"]


# --- Leftovers of a killed restore ---------------------------------------------------------------------------


def test_a_killed_restores_temporary_files_are_removed_on_the_next_open_and_nothing_else(live):
    path, db = live
    db.conn.close()
    folder = path.parent
    leftovers = [folder / ".rapport-restore-k1ll3d_x.db", folder / ".rapport-restore-k1ll3d_x.db-journal",
                 folder / ".rapport-upload-abcd1234.db", folder / ".rapport-backup-ZZ__9999.db-wal"]
    mine = [folder / "rapport-backup-2026-11-27-1200.db", folder / ".rapport-restore-notes.txt",
            folder / ".rapport-restore-toolong123.db", folder / "my.rapport-restore-abcd1234.db"]
    for p in leftovers + mine:
        p.write_bytes(b"x" * 1000)
    forget_migrated()

    open_db(path)

    assert [p for p in leftovers if p.exists()] == []
    assert all(p.exists() for p in mine)


def test_a_temporary_file_still_in_use_is_not_a_leftover(live):
    path, _ = live
    with temp_beside(path.parent, "restore") as busy:
        busy.write_bytes(b"being written")
        assert clean_leftovers(path) == []
        assert busy.exists()
    assert not busy.exists()


def test_a_first_start_killed_before_its_first_migration_still_opens(tmp_path):
    from core.db import migrations

    path = tmp_path / "r.db"
    migrations.ensure_migrations_table(Database(path))  # what apply() writes before m001 commits

    assert "people" in open_db(path).table_names()
