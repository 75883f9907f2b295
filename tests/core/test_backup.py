"""Backup and restore: consistent copies, checked restores, and bad files that change nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from core.backup import (
    KEEP_REPLACED,
    backup,
    backup_bytes,
    replaced_copies,
    restore,
    restore_bytes,
    schema_summary,
)
from core.db import open_db, rows
from core.errors import ValidationError
from core.people import add_person

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
    assert kept.parent == path.parent and kept.name.startswith("rapport.db.replaced-")
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
    for _ in range(KEEP_REPLACED + 2):
        restore(path, saved)
    assert len(replaced_copies(path)) == KEEP_REPLACED


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
