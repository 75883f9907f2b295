"""Two writers at once, threads and processes, on one database file: every write is kept."""

import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

from core.db import open_db
from core.interactions import log_interaction
from core.people import add_person

TODAY = date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[2]
WRITER = """
import sys
from datetime import date
from core.db import open_db
from core.interactions import log_interaction
from core.people import add_person
db = open_db(sys.argv[1])
tag, n = sys.argv[2], int(sys.argv[3])
for i in range(n):
    pid = add_person(db, name=f"{tag}-{i}", company="Shared Co")
    log_interaction(db, pid, day=date(2026, 11, 27), channel="video", today=date(2026, 11, 27))
"""


def write_many(path, tag, n, errors):
    try:
        db = open_db(path)  # each writer its own connection, as each browser session has
        for i in range(n):
            pid = add_person(db, name=f"{tag}-{i}", company="Shared Co")
            log_interaction(db, pid, day=TODAY, channel="video", today=TODAY)
    except Exception as e:  # noqa: BLE001 - a thread cannot raise into the test; asserted below
        errors.append(repr(e))


def test_threads_and_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"
    open_db(path)
    n = 250  # per writer; each write is a person, a touch, a thank-you and a check-in: 4,000 rows in all
    errors: list[str] = []
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"proc{k}", str(n)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for k in range(2)]
    threads = [threading.Thread(target=write_many, args=(path, f"thread{k}", n, errors)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outs = [p.communicate(timeout=300) for p in procs]

    assert errors == []
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    db = open_db(path)
    names = {r[0] for r in db.execute("select name from people")}
    assert names == {f"{tag}-{i}" for tag in ("proc0", "proc1", "thread0", "thread1") for i in range(n)}
    assert db.table("companies").count == 1
    assert db.table("interactions").count == 4 * n
    assert db.execute("select count(*) from followups where reason = 'thank_you'").fetchone()[0] == 4 * n
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
