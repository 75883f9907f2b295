"""Rapport at LinkedIn's cap: pages, import, scoring and queries at 1,000 to 30,000 people.

Run from the repository root:

    .venv/bin/python -m benchmarks.run [--sizes 1000,10000,30000] [--out benchmarks/results.md]

It builds one database per size with the demo generator (about 10 interactions per person over two
years, with follow-ups, dates and goals) in a temporary folder, then times, with today pinned:

- every page's server-side script run through AppTest (the frame plus the page), its first run in a
  fresh session and its rerun, against the same page on an empty database;
- scoring everyone (the daily refresh) and listing people with their scores, against a bare SQL
  aggregate over the interactions (count and latest day per person: the floor for reading them);
- the due list for today and a filtered Targets query;
- importing a 30,000-row LinkedIn Connections.csv, against a bare sqlite-utils insert of its rows;
- each database's file size and the peak memory of this process (the databases are built in a
  child process, so the peak is what pages, scoring and the import used).

It prints the table and writes it as Markdown (benchmarks/results.md by default). This is a
measurement, not a test: it asserts nothing, but marks each number against its target.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import io
import json
import logging
import os
import platform
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
TODAY = date(2026, 11, 27)
TARGETS = {"first": 1.0, "rerun": 0.3, "growth": 3.0, "import": 3.0, "score": 1.0, "list": 3.0, "memory_mb": 500}


# --- Timing helpers -------------------------------------------------------------------------------


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """The median wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def ratio(a: float | None, b: float | None) -> str:
    return "—" if not a or not b else f"{a / b:.1f}×"


def mark(ok: bool | None) -> str:
    return "" if ok is None else " ✓" if ok else " ✗"


# --- The machine ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "CPU model": cpu,
        "Load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "streamlit / sqlite-utils / numpy": " / ".join(version(p) for p in ("streamlit", "sqlite-utils", "numpy")),
        "OS": platform.platform(),
    }


# --- Building the databases (in a child process) --------------------------------------------------


OPPORTUNITIES_AT_30K = 2_000


def build(path: Path, people: int) -> dict:
    """Build one database; runs in a child process (python -m benchmarks.run --build PATH N)."""
    from core.db import open_db
    from core.demo import generate_demo

    db = open_db(path)
    start = time.perf_counter()
    if people:
        # 2,000 opportunities at 30,000 people (issue 18), in proportion at the other sizes.
        generate_demo(db, TODAY, people=people, touches_per_person=10, span_days=720,
                      opportunities=max(6, people * OPPORTUNITIES_AT_30K // 30_000))
    seconds = time.perf_counter() - start
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"seconds": seconds, "people": db.table("people").count, "interactions": db.table("interactions").count,
            "followups": db.table("followups").count, "opportunities": db.table("opportunities").count,
            "peak_mb": peak_mb()}


def build_in_child(path: Path, people: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--build", str(path), str(people)],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    info["file_mb"] = path.stat().st_size / 2**20
    return info


# --- Pages ----------------------------------------------------------------------------------------


def discover_pages() -> tuple[list[str], list[str]]:
    """Pages listed in app.py that exist (in app.py's order), and pages/*.py files app.py doesn't list."""
    listed = list(dict.fromkeys(re.findall(r"[\"'](pages/[A-Za-z0-9_]+\.py)[\"']", APP.read_text())))
    present = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_")}
    return [p for p in listed if p in present], sorted(present - set(listed))


def page_variants(db_path: Path) -> list[tuple[str, str, dict]]:
    """(label, page, query params) for every page; person, events and companies with an id as well."""
    con = sqlite3.connect(db_path)
    try:
        busiest = con.execute("select person_id from interactions group by person_id order by count(*) desc "
                              "limit 1").fetchone()
        company = con.execute("select company_id from people where company_id is not null group by company_id "
                              "order by count(*) desc limit 1").fetchone()
        event = con.execute("select id from events order by id limit 1").fetchone()
    finally:
        con.close()
    pages, _ = discover_pages()
    variants = []
    for page in pages:
        name = Path(page).stem
        if name == "person":
            variants.append(("person (busiest person)", page, {"id": busiest[0] if busiest else 1}))
        elif name in ("events", "companies"):
            variants.append((f"{name} (list)", page, {}))
            one = event if name == "events" else company
            variants.append((f"{name} (one, id={one[0] if one else 1})", page, {"id": one[0] if one else 1}))
        elif name == "opportunities":
            variants.append(("opportunities (pipeline)", page, {}))
            variants.append(("opportunities (list view)", page, {"widget:opps_view": "List"}))
            variants.append(("opportunities (one, id=1)", page, {"id": 1}))
        elif name == "board":
            variants.append(("board", page, {}))
            # The calendar is the board's second view (a radio): it draws up to 1,000 follow-ups.
            variants.append(("board (calendar view)", page, {"widget:board_view": "Calendar"}))
        else:
            variants.append((name, page, {}))
    return variants


def time_page(page: str, query: dict, reruns: int = 3) -> dict:
    """First run of a page in a fresh AppTest session, and the median of its reruns.

    A query key "widget:KEY" sets that radio on the page instead: the first run is then the switch
    to that view (the page itself having run once before it).
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()  # the frame and the default page: the session exists, as when someone opens the app
    widgets = {k.removeprefix("widget:"): v for k, v in query.items() if k.startswith("widget:")}
    for key, value in query.items():
        if not key.startswith("widget:"):
            at.query_params[key] = str(value)
    if widgets:
        at.switch_page(page).run()
        for key, value in widgets.items():
            at.radio(key=key).set_value(value)
        start = time.perf_counter()
        at.run()
    else:
        start = time.perf_counter()
        at.switch_page(page).run()
    first = time.perf_counter() - start
    errors = [str(e.value).splitlines()[0][:80] for e in at.exception]
    times = []
    for _ in range(reruns):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    errors += [str(e.value).splitlines()[0][:80] for e in at.exception if str(e.value) not in errors]
    return {"first": first, "rerun": statistics.median(times), "error": errors[0] if errors else None}


def pages_on(db_path: Path, variants: list[tuple[str, str, dict]]) -> dict[str, dict]:
    os.environ["RAPPORT_DB"] = str(db_path)
    return {label: time_page(page, query) for label, page, query in variants}


# --- Core: scoring, listing, due list -------------------------------------------------------------


BARE_AGGREGATE = "select person_id, count(*), max(day) from interactions group by person_id"


def core_on(db_path: Path) -> dict[str, float]:
    from core import people, relationships
    from core.db import open_db
    from core.followups import board_columns

    db = open_db(db_path)
    out = {"aggregate": timed(lambda: db.execute(BARE_AGGREGATE).fetchall())}
    out["list_score"] = timed(lambda: people.list_people(db, sort="score", limit=50, today=TODAY))
    out["list_industry"] = timed(lambda: people.list_people(db, industry="fintech", sort="score", limit=50,
                                                            today=TODAY))
    out["list_due"] = timed(lambda: people.list_people(db, sort="due", limit=50, today=TODAY))
    out["targets_filtered"] = timed(lambda: people.list_people(
        db, industry="fintech", stage="conversed", due="overdue", sort="due", limit=50, today=TODAY))
    out["due_board"] = timed(lambda: board_columns(db, TODAY, limit=200))
    # The daily refresh: a new day, so every stored reason ("last touch N days ago") is rewritten.
    days = iter(range(1, 100))
    out["refresh"] = timed(lambda: relationships.refresh_people(db, TODAY + timedelta(days=next(days))), repeat=3)
    out["refresh_same_day"] = timed(lambda: relationships.refresh_people(db, TODAY + timedelta(days=3)), repeat=3)
    relationships.refresh_people(db, TODAY)  # leave the scores as of today
    db.conn.close()
    out["refresh_per_person"] = per_person_in_child(db_path)
    return out


def per_person(path: Path) -> dict:
    """Before: score everyone one by one with score(), as refresh_people did; in a child process,
    so its 300,000 Touch objects don't count in this process's peak memory."""
    from core import relationships
    from core.db import open_db

    db = open_db(path)
    relationships.BULK_FROM = 10**12
    seconds = timed(lambda: relationships.refresh_people(db, TODAY + timedelta(days=50)), repeat=1)
    relationships.BULK_FROM = 40
    relationships.refresh_people(db, TODAY)
    return {"seconds": seconds, "peak_mb": peak_mb()}


def per_person_in_child(path: Path) -> float:
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--per-person", str(path)],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


# --- Import ---------------------------------------------------------------------------------------


def connections_csv(rows: int, seed: int = 11) -> bytes:
    """A LinkedIn Connections.csv export: the notes preamble, the header, and `rows` connections."""
    from core.demo import FIRST, LAST, ROLES

    rng = random.Random(seed)
    out = io.StringIO()
    out.write('Notes:\n"When exporting your connection data, you may notice that some of the email addresses '
              'are missing."\n\n')
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    for i in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        slug = f"{first}-{last}-{i}".lower().replace(" ", "-").replace("'", "")
        writer.writerow([first, last, f"https://www.linkedin.com/in/{slug}", f"{slug}@example.org"
                         if rng.random() < 0.3 else "", f"Company {rng.randrange(1200):04d}", rng.choice(ROLES)[0],
                         f"{rng.randint(1, 28):02d} {rng.choice(months)} {rng.randint(2012, 2026)}"])
    return out.getvalue().encode()


def bare_insert(data: bytes, path: Path) -> float:
    """The floor: parse the CSV and insert its rows into one table with sqlite-utils, nothing else."""
    from sqlite_utils import Database

    start = time.perf_counter()
    lines = data.decode().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("First Name,"))
    records = list(csv.DictReader(lines[at:]))
    db = Database(path)
    db.table("connections").insert_all(records)
    db.conn.close()
    return time.perf_counter() - start


def time_import(folder: Path, rows: int) -> dict:
    data = connections_csv(rows)
    out = {"rows": rows, "csv_mb": len(data) / 2**20}
    out["bare"] = statistics.median(bare_insert(data, folder / f"bare{i}.db") for i in range(3))
    if importlib.util.find_spec("core.importers") is None:
        return out
    from core import importers

    if not all(hasattr(importers, name) for name in ("plan_import", "apply_import")):
        return out
    from core.db import open_db

    plans, applies = [], []
    for i in range(3):
        db = open_db(folder / f"import{i}.db")
        start = time.perf_counter()
        plan = importers.plan_import(db, "linkedin", data, TODAY)
        plans.append(time.perf_counter() - start)
        start = time.perf_counter()
        report = importers.apply_import(db, plan, TODAY)
        applies.append(time.perf_counter() - start)
        out["added"] = report.get("added")
        db.conn.close()
    out["plan"], out["apply"] = statistics.median(plans), statistics.median(applies)
    out["total"] = out["plan"] + out["apply"]
    return out


# --- The report -----------------------------------------------------------------------------------


# --- Replication (core.replication) against a local S3 server -------------------------------------


def time_replication(path: Path) -> dict:
    """Snapshot + seal + upload of one database to moto's S3 server on 127.0.0.1, and the restore on start.

    The server runs in this process, so its share of the CPU is in the upload time too.
    """
    from moto.server import ThreadedMotoServer

    from core.replication import Replicator, config_from, take_snapshot

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        cfg = config_from({"endpoint": f"http://{host}:{port}", "bucket": "rapport-bench", "prefix": path.stem,
                           "access_key": "bench", "secret_key": "bench", "passphrase": "benchmark passphrase"})
        rep = Replicator(cfg, path)
        with contextlib.suppress(rep.client.exceptions.BucketAlreadyOwnedByYou):  # moto keeps state per process
            rep.client.create_bucket(Bucket=cfg.bucket)
        rep.start()
        start = time.perf_counter()
        rep.sealer.seal(b"", 0)
        kdf = time.perf_counter() - start  # scrypt 2^17: once per process
        start = time.perf_counter()
        snap = take_snapshot(path)
        snapshot = time.perf_counter() - start
        start = time.perf_counter()
        sealed = len(rep.sealer.seal(snap.data, 1))
        seal = time.perf_counter() - start
        start = time.perf_counter()
        result = rep.save()  # snapshot, list, seal, conditional put, prune
        save = time.perf_counter() - start
        with tempfile.TemporaryDirectory(prefix="rapport-bench-restore-") as tmp:
            other = Replicator(cfg, Path(tmp) / "restored.db")
            start = time.perf_counter()
            report = other.start()  # list, key check, download, unseal, check, migrate, put in place
            restore = time.perf_counter() - start
        assert result.saved and report.action == "restored", (result, report)
        return {"db_mb": len(snap.data) / 2**20, "sealed_mb": sealed / 2**20, "kdf": kdf, "snapshot": snapshot,
                "seal": seal, "save": save, "restore": restore}
    finally:
        server.stop()


def replication_table(repl: dict) -> str:
    return table(["people", "database", "sealed (zlib-6 + AES-GCM)", "snapshot (backup API)", "seal",
                  "save: snapshot + seal + upload", "restore on start (new process, with its scrypt)", "scrypt key, once"],
                 [[f"{n:,}", f"{r['db_mb']:.1f} MB", f"{r['sealed_mb']:.2f} MB ({r['db_mb'] / r['sealed_mb']:.1f}×)",
                   ms(r["snapshot"]), ms(r["seal"]), ms(r["save"]), ms(r["restore"]), ms(r["kdf"])]
                  for n, r in repl.items()])


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def report(info: dict, builds: dict, sizes: list[int], page_times: dict, core_times: dict, imp: dict | None,
           unlisted: list[str], peaks: dict, repl: dict | None = None) -> str:
    out = ["# Rapport benchmark", "",
           (f"Run on {time.strftime('%Y-%m-%d %H:%M')} with `.venv/bin/python -m benchmarks.run "
           f"--sizes {','.join(map(str, sizes))}`; today pinned to {TODAY}. Times are wall-clock medians."), "",
           "## Machine", "", table(["", ""], [[k, v] for k, v in info.items()]), "",
           "## Databases (demo generator: ~10 interactions per person over two years)", "",
           table(["people asked for", "people", "interactions", "follow-ups", "build", "file size"],
                 [[f"{n:,}", f"{b['people']:,}", f"{b['interactions']:,}", f"{b['followups']:,}", ms(b["seconds"]),
                   f"{b['file_mb']:.1f} MB"] for n, b in builds.items()]), ""]

    largest, smallest = max(sizes), min(sizes)
    headers = ["page", "empty: first / rerun"] + [f"{n:,}: first / rerun (rerun vs empty)" for n in sizes]
    headers.append(f"rerun growth {smallest:,}→{largest:,}")
    rows = []
    for label in page_times[0]:
        empty = page_times[0][label]
        row = [label, f"{ms(empty['first'])} / {ms(empty['rerun'])}"]
        for n in sizes:
            t = page_times[n][label]
            if t["error"]:
                row.append(f"error: {t['error']}")
                continue
            row.append(f"{ms(t['first'])}{mark(t['first'] <= TARGETS['first'])} / "
                       f"{ms(t['rerun'])}{mark(t['rerun'] <= TARGETS['rerun'])} ({ratio(t['rerun'], empty['rerun'])})")
        small, large = page_times[smallest][label], page_times[largest][label]
        growth = large["rerun"] / small["rerun"] if small["rerun"] else None
        row.append("—" if growth is None or len(sizes) < 2 else f"{growth:.1f}×{mark(growth <= TARGETS['growth'])}")
        rows.append(row)
    out += ["## Pages (AppTest: the frame plus the page, server side)", "",
            (f"Targets: first run ≤ {TARGETS['first']:.0f} s, rerun ≤ {TARGETS['rerun'] * 1000:.0f} ms, rerun growth "
            f"from {smallest:,} to {largest:,} people ≤ {TARGETS['growth']:.0f}×. The first run is the switch to the "
            "page in a fresh session (after the frame's own first run)."), "", table(headers, rows), ""]
    errors = sorted({f"{label}: {t['error']}" for n in [0, *sizes] for label, t in page_times[n].items()
                     if t["error"]})
    if errors:
        out += ["Pages that raised:", "", *[f"- {e}" for e in errors], ""]
    if unlisted:
        out += [f"Page files not in app.py's PAGES (not timed): {', '.join(unlisted)}", ""]

    rows = []
    for n in sizes:
        c = core_times[n]
        agg = c["aggregate"]
        rows += [
            [f"{n:,}", "bare aggregate (count, max(day) per person)", ms(agg), "1.0×", "the floor"],
            [f"{n:,}", "score everyone: refresh_people, next day (daily refresh)", ms(c["refresh"]),
             ratio(c["refresh"], agg), f"≤ {TARGETS['score']:.0f} s{mark(c['refresh'] <= TARGETS['score'])}"],
            [f"{n:,}", "score everyone: refresh_people, same day again", ms(c["refresh_same_day"]),
             ratio(c["refresh_same_day"], agg), ""],
            [f"{n:,}", "score everyone, per person with score() (before)", ms(c["refresh_per_person"]),
             ratio(c["refresh_per_person"], agg), ""],
            [f"{n:,}", "list people with scores (list_people, by score, 50 rows)", ms(c["list_score"]),
             ratio(c["list_score"], agg),
             f"≤ {TARGETS['list']:.0f}× aggregate{mark(c['list_score'] <= TARGETS['list'] * agg)}"],
            [f"{n:,}", "list people, industry = fintech", ms(c["list_industry"]), ratio(c["list_industry"], agg), ""],
            [f"{n:,}", "list people, sorted by next due", ms(c["list_due"]), ratio(c["list_due"], agg), ""],
            [f"{n:,}", "Targets filtered: fintech, conversed, overdue, by due", ms(c["targets_filtered"]),
             ratio(c["targets_filtered"], agg), ""],
            [f"{n:,}", "the follow-up board (followups.board_columns)", ms(c["due_board"]), ratio(c["due_board"], agg), ""],
        ]
    out += ["## Scoring and queries", "", table(["people", "what", "time", "vs aggregate", "target"], rows), ""]

    out += ["## Import", ""]
    if imp is None:
        out += ["Not run.", ""]
    elif "total" not in imp:
        out += [table(["what", "time"], [[f"bare sqlite-utils insert_all of {imp['rows']:,} rows", ms(imp["bare"])],
                                         ["core.importers (plan_import + apply_import, linkedin)",
                                          "not available"]]), ""]
    else:
        out += [table(["what", "time", "vs bare insert", "target"], [
            [f"bare: parse the CSV and sqlite-utils insert_all of {imp['rows']:,} rows into one table",
             ms(imp["bare"]), "1.0×", "the floor"],
            ["plan_import(kind='linkedin')", ms(imp["plan"]), ratio(imp["plan"], imp["bare"]), ""],
            ["apply_import", ms(imp["apply"]), ratio(imp["apply"], imp["bare"]), ""],
            [f"import, plan + apply ({imp.get('added', 0):,} people added, {imp['csv_mb']:.1f} MB file)",
             ms(imp["total"]), ratio(imp["total"], imp["bare"]),
             f"≤ {TARGETS['import']:.0f}×{mark(imp['total'] <= TARGETS['import'] * imp['bare'])}"],
        ]), ""]

    if repl:
        out += ["## Replication to a bucket (moto's S3 server on 127.0.0.1)", "", replication_table(repl), ""]
    out += ["## Memory", "", "Peak resident memory (ru_maxrss) of this process after each phase; it only grows.", "",
            table(["process", "peak resident memory", "target"], [
        *[[f"this process, after {phase}", f"{mb:.0f} MB", (f"< {TARGETS['memory_mb']} MB"
           f"{mark(mb < TARGETS['memory_mb'])}")] for phase, mb in (
            ("every page at every size", peaks["pages"]), ("scoring and queries", peaks["core"]),
            ("the import", peaks["import"]))],
        *([["this process, after replication's snapshots (a hosted copy's save holds the sealed snapshot)",
            f"{peaks['replication']:.0f} MB", ""]] if "replication" in peaks else []),
        *[[f"child that built the {n:,}-person database", f"{b['peak_mb']:.0f} MB", ""] for n, b in builds.items()
          if n],
    ]), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,30000", help="people per database, comma-separated")
    parser.add_argument("--import-rows", type=int, default=30000, help="rows in the Connections.csv (0: skip)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results.md"), help="Markdown file to write")
    parser.add_argument("--build", nargs=2, metavar=("PATH", "PEOPLE"), help=argparse.SUPPRESS)
    parser.add_argument("--per-person", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--replication-only", action="store_true",
                        help="build the databases and time only replication (prints; writes --out only if given)")
    args = parser.parse_args(argv)
    if args.build:
        print(json.dumps(build(Path(args.build[0]), int(args.build[1]))))
        return
    if args.per_person:
        print(json.dumps(per_person(Path(args.per_person))))
        return
    # AppTest runs pages outside a server; Streamlit says so once per run. It is not news here.
    import streamlit.runtime.scriptrunner_utils.script_run_context  # noqa: F401  (creates its logger)

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    os.environ["RAPPORT_TODAY"] = TODAY.isoformat()
    os.environ.pop("RAPPORT_HOSTED", None)
    info = machine()
    print("\n".join(f"{k}: {v}" for k, v in info.items()), flush=True)
    if args.replication_only:
        with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
            repl = {}
            for n in sizes:
                path = Path(tmp) / f"rapport_{n}.db"
                build_in_child(path, n)
                repl[n] = time_replication(path)
                print(f"replication at {n:,}: {repl[n]}", flush=True)
        text = replication_table(repl)
        print(text)
        if "--out" in (argv if argv is not None else sys.argv):
            Path(args.out).write_text(text + "\n")
        return
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        folder = Path(tmp)
        builds, paths = {}, {}
        for n in [0, *sizes]:
            paths[n] = folder / f"rapport_{n}.db"
            builds[n] = build_in_child(paths[n], n)
            print(f"built {n:,} people: {builds[n]['interactions']:,} interactions in {ms(builds[n]['seconds'])}, "
                  f"{builds[n]['file_mb']:.1f} MB", flush=True)
        _pages, unlisted = discover_pages()
        variants = page_variants(paths[max(sizes)])
        pages_on(paths[0], variants)  # warm-up: imports and first-time setup, not timed
        page_times = {}
        for n in [0, *sizes]:
            page_times[n] = pages_on(paths[n], variants)
            print(f"pages at {n:,}: " + ", ".join(f"{k} {ms(v['rerun'])}" for k, v in page_times[n].items()),
                  flush=True)
        peaks = {"pages": peak_mb()}
        core_times = {}
        for n in sizes:
            core_times[n] = core_on(paths[n])
            print(f"core at {n:,}: " + ", ".join(f"{k} {ms(v)}" for k, v in core_times[n].items()), flush=True)
        peaks["core"] = peak_mb()
        imp = time_import(folder, args.import_rows) if args.import_rows else None
        peaks["import"] = peak_mb()
        if imp:
            print("import: " + ", ".join(f"{k} {v if isinstance(v, int) else ms(v)}" for k, v in imp.items()
                                         if k not in ("csv_mb",)), flush=True)
        # Last: a save holds the whole sealed snapshot in memory (a hosted copy's cost, not a page's).
        repl = {n: time_replication(paths[n]) for n in sizes}
        peaks["replication"] = peak_mb()
        print("replication: " + ", ".join(f"{n:,} save {ms(r['save'])}" for n, r in repl.items()), flush=True)
    text = report(info, builds, sizes, page_times, core_times, imp, unlisted, peaks, repl)
    print()
    print(text)
    Path(args.out).write_text(text + "\n")
    print(f"\nWrote {args.out}")


if __name__ == "__main__":
    main()
