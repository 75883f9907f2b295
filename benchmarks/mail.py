"""Mail import at Takeout size: a generated mbox of N messages (default 100,000, about 1 GB) against 30,000 people.

Run from the repository root:

    .venv/bin/python -m benchmarks.mail [--messages 100000] [--people 30000] [--dir /tmp/rapport-mail-bench]

It builds a database with the demo generator (30,000 people, about 60 % of them with an email address),
writes an mbox shaped like a Gmail Takeout (From_ lines, X-Gmail-Labels, threads with In-Reply-To and
References, Cc, RFC 2047 names, newsletters and no-reply senders, strangers, bodies of about 9 kB) and
then, each in a child process of its own so each peak memory is its own:

- the floor: reading the same file with the standard library's `mailbox.mbox` and parsing each message's
  address, date and id headers (what any mbox reader has to do at least);
- the import: `core.capture.plan.plan_mail` (the preview) then `apply_capture` (one transaction through
  record_touches, rescoring everyone touched), on a copy of the database.

It prints time, peak memory (target: under 300 MB) and the ratio of the import to the floor (target: at
most 2x). This is a measurement, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

TODAY = date(2026, 11, 27)
ME = "pat.seeker@example.com"  # the demo profile's address
PEAK_TARGET_MB = 300
RATIO_TARGET = 2.0
WORDS = ("thanks", "for", "the", "intro", "happy", "to", "help", "the", "role", "looks", "great", "let", "us",
         "find", "a", "time", "next", "week", "I", "read", "your", "article", "on", "hiring", "and", "loved", "the",
         "part", "about", "teams", "could", "you", "share", "the", "deck")


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a
    child would report its parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 2**20)


def build_db(path: Path, people: int) -> list[str]:
    """The demo database; returns the listed addresses."""
    from core.db import open_db
    from core.demo import generate_demo

    db = open_db(path)
    generate_demo(db, TODAY, people=people)
    found = [r[0] for r in db.execute("select email from people where email != ''")]
    db.conn.close()
    return found


def write_mbox(path: Path, messages: int, listed: list[str], seed: int = 15) -> int:
    """A Takeout-shaped mbox; returns its size in bytes."""
    rng = random.Random(seed)
    paragraph = " ".join(rng.choice(WORDS) for _ in range(14)) + "\n"
    body = paragraph * 130  # about 9 kB of text a message
    strangers = [f"someone{i}@elsewhere.example" for i in range(3000)]
    mine: list[tuple[str, str]] = []  # (message id, the person it went to): for their replies
    start = datetime(TODAY.year - 2, TODAY.month, TODAY.day, 8, 0)
    span = (TODAY - start.date()).days * 86400
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for n in range(messages):
            when = start + timedelta(seconds=int(span * n / messages))
            stamp = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
            msgid = f"<{n:09d}.{rng.randrange(10**9)}@mail.gmail.example>"
            head = [f"From {1800000000000000000 + n}@xxx {when:%a %b %d %H:%M:%S} +0000 {when:%Y}",
                    f"X-GM-THRID: {1800000000000000000 + n}", f"Date: {stamp}", f"Message-ID: {msgid}"]
            roll = rng.random()
            if roll < 0.45:  # you write to one to three people on the list
                to = rng.sample(listed, rng.choice((1, 1, 1, 2, 3)))
                head += ["X-Gmail-Labels: Sent", "From: Pat Seeker <" + ME + ">", f"To: {to[0]}"]
                if len(to) > 1:
                    head.append("Cc: " + ", ".join(f"=?UTF-8?Q?Contact_{i}?= <{a}>" for i, a in enumerate(to[1:])))
                head.append("Subject: =?UTF-8?B?Q2Fmw6kgbmV4dCB3ZWVrPw==?=")
                mine.append((msgid, to[0]))
            elif roll < 0.70:  # someone on the list writes, often answering you
                if mine and rng.random() < 0.6:
                    parent, sender = mine[rng.randrange(len(mine))]
                    head += [f"In-Reply-To: {parent}", f"References: {parent}"]
                else:
                    sender = rng.choice(listed)
                head += ["X-Gmail-Labels: Inbox", f"From: {sender}", f"To: Pat Seeker <{ME}>", "Subject: Re: hello"]
            elif roll < 0.82:  # strangers
                head += ["X-Gmail-Labels: Inbox", f"From: {rng.choice(strangers)}", f"To: {ME}",
                         "Subject: Question"]
            elif roll < 0.97:  # newsletters
                head += ["X-Gmail-Labels: Inbox,Category Promotions", "From: Shop <news@shop.example>", f"To: {ME}",
                         "List-Unsubscribe: <https://shop.example/u>", "Precedence: bulk", "Subject: Deals"]
            else:  # automated
                head += ["X-Gmail-Labels: Inbox", "From: no-reply@jobs.example", f"To: {ME}", "Subject: Alert"]
            head += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="UTF-8"']
            f.write("\n".join(head) + "\n\n" + body + "\n")
            if len(mine) > 5000:
                del mine[:1000]
    return path.stat().st_size


def phase_floor(mbox: Path) -> dict:
    """Read every message with mailbox.mbox and parse the headers a mail importer needs."""
    import mailbox
    from email.utils import getaddresses, parsedate_to_datetime

    began = time.perf_counter()
    count = 0
    for msg in mailbox.mbox(mbox, create=False):
        getaddresses(msg.get_all("From", []) + msg.get_all("To", []) + msg.get_all("Cc", []))
        try:
            parsedate_to_datetime(msg["Date"])
        except (TypeError, ValueError):
            pass
        _ = msg["Message-ID"], msg["In-Reply-To"], msg["List-Unsubscribe"], msg["Subject"]
        count += 1
    return {"seconds": time.perf_counter() - began, "peak_mb": _peak_mb(), "messages": count}


def phase_import(db_path: Path, mbox: Path) -> dict:
    from core.capture.plan import apply_capture, plan_mail
    from core.db import open_db

    db = open_db(db_path)
    began = time.perf_counter()
    plan = plan_mail(db, mbox, TODAY, my_addresses=[ME])
    planned = time.perf_counter()
    report = apply_capture(db, plan, TODAY)
    done = time.perf_counter()
    return {"seconds": done - began, "plan_seconds": planned - began, "apply_seconds": done - planned,
            "peak_mb": _peak_mb(), "messages": plan.scanned, "touches": report["added"],
            "people": report["people"], "skipped": sum(plan.skipped.values())}


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.mail", *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--dir", default="/tmp/rapport-mail-bench", help="where the database and mbox go")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--phase", choices=("floor", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--mbox", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "floor":
        print(json.dumps(phase_floor(Path(args.mbox))))
        return 0
    if args.phase == "import":
        print(json.dumps(phase_import(Path(args.db), Path(args.mbox))))
        return 0
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    base, copy, mbox = work / "people.db", work / "import.db", work / "All mail.mbox"
    began = time.perf_counter()
    if base.exists():
        base.unlink()
    listed = build_db(base, args.people)
    built = time.perf_counter()
    size = write_mbox(mbox, args.messages, listed)
    written = time.perf_counter()
    print(f"Built {args.people:,} people ({len(listed):,} with an address) in {built - began:.1f} s; "
          f"wrote {args.messages:,} messages, {size / 2**20:,.0f} MB, in {written - built:.1f} s.", flush=True)
    floor = _child("--phase", "floor", "--mbox", str(mbox))
    shutil.copyfile(base, copy)
    result = _child("--phase", "import", "--db", str(copy), "--mbox", str(mbox))
    ratio = result["seconds"] / floor["seconds"]
    rows = [
        ("mailbox.mbox + header parsing (floor)", floor["seconds"], floor["peak_mb"], ""),
        ("import: preview (plan_mail)", result["plan_seconds"], None, ""),
        ("import: write (apply_capture)", result["apply_seconds"], None, ""),
        ("import: preview + write", result["seconds"], result["peak_mb"],
         f"{ratio:.2f}x floor (target ≤ {RATIO_TARGET:.0f}x)"),
    ]
    print(f"\n| {args.messages:,} messages, {size / 2**20:,.0f} MB, {args.people:,} people | time | peak RSS | |")
    print("|---|---:|---:|---|")
    for name, secs, peak, note in rows:
        peak_text = "" if peak is None else f"{peak:,.0f} MB" + (" ✓" if peak < PEAK_TARGET_MB else " ✗")
        print(f"| {name} | {secs:,.1f} s | {peak_text} | {note} |")
    print(f"\n{result['touches']:,} touches with {result['people']:,} people; {result['skipped']:,} messages "
          f"skipped (newsletters, automated, strangers). Peak target < {PEAK_TARGET_MB} MB; ratio target "
          f"≤ {RATIO_TARGET:.0f}x.")
    if not args.keep:
        for p in (base, copy, mbox):
            p.unlink(missing_ok=True)
        for extra in work.glob("*.db-*"):
            extra.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
