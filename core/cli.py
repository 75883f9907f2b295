"""The command line (`rapport` / `python -m core`): the same database as the app, from a shell."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from datetime import date
from pathlib import Path

from core import __version__
from core.capture import cli as capture_cli
from core.db import open_db, resolve_path
from core.errors import UserError

EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)  # the days a command line date may name
MAX_DEMO_PEOPLE = 100_000


def _day(value: str, what: str) -> date:
    """A YYYY-MM-DD date from the command line, within EARLIEST..LATEST, or a one-line UserError."""
    try:
        day = date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise UserError(f"{what} {value[:40]!r} is not a date like 2026-03-01.") from None
    if not EARLIEST <= day <= LATEST:
        raise UserError(f"{what} {value[:40]} is out of range: use a date between {EARLIEST} and {LATEST}.")
    return day


def _today(args: argparse.Namespace) -> date:
    """--today if given, else $RAPPORT_TODAY (tests and demos pin it), else the real date."""
    chosen = getattr(args, "today", None) or os.environ.get("RAPPORT_TODAY")
    return _day(chosen, "--today" if getattr(args, "today", None) else "RAPPORT_TODAY") if chosen else date.today()


def cmd_init(args: argparse.Namespace) -> int:
    db = open_db(args.db)
    print(f"Database ready at {resolve_path(args.db)} ({db.table('people').count} people).")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from core.demo import generate_demo

    if not 1 <= args.people <= MAX_DEMO_PEOPLE:
        raise UserError(f"--people must be between 1 and {MAX_DEMO_PEOPLE:,}, not {args.people}.")
    db = open_db(args.db)
    made = generate_demo(db, _today(args), people=args.people)
    print(f"Demo loaded into {resolve_path(args.db)}: {made['people']} people, {made['companies']} companies, "
          f"{made['interactions']} interactions.")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from core.followups import due_on
    from core.relationships import daily_refresh

    day = _day(args.on, "--on") if args.on else _today(args)
    db = open_db(args.db)
    daily_refresh(db, day)
    items = due_on(db, day)
    if args.json:
        print(json.dumps([{k: i[k] for k in ("id", "due", "reason", "title", "person", "company", "days_left")}
                          for i in items], ensure_ascii=False, indent=2))
    elif not items:
        print(f"Nothing due on {day.isoformat()}.")
    else:
        for i in items:
            late = f" ({-i['days_left']}d overdue)" if i["days_left"] < 0 else ""
            print(f"{i['due']}  {i['reason_label']:<15} {i['title']}{late}")
    return 0


def _parse_map(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        column, sep, fld = pair.partition("=")
        if not sep or not column.strip():
            raise UserError(f"--map takes COLUMN=FIELD (e.g. 'Full Name=name'), not {pair!r}.")
        mapping[column.strip()] = fld.strip()
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    """Streams the file (any size, bounded memory), writing it in one transaction: all of it or none."""
    from core.importers import import_stream

    if args.kind in capture_cli.KINDS:
        return capture_cli.run(args, open_db(args.db), _today(args))
    if args.map and args.kind != "csv":
        raise UserError("--map only applies to csv imports.")
    if (args.messages or args.invitations) and args.kind != "linkedin":
        raise UserError("--messages and --invitations only go with a linkedin import.")
    options: dict = {}
    if args.messages:
        options["messages"] = args.messages
    if args.invitations:
        options["invitations"] = args.invitations
    if args.owner_url:
        options["owner_url"] = args.owner_url
    if args.kind == "csv":
        options["mapping"] = _parse_map(args.map)  # none: the importer's default_mapping (a known export's own)
    today = _today(args)
    db = open_db(args.db)

    def progress(summary: dict) -> None:
        print(f"  … {summary['added'] + summary['updated']:,} people written so far (not yet saved)", flush=True)

    plan, report = import_stream(db, args.kind, args.file, today, options, dry_run=args.dry_run, progress=progress)
    print(plan.describe())
    for s in plan.skip[:20]:
        print(f"  skip line {s['line']}: {s['name'] or '(no name)'}: {s['reason']}")
    if len(plan.skip) > 20:
        print(f"  … and {len(plan.skip) - 20:,} more skipped rows")
    for w in plan.warnings[:20]:
        print(f"  note line {w['line']}: {w['name']}: {w['message']}")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    print(report["message"])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from core import exporters

    db = open_db(args.db)
    if args.format == "csv" and args.what == "opportunities":
        from core.opportunities import opportunities_csv

        data = opportunities_csv(db)
    elif args.format == "csv":
        data = exporters.interactions_csv(db) if args.what == "interactions" else exporters.people_csv(db)
    elif args.format == "vcard":
        data = exporters.vcards(db)
    else:
        data = exporters.calendar_ics(db, _today(args))
    from core.backup import write_file

    out = write_file(args.out, data)  # beside it, then renamed: never over a device, a folder or a fifo
    print(f"Wrote {out} ({len(data):,} bytes).")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from core.backup import backup

    db = open_db(args.db)
    out = backup(db, args.out)
    print(f"Backed up {resolve_path(args.db)} to {out} ({out.stat().st_size:,} bytes).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from core.backup import restore

    if not Path(args.file).expanduser().is_file():
        raise UserError(f"No such file: {args.file}")
    result = restore(args.db, Path(args.file).expanduser())
    kept = f" The replaced database was kept as {result['kept']}." if result["kept"] else ""
    print(f"Restored {result['people']:,} people into {resolve_path(args.db)}.{kept}")
    return 0


def cmd_contacts(args: argparse.Namespace) -> int:
    from core.people import list_people
    from core.relationships import daily_refresh
    from core.scoring import STATUS_LABELS

    db = open_db(args.db)
    daily_refresh(db, _today(args))
    found, _ = list_people(db, sort="score", limit=1_000_000, today=_today(args))
    if args.json:
        print(json.dumps([{"id": p["id"], "name": p["name"], "company": p["company"], "title": p["title"],
                           "stage": p["stage"], "score": p["score"], "status": p["score_status"],
                           "reason": p["score_reason"]} for p in found], ensure_ascii=False, indent=2))
    elif not found:
        print("No one on your list yet: run `rapport import linkedin Connections.csv` or `rapport demo`.")
    else:
        for p in found:
            score = "  —" if p["score"] is None else f"{p['score']:>3}"
            status = STATUS_LABELS.get(p["score_status"], p["score_status"])
            print(f"{p['id']:>5}  {score}  {status:<16} {p['name']}: {p['score_reason']}")
    return 0


def cmd_opportunities(args: argparse.Namespace) -> int:
    from core import opportunities

    db = open_db(args.db)
    found = opportunities.export_rows(db)
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    elif not found:
        print("No opportunities yet: add one on the Opportunities page, or run `rapport demo`.")
    else:
        for o in found:
            closed = f" ({o['closed_reason']})" if o["closed_reason"] else ""
            print(f"{o['id']:>5}  {o['stage'] + closed:<22} {o['title']} at {o['company']}")
    return 0


def find_person(db, who: str) -> int:
    """A person's id from an id or a unique name (case-insensitive; exact, else a unique partial match)."""
    from core.db import rows

    who = who.strip()
    if who.isdigit():
        if len(who) > 18 or not db.table("people").count_where("id = ?", [int(who)]):  # SQLite ids fit 63 bits
            raise UserError(f"No person with id {who}.")
        return int(who)
    exact = rows(db, "select id, name from people where name = ? collate nocase and archived_at is null", [who])
    found = exact or rows(db, "select id, name from people where name like ? and archived_at is null "
                              "order by name limit 11", [f"%{who}%"])
    if not found:
        raise UserError(f"No one called {who!r} on your list.")
    if len(found) > 1:
        listed = "; ".join(f"{r['id']} {r['name']}" for r in found[:10])
        raise UserError(f"{who!r} matches {len(found)}{'+' if len(found) > 10 else ''} people: {listed}. "
                        "Use the id instead.")
    return found[0]["id"]


def cmd_log(args: argparse.Namespace) -> int:
    from core.interactions import log_interaction

    db = open_db(args.db)
    today = _today(args)
    pid = find_person(db, args.person)
    if args.date:
        _day(args.date, "--date")
    log_interaction(db, pid, day=args.date or today.isoformat(), channel=args.channel, kind=args.kind,
                    direction=args.direction, nature=args.nature or "", notes=args.notes or "", today=today)
    name = db.execute("select name from people where id = ?", [pid]).fetchone()[0]
    print(f"Logged a {args.kind} ({args.channel}) with {name} on {args.date or today.isoformat()}.")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error on stderr (the usage is one `--help` away)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from core.importers import CSV_FIELDS
    from core.importers import KINDS as IMPORT_KINDS
    from core.vocab import CHANNELS, DIRECTIONS, KINDS, NATURES

    parser = _Parser(prog="rapport", description="Rapport: a relationship manager for job seekers.")
    parser.add_argument("--db", help="database file (default: $RAPPORT_DB, else data/rapport.db)")
    parser.add_argument("--version", action="version", version=f"rapport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create the database (or bring an old one up to date)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="load the demo data into an empty database")
    p.add_argument("--people", type=int, default=40, help="how many people (default 40)")
    p.add_argument("--today", help="pretend today is this date (YYYY-MM-DD)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("due", help="what is due today (or on --on DATE)")
    p.add_argument("--on", help="the day to look at (YYYY-MM-DD, default today)")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    p.set_defaults(func=cmd_due)

    p = sub.add_parser("import", help="import people (or LinkedIn messages and invitations) from a file",
                       description="Import a file. Nothing is written if the file is bad; --dry-run only shows "
                                   "what would happen.")
    p.add_argument("kind", choices=(*IMPORT_KINDS, *capture_cli.KINDS),
                   help="linkedin: Connections.csv or the export .zip; messages: messages.csv; invitations: "
                        "Invitations.csv; vcard: .vcf; csv: any CSV (see --map; Google and Outlook contact "
                        f"CSVs are recognised); {capture_cli.HELP}")
    p.add_argument("file", help="the file to import")
    p.add_argument("--dry-run", action="store_true", help="show what would be imported, write nothing")
    p.add_argument("--map", action="append", metavar="COLUMN=FIELD",
                   help=f"csv only: which field a column holds (repeatable). Fields: "
                        f"{', '.join(f for f in CSV_FIELDS if f)}. Without --map the columns are guessed.")
    p.add_argument("--messages", metavar="FILE", help="linkedin only: messages.csv to import in the same go")
    p.add_argument("--invitations", metavar="FILE",
                   help="linkedin only: Invitations.csv (connection requests) to import in the same go")
    p.add_argument("--owner-url", help="your own LinkedIn URL (tells sent messages from received ones)")
    capture_cli.add_arguments(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export people (CSV, vCard) or follow-ups and dates (iCalendar)")
    p.add_argument("format", choices=("csv", "vcard", "ics"), help="csv (spreadsheet), vcard (.vcf), ics (.ics)")
    p.add_argument("out", help="the file to write")
    p.add_argument("--what", choices=("people", "interactions", "opportunities"), default="people",
                   help="csv only (default people)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("backup", help="copy the whole database to a file (safe while the app runs)")
    p.add_argument("out", help="the backup file to write (.db)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the database with a backup (the old one is kept beside it)")
    p.add_argument("file", help="a Rapport backup (.db)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("contacts", help="everyone with their score, status and the reason")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    p.set_defaults(func=cmd_contacts)

    p = sub.add_parser("opportunities", help="the roles you pursue, with their stage and people")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    p.set_defaults(func=cmd_opportunities)

    p = sub.add_parser("log", help="log an interaction with someone")
    p.add_argument("person", help="the person's id, or their name if it is unique")
    p.add_argument("--kind", required=True, choices=KINDS, help="give, ask or neutral")
    p.add_argument("--channel", required=True, choices=CHANNELS, help="how you were in touch")
    p.add_argument("--date", help="when (YYYY-MM-DD, default today)")
    p.add_argument("--direction", default="me", choices=DIRECTIONS, help="who started it (default me)")
    p.add_argument("--nature", choices=tuple(NATURES), help="what it was, e.g. referral, shared_resource")
    p.add_argument("--notes", help="a note about it")
    p.set_defaults(func=cmd_log)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as e:
        print(f"rapport: {e}", file=sys.stderr)
        return 1
    except ValueError as e:  # bad dates on the command line
        print(f"rapport: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a file that can't be read or written
        print(f"rapport: {e.strerror or e}: {e.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except sqlite3.Error as e:  # the database file can't be used (locked, read-only, damaged)
        print(f"rapport: the database {resolve_path(args.db)} can't be used: {e}", file=sys.stderr)
        return 1
    except (OverflowError, MemoryError, RecursionError) as e:  # a value too big to handle, never a traceback
        print(f"rapport: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else 'the input is too big'}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("rapport: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
