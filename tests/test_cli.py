"""The command line, run as a user would: `python -m core ...` in a subprocess on a temporary database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def run(db: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "RAPPORT_TODAY": "2026-11-27", **(env or {})}
    environment.pop("RAPPORT_DB", None)
    return subprocess.run([sys.executable, "-m", "core", "--db", str(db), *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def count(db: Path, table: str) -> int:
    return sqlite3.connect(db).execute(f"select count(*) from {table}").fetchone()[0]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "cli.db"
    assert run(path, "init").returncode == 0
    return path


@pytest.fixture
def loaded(db) -> Path:
    result = run(db, "import", "linkedin", str(FIXTURES / "Connections.csv"),
                 "--messages", str(FIXTURES / "messages.csv"))
    assert result.returncode == 0, result.stderr
    return db


@pytest.mark.parametrize("command", ["init", "demo", "import", "export", "backup", "restore", "due", "contacts",
                                     "log"])
def test_every_command_has_help(tmp_path, command):
    result = run(tmp_path / "x.db", command, "--help")
    assert result.returncode == 0 and "usage: rapport" in result.stdout


def test_import_adds_people_and_says_what_it_did(db):
    result = run(db, "import", "linkedin", str(FIXTURES / "Connections.csv"))
    assert result.returncode == 0, result.stderr
    assert "add 2 people" in result.stdout and "skip line 7" in result.stdout
    assert "Imported: 2 added, 0 updated, 1 skipped." in result.stdout
    assert count(db, "people") == 2


def test_import_takes_invitations_alongside_connections_and_on_their_own(db):
    result = run(db, "import", "linkedin", str(FIXTURES / "Connections.csv"),
                 "--invitations", str(FIXTURES / "Invitations.csv"))
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(db)
    assert con.execute("select p.name, i.channel, i.direction, i.day from interactions i "
                       "join people p on p.id = i.person_id").fetchall() == [
        ("Tomás Reyes", "linkedin", "me", "2026-02-03")]

    again = run(db, "import", "invitations", str(FIXTURES / "Invitations.csv"))
    assert again.returncode == 0, again.stderr
    assert con.execute("select count(*) from interactions").fetchone()[0] == 1  # nothing twice


def test_a_dry_run_writes_nothing(db):
    result = run(db, "import", "vcard", str(FIXTURES / "apple.vcf"), "--dry-run")
    assert result.returncode == 0 and "Dry run: nothing was written." in result.stdout
    assert count(db, "people") == 0


def test_a_csv_import_takes_a_column_mapping(db, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("Who,Org\nAna Novak,Globex\n", encoding="utf-8")
    result = run(db, "import", "csv", str(source), "--map", "Who=name", "--map", "Org=company")
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(db).execute("select p.name, c.name from people p join companies c "
                                       "on c.id = p.company_id").fetchall() == [("Ana Novak", "Globex")]


def test_a_bad_file_fails_with_one_line_on_stderr_and_changes_nothing(loaded, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("First Name,Last Name\nJosé,Ruiz\n".encode("latin-1"))
    before = count(loaded, "people")
    result = run(loaded, "import", "linkedin", str(bad))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "not UTF-8" in result.stderr
    assert count(loaded, "people") == before


@pytest.mark.parametrize("args,message", [
    (("import", "linkedin", "missing.csv"), "No such file: missing.csv"),
    (("import", "vcard", "x.vcf", "--map", "a=b"), "--map only applies to csv"),
    (("log", "Nobody", "--kind", "give", "--channel", "email"), "No one called 'Nobody'"),
    (("log", "1", "--kind", "gift", "--channel", "email"), "invalid choice: 'gift'"),
    (("due", "--on", "someday"), "is not a date like 2026-03-01"),
    (("frobnicate",), "invalid choice"),
    (("restore", "missing.db"), "No such file"),
])
def test_failures_exit_non_zero_with_a_one_line_message(db, args, message):
    result = run(db, *args)
    assert result.returncode != 0
    assert message in result.stderr and result.stderr.strip().count("\n") == 0


def test_contacts_lists_score_status_and_reason(loaded):
    result = run(loaded, "contacts", "--json")
    assert result.returncode == 0, result.stderr
    found = {p["name"]: p for p in json.loads(result.stdout)}
    assert set(found) == {"Ines Okafor-Lindqvist", "Tomás Reyes"}
    assert found["Ines Okafor-Lindqvist"]["score"] is not None and found["Ines Okafor-Lindqvist"]["reason"]
    assert found["Tomás Reyes"]["status"] == "not_in_touch"
    assert "Tomás Reyes" in run(loaded, "contacts").stdout


def test_log_records_an_interaction_by_unique_name(loaded):
    result = run(loaded, "log", "tomás", "--kind", "give", "--channel", "email", "--date", "2026-11-20")
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(loaded).execute(
        "select p.name, i.day, i.kind, i.channel from interactions i join people p on p.id = i.person_id "
        "where i.source = 'manual'").fetchall() == [("Tomás Reyes", "2026-11-20", "give", "email")]


def test_an_ambiguous_name_is_an_error_listing_the_matches(loaded):
    run(loaded, "import", "csv", str(FIXTURES / "two_anas.csv"))
    result = run(loaded, "log", "Ana", "--kind", "ask", "--channel", "phone")
    assert result.returncode == 1
    assert "matches 2 people" in result.stderr and "Ana Novak" in result.stderr and "Ana Silva" in result.stderr


def test_due_prints_what_is_due_as_json(tmp_path):
    path = tmp_path / "demo.db"
    assert run(path, "demo").returncode == 0
    result = run(path, "due", "--json")
    assert result.returncode == 0
    assert all({"id", "due", "title"} <= set(item) for item in json.loads(result.stdout))


@pytest.mark.parametrize("fmt,extra,start", [
    ("csv", (), b"\xef\xbb\xbfid,name"), ("csv", ("--what", "interactions"), b"\xef\xbb\xbfid,day"),
    ("vcard", (), b"BEGIN:VCARD\r\n"), ("ics", (), b"BEGIN:VCALENDAR\r\n"),
])
def test_export_writes_each_format(loaded, tmp_path, fmt, extra, start):
    out = tmp_path / f"out.{fmt}"
    result = run(loaded, "export", fmt, str(out), *extra)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(start)


def test_backup_then_restore_round_trips_and_a_bad_restore_changes_nothing(loaded, tmp_path):
    saved = tmp_path / "backup.db"
    assert run(loaded, "backup", str(saved)).returncode == 0
    run(loaded, "log", "1", "--kind", "neutral", "--channel", "phone")
    before = count(loaded, "interactions")
    bad = run(loaded, "restore", str(FIXTURES / "apple.vcf"))
    assert bad.returncode == 1 and "not a SQLite database" in bad.stderr
    assert count(loaded, "interactions") == before
    result = run(loaded, "restore", str(saved))
    assert result.returncode == 0, result.stderr
    assert "kept as" in result.stdout
    assert count(loaded, "interactions") == before - 1


def test_the_database_comes_from_rapport_db_when_no_db_is_given(tmp_path):
    path = tmp_path / "env.db"
    env = {**os.environ, "RAPPORT_DB": str(path)}
    result = subprocess.run([sys.executable, "-m", "core", "init"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0 and str(path) in result.stdout and path.exists()


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("target,message", [
    (lambda tmp: Path("/dev/full"), "not a regular file"),
    (lambda tmp: tmp, "is a folder"),
    (_fifo, "not a regular file"),
], ids=["dev-full", "folder", "fifo"])
def test_backup_refuses_a_device_a_folder_and_a_fifo_in_one_line(loaded, tmp_path, target, message):
    out = target(tmp_path)
    kind = os.stat(out).st_mode

    result = run(loaded, "backup", str(out))

    assert result.returncode != 0
    assert message in result.stderr and result.stderr.strip().count("\n") == 0
    assert os.stat(out).st_mode == kind  # /dev/full is still the device, the fifo still a fifo
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rapport-")]


def test_export_refuses_a_fifo_in_one_line(loaded, tmp_path):
    result = run(loaded, "export", "csv", str(_fifo(tmp_path)))
    assert result.returncode != 0 and "not a regular file" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_restore_refuses_a_backup_with_a_trigger_added_and_changes_nothing(loaded, tmp_path):
    saved = tmp_path / "backup.db"
    assert run(loaded, "backup", str(saved)).returncode == 0
    conn = sqlite3.connect(saved)
    conn.execute("create trigger evil_trigger after insert on interactions begin "
                 "delete from people where id != new.person_id; end")
    conn.commit()
    conn.close()
    before = "\n".join(sqlite3.connect(loaded).iterdump())

    result = run(loaded, "restore", str(saved))

    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0
    assert "a trigger that Rapport does not make: evil_trigger" in result.stderr
    assert "\n".join(sqlite3.connect(loaded).iterdump()) == before
    assert run(loaded, "log", "1", "--kind", "neutral", "--channel", "phone").returncode == 0
    assert count(loaded, "people") == 2


def test_a_database_that_is_not_exactly_rapports_is_refused_in_one_line(loaded):
    conn = sqlite3.connect(loaded)
    conn.execute("create view evil_view as select * from people")
    conn.commit()
    conn.close()

    result = run(loaded, "contacts")

    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0
    assert "won't open" in result.stderr and "a view that Rapport does not make: evil_view" in result.stderr


def _not_a_database(tmp_path: Path) -> str:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes, not SQLite\n" * 100)
    return str(path)


def _unwritable(tmp_path: Path) -> str:
    return "/proc/rapport-cannot-live-here/r.db"


# (what, --db or None for the test's database, arguments): every command given nonsense, each must end
# with one line on stderr and a non-zero exit, never a traceback.
NONSENSE = [
    ("db is a folder", lambda tmp: str(tmp), ("contacts",)),
    ("db is not a database", _not_a_database, ("due",)),
    ("db in an unwritable place", _unwritable, ("init",)),
    ("db is a device", lambda tmp: "/dev/null", ("contacts",)),
    ("due in year 1", None, ("due", "--on", "0001-01-01")),
    ("due in year 9999", None, ("due", "--on", "9999-12-31")),
    ("due on nonsense", None, ("due", "--on", "2026-02-30")),
    ("log in year 1", None, ("log", "1", "--kind", "give", "--channel", "email", "--date", "0001-01-01")),
    ("log in the future", None, ("log", "1", "--kind", "give", "--channel", "email", "--date", "2999-01-01")),
    ("log to a 20-digit id", None, ("log", "12345678901234567890", "--kind", "give", "--channel", "email")),
    ("demo of -5 people", None, ("demo", "--people", "-5")),
    ("demo of 0 people", None, ("demo", "--people", "0")),
    ("demo of many people", None, ("demo", "--people", "999999999999")),
    ("demo today in year 1", None, ("demo", "--today", "0001-01-01")),
    ("import /dev/zero", None, ("import", "linkedin", "/dev/zero")),
    ("import /dev/urandom", None, ("import", "csv", "/dev/urandom")),
    ("import /dev/zero as messages", None, ("import", "linkedin", str(FIXTURES / "Connections.csv"),
                                            "--messages", "/dev/zero")),
    ("import a folder", None, ("import", "vcard", "/tmp")),
    ("import a database as csv", None, ("import", "csv", "{db}")),
    ("import vcard of /dev/urandom", None, ("import", "vcard", "/dev/urandom")),
    ("import messages for a vcard", None, ("import", "vcard", str(FIXTURES / "apple.vcf"), "--messages", "x")),
    ("export to a folder", None, ("export", "csv", "/tmp")),
    ("restore a folder", None, ("restore", "/tmp")),
    ("restore /dev/zero", None, ("restore", "/dev/zero")),
    ("backup to /dev/full", None, ("backup", "/dev/full")),
    ("contacts in year 1", None, ("contacts",)),
]


@pytest.mark.parametrize("what,db_path,args", NONSENSE, ids=[n[0] for n in NONSENSE])
def test_every_command_given_nonsense_ends_in_one_line_and_a_non_zero_exit(loaded, tmp_path, what, db_path, args):
    target = Path(db_path(tmp_path)) if db_path else loaded
    args = tuple(a.replace("{db}", str(loaded)) for a in args)
    env = {"RAPPORT_TODAY": "0001-01-01"} if what == "contacts in year 1" else None

    result = run(target, *args, env=env)

    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("rapport") and result.stderr.strip().count("\n") == 0, result.stderr
