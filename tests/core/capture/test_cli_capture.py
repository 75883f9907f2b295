"""`rapport import mail|calendar FILE` (and a Google contacts CSV with no --map), run as a user would."""

from __future__ import annotations

import os
import sqlite3

import pytest

from core.capture.calendar import MAX_ICS_BYTES
from tests.core.capture.support import FIXTURES, ME
from tests.test_cli import run


@pytest.fixture
def listed(tmp_path):
    path = tmp_path / "cli.db"
    assert run(path, "init").returncode == 0
    con = sqlite3.connect(path)
    with con:
        for name, email in [("Ana Lopez", "ana@lopez.example"), ("Bob Smith", "bob@smith.example"),
                            ("Chloé Dupont", "chloe@dupont.example"), ("Dan Okafor", "dan@okafor.example")]:
            con.execute("insert into people (name, email, created_at, updated_at) values (?, ?, '', '')",
                        [name, email])
    return path


def mail_touches(path) -> int:
    return sqlite3.connect(path).execute("select count(*) from interactions where source = 'mail'").fetchone()[0]


def test_import_mail_dry_run_writes_nothing_then_imports_once(listed):
    dry = run(listed, "import", "mail", str(FIXTURES / "takeout.mbox"), "--me", ME, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "log 5 emails with 4 people" in dry.stdout
    assert "Zoë Martin <zoe@martin.example>" in dry.stdout
    assert "Dry run: nothing was written." in dry.stdout
    assert mail_touches(listed) == 0
    done = run(listed, "import", "mail", str(FIXTURES / "takeout.mbox"), "--me", ME)
    assert done.returncode == 0, done.stderr
    assert "Logged 5 emails with 4 people." in done.stdout
    again = run(listed, "import", "mail", str(FIXTURES / "takeout.mbox"))  # the saved addresses this time
    assert "5 were imported before" in again.stdout
    assert mail_touches(listed) == 5


def test_import_calendar(listed):
    done = run(listed, "import", "calendar", str(FIXTURES / "google.ics"), "--subjects")
    assert done.returncode == 0, done.stderr
    assert "Logged 8 meetings" in done.stdout
    notes = {r[0] for r in sqlite3.connect(listed).execute("select notes from interactions")}
    assert "Mentoring with Ana" in notes


def test_a_bad_mail_file_is_one_line_and_changes_nothing(listed, tmp_path):
    bad = tmp_path / "x.mbox"
    bad.write_text("hello\n")
    result = run(listed, "import", "mail", str(bad))
    assert result.returncode == 1
    assert result.stderr.startswith("rapport: x.mbox doesn't look like mail")
    assert run(listed, "import", "calendar", str(tmp_path / "none.ics")).stderr.startswith("rapport: No such file")


def test_a_google_contacts_csv_imports_with_no_map(tmp_path):
    path = tmp_path / "c.db"
    result = run(path, "import", "csv", str(FIXTURES / "google_contacts.csv"))
    assert result.returncode == 0, result.stderr
    rows = sqlite3.connect(path).execute("select name, title, email from people order by id").fetchall()
    assert rows == [("Ana Lopez", "Head of Product", "ana@lopez.example"),
                    ("Zoë Martin", "Designer", "zoe@martin.example")]


def test_a_calendar_import_refuses_a_fifo_and_an_oversize_file_without_reading_them(listed, tmp_path):
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)  # reading it would block forever: nobody writes to it
    refused = run(listed, "import", "calendar", str(fifo))
    assert refused.returncode == 1
    assert "is not a regular file" in refused.stderr
    huge = tmp_path / "huge.ics"
    with open(huge, "wb") as f:
        f.truncate(2**40)  # 1 TB, sparse: no disk, no time to make; read whole, it would not fit in memory
    refused = run(listed, "import", "calendar", str(huge))
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"rapport: huge.ics is over {MAX_ICS_BYTES // 2**20} MB: export a shorter " \
                                     "range of dates."
