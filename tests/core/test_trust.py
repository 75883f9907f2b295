"""Trust (issue 8): a killed import changes nothing, importers never crash, exports cannot inject."""

import csv
import io
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import exporters, importers
from core.composer import mailto
from core.db import memory_db, open_db
from core.errors import UserError
from core.followups import add_reminder
from core.people import add_date, add_person

TODAY = date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
FILES = {
    "linkedin": ["Connections.csv", "Connections_2020.csv", "Connections_2022.csv", "Connections_bom_crlf.csv",
                 "Connections_excel.csv", "Connections_no_preamble.csv"],
    "messages": ["messages.csv"],
    "vcard": ["apple.vcf", "google.vcf", "contacts_v4.vcf"],
    "csv": ["Connections_no_preamble.csv"],
}
SEEDS = [(kind, (FIXTURES / name).read_bytes()) for kind, names in FILES.items() for name in names]


def big_connections(n: int) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
    for i in range(n):
        w.writerow([f"First{i}", f"Last{i}", f"https://www.linkedin.com/in/person-{i}", "", f"Company {i % 900}",
                    "Engineer, Platform", "08 Feb 2026"])
    return out.getvalue().encode()


def dump(path: Path) -> dict:
    import sqlite3

    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
    state = {t: conn.execute(f"select * from [{t}] order by 1").fetchall() for t in tables}
    state["integrity"] = conn.execute("pragma integrity_check").fetchone()[0]
    conn.close()
    return state


KILLED_IMPORT = """
import sys
from datetime import date
from core.db import open_db
from core.importers import import_stream

def progress(summary):
    print("written", summary["added"], flush=True)
    sys.stdin.readline()  # wait here, mid-import, until the test has killed us

db = open_db(sys.argv[1])
import_stream(db, "linkedin", sys.argv[2], date(2026, 11, 27), progress=progress)
print("done", flush=True)
"""


def test_an_import_killed_midway_leaves_the_database_as_it_was(tmp_path):
    """Killed at a point the import reports (its first chunk written, uncommitted), not after a delay:
    the result cannot depend on the machine's speed."""
    path = tmp_path / "r.db"
    db = open_db(path)
    add_person(db, name="Ana Before", company="Globex")
    db.conn.close()
    before = dump(path)
    source = tmp_path / "Connections.csv"
    source.write_bytes(big_connections(30_000))

    with subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, str(path), str(source)], cwd=ROOT,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout.readline().strip() == f"written {importers.STREAM_CHUNK}"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        finished = child.stdout.read()

    assert child.returncode == -signal.SIGKILL
    assert "done" not in finished
    assert dump(path) == before
    assert before["integrity"] == "ok"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_importers_never_raise_anything_but_a_clear_error_on_mutated_files(seed, data):
    kind, original = seed
    raw = bytearray(original)
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice"]))
        pos = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b'"', b",", b"\n", b"\r\n", b"\x00", b"\xff\xfe", b"=cmd|'/C calc'!A0", b"BEGIN:VCARD\n", b";"]))
        elif op == "delete" and raw:
            del raw[pos:pos + data.draw(st.integers(1, 40))]
        elif op == "truncate":
            del raw[pos:]
        elif op == "splice" and raw:
            raw[pos:pos] = raw[: data.draw(st.integers(0, 200))]
    db = memory_db()
    options = {"mapping": importers.suggest_mapping(["First Name", "Last Name", "Email Address", "Company",
                                                    "Position"])} if kind == "csv" else {}

    try:
        plan = importers.plan_import(db, kind, bytes(raw), TODAY, options)
    except UserError as e:
        assert str(e)
        assert db.table("people").count == 0
        return
    importers.apply_import(db, plan, TODAY)
    assert db.table("people").count == plan.summary()["added"]


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\",\"x\")", "+SUM(A1:A9)", "-2+3", "@cmd", "\t=1",
                                   "\r=1"])
def test_csv_exports_neutralise_formulas_wherever_they_hide(db, value):
    add_person(db, name=value, company=value.strip() or "x", notes=value)

    text = exporters.people_csv(db).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]

    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells if c)


def test_a_newline_in_a_note_cannot_add_a_vcard_property(db):
    add_person(db, name="Eve\nEMAIL:attacker@example.com", notes="hi\r\nTEL:+1 555 0000\nEND:VCARD\nBEGIN:VCARD")

    card = exporters.vcards(db).decode()
    lines = card.replace("\r\n ", "").split("\r\n")

    assert not any(line.startswith(("EMAIL:attacker", "TEL:")) for line in lines)
    assert [line for line in lines if line in ("BEGIN:VCARD", "END:VCARD")] == ["BEGIN:VCARD", "END:VCARD"]


def test_a_newline_in_a_reminder_cannot_add_an_ics_property(db):
    pid = add_person(db, name="Eve\nATTENDEE:mailto:attacker@example.com")
    add_reminder(db, pid, "2026-12-01", "Call\r\nRRULE:FREQ=SECONDLY\nEND:VEVENT")
    add_date(db, pid, label="birthday", month=12, day=3)

    ics = exporters.calendar_ics(db, TODAY).decode()
    lines = ics.replace("\r\n ", "").split("\r\n")

    assert not any(line.startswith(("ATTENDEE", "RRULE:FREQ=SECONDLY")) for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2


def test_a_mailto_link_cannot_gain_headers_or_recipients():
    url = mailto("ana@example.org?bcc=attacker@example.com", "Hi&bcc=attacker@example.com\r\nCc: x@y",
                 "Body&to=attacker@example.com")

    query = url.split("?", 1)[1]
    assert [part.split("=", 1)[0] for part in query.split("&")] == ["subject", "body"]
    assert url.count("?") == 1
    assert "%0D%0A" not in query.split("&")[0]
