"""Storage: opening, migrations, pragmas, transactions, and core's independence from streamlit."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core import db as coredb
from core.db import SCORE_COLUMNS, chunks, forget_migrated, is_rapport_db, open_db, transaction

FIXTURES = Path(__file__).parent / "fixtures"


def _schema(db):
    return sorted(db.execute("select type, name, sql from sqlite_master where name not like 'sqlite_%'").fetchall())


def test_open_creates_the_file_and_its_folder(tmp_path):
    path = tmp_path / "nested" / "rapport.db"

    db = open_db(path)

    assert path.exists()
    assert "people" in db.table_names()
    assert is_rapport_db(db)


def test_opening_twice_changes_nothing(tmp_path):
    path = tmp_path / "r.db"
    first = _schema(open_db(path))
    applied = open_db(path).execute("select name from _sqlite_migrations").fetchall()
    forget_migrated()

    second_db = open_db(path)

    assert _schema(second_db) == first
    assert second_db.execute("select name from _sqlite_migrations").fetchall() == applied


def test_connection_has_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    db = open_db(tmp_path / "r.db")

    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute("pragma busy_timeout").fetchone()[0] >= 5000


def test_default_path_comes_from_rapport_db_then_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("RAPPORT_DB", str(tmp_path / "env.db"))
    assert coredb.resolve_path() == tmp_path / "env.db"
    assert coredb.resolve_path(tmp_path / "x.db") == tmp_path / "x.db"
    monkeypatch.delenv("RAPPORT_DB")
    assert coredb.resolve_path() == Path("data") / "rapport.db"


def test_a_first_migration_database_with_data_upgrades_with_every_row_intact(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "rapport_v1.sql").read_text())
    # A file that has been scored: m006 moves the scores to their own table.
    conn.execute("update people set score = 63, score_status = 'overdue', score_confidence = 'high', "
                 "score_reason = 'Score 63: last touch 40 days ago.', last_touch_on = '2026-10-18', "
                 "scored_on = '2026-11-27' where id = 1")
    conn.commit()
    conn.close()
    old = sqlite3.connect(path)
    before = {}  # each table's columns as they were (columns added later are checked on their own)
    for table in ("people", "companies", "interactions", "important_dates", "followups", "goals", "settings"):
        kept = ", ".join(c for c in (r[1] for r in old.execute(f"pragma table_info({table})"))
                         if table != "people" or c not in SCORE_COLUMNS)
        before[table] = (kept, old.execute(f"select {kept} from {table} order by 1").fetchall())
    scores = old.execute(f"select id, {', '.join(SCORE_COLUMNS)} from people order by 1").fetchall()
    old.close()
    forget_migrated()

    db = open_db(path)

    assert "templates" in db.table_names()
    assert [r[0] for r in db.execute("select name from _sqlite_migrations order by id")] == [
        m.name for m in coredb.migrations._migrations]
    for table, (columns, rows) in before.items():
        assert db.execute(f"select {columns} from {table} order by 1").fetchall() == rows, table
    assert db.execute("select count(*) from interactions where evidence is null").fetchone()[0] == 0
    assert db.execute(f"select person_id, {', '.join(SCORE_COLUMNS)} from scores order by 1").fetchall() == scores
    assert scores[0][1:3] == ("2026-10-18", 63)
    assert not set(SCORE_COLUMNS) & set(db.table("people").columns_dict)


def test_a_failed_transaction_writes_nothing(db):
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("insert into settings (key, value) values ('a', '1')")
        raise RuntimeError("boom")

    assert db.table("settings").count == 0


def test_nested_transactions_roll_back_only_the_inner_block(db):
    with transaction(db):
        db.execute("insert into settings (key, value) values ('outer', '1')")
        with pytest.raises(RuntimeError), transaction(db):
            db.execute("insert into settings (key, value) values ('inner', '1')")
            raise RuntimeError("boom")

    assert [r[0] for r in db.execute("select key from settings")] == ["outer"]


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into interactions (person_id, day, channel, direction, kind, created_at) "
                    "values (999, '2026-01-01', 'email', 'me', 'give', 'x')")


def test_a_file_without_rapport_migrations_is_not_a_rapport_database(tmp_path):
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("create table notes (id integer primary key)")
    other.close()
    from sqlite_utils import Database

    assert not is_rapport_db(Database(tmp_path / "other.db"))


def test_importing_core_does_not_import_streamlit():
    code = ("import sys, core, core.db, core.scoring, core.people, core.interactions, core.followups, "
            "core.goals, core.events, core.settings, core.demo, core.cli, core.relationships; "
            "import pkgutil, importlib; [importlib.import_module('core.' + m.name) for m in "
            "pkgutil.iter_modules(core.__path__) if m.name != '__main__']; "
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[2])

    assert out.stdout.strip() == "False"


def test_a_migration_keeps_a_copy_of_the_old_file_first(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "rapport_v1.sql").read_text())
    conn.close()
    forget_migrated()

    open_db(path)

    (copy,) = coredb.kept_copies(path)
    assert copy.name.startswith("old.before-m002_message_templates.")
    old = sqlite3.connect(copy)
    assert old.execute("select name from people order by id").fetchall() == [("Ines Okafor-Lindqvist",),
                                                                             ("Tomás Reyes",)]
    assert "templates" not in {r[0] for r in old.execute("select name from sqlite_master")}


def test_a_new_database_needs_no_copy(tmp_path):
    open_db(tmp_path / "new.db")

    assert coredb.kept_copies(tmp_path / "new.db") == []


def test_only_the_newest_copies_are_kept(tmp_path):
    path = tmp_path / "r.db"
    db = open_db(path)

    made = [coredb.keep_copy(db, path, "before-merge") for _ in range(coredb.KEEP_COPIES + 2)]

    assert sorted(coredb.kept_copies(path)) == sorted(made[-coredb.KEEP_COPIES:])
    assert coredb.db_file(db) == path.resolve()


def test_every_write_changes_the_data_version(db):
    from core.people import add_person, update_person

    seen = [coredb.data_version(db)]
    pid = add_person(db, name="Ana", tags="a")
    seen.append(coredb.data_version(db))
    update_person(db, pid, tags="b")  # same length, same sums: a summary would miss it
    seen.append(coredb.data_version(db))
    db.execute("delete from people where id = ?", [pid])
    seen.append(coredb.data_version(db))

    assert len(set(seen)) == 4
    assert coredb.data_version(db) == seen[-1]  # reading changes nothing


def test_a_restored_database_never_reuses_an_old_data_version(tmp_path):
    from core.backup import backup, restore
    from core.people import add_person

    path = tmp_path / "r.db"
    db = open_db(path)
    backup(db, tmp_path / "b.db")
    before = coredb.data_version(db)
    db.conn.close()

    restore(path, tmp_path / "b.db")

    assert coredb.data_version(open_db(path)) != before
    add_person(open_db(path), name="Ana")


def test_every_person_has_exactly_one_scores_row_however_they_come_and_go(db):
    db.execute("insert into people (name, created_at, updated_at) values ('Shell', 'x', 'x')")  # like sqlite3's shell
    ana = db.table("people").insert({"name": "Ana", "created_at": "x", "updated_at": "x"}).last_pk
    assert db.execute("select person_id, score, score_status from scores order by 1").fetchall() == [
        (1, None, "not_in_touch"), (ana, None, "not_in_touch")]

    db.execute("pragma foreign_keys = off")  # the trigger holds even where foreign keys are not enforced
    db.execute("delete from people where id = 1")

    assert db.execute("select person_id from scores").fetchall() == [(ana,)]


def test_chunks_slices_values_for_in_lists_of_at_most_500_by_default():
    assert [len(c) for c in chunks(list(range(1201)))] == [500, 500, 201]
    assert list(chunks([1, 2, 3], size=2)) == [[1, 2], [3]]
    assert list(chunks([])) == []


def test_a_restore_a_merge_and_an_upgrade_keep_their_copies_by_one_scheme_listed_newest_first(tmp_path):
    path = tmp_path / "r.db"
    db = open_db(path)
    legacy = tmp_path / "r.db.replaced-20240101-120000-000001.db"  # what restores kept before keep_copy
    coredb.copy_to(db, legacy)

    merge = coredb.keep_copy(db, path, "before-merge")
    restore = coredb.keep_copy(db, path, "before-restore")

    assert coredb.kept_copies(path) == [restore, merge, legacy]
    assert coredb.kept_copies(path, "before-merge") == [merge]
    assert sqlite3.connect(restore).execute("pragma journal_mode").fetchone()[0] == "delete"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rapport-")]  # no temporary file left


@pytest.mark.parametrize("table", ["create table _sqlite_migrations (migration_set text, name text)",  # empty
                                   "create table _sqlite_migrations (name text)"])  # not the library's table
def test_a_migrations_table_without_rapports_record_is_not_a_rapport_database(tmp_path, table):
    from sqlite_utils import Database

    other = sqlite3.connect(tmp_path / "other.db")
    other.execute(table)
    other.close()

    assert not is_rapport_db(Database(tmp_path / "other.db"))
    assert not is_rapport_db(Database(sqlite3.connect(":memory:")))  # an empty file: nothing at all


def test_problems_are_listed_five_at_most_then_how_many_more():
    from core.schema import problem_list

    assert problem_list(["a", "b"]) == "a; b"
    assert problem_list(list("abcdefg")) == "a; b; c; d; e; and 2 more"
