"""The command line (`rapport` / `python -m core`): the same database as the app, from a shell."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from core import __version__
from core.db import open_db, resolve_path
from core.errors import UserError


def _today(args: argparse.Namespace) -> date:
    return date.fromisoformat(args.today) if getattr(args, "today", None) else date.today()


def cmd_init(args: argparse.Namespace) -> int:
    db = open_db(args.db)
    print(f"Database ready at {resolve_path(args.db)} ({db.table('people').count} people).")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from core.demo import generate_demo

    db = open_db(args.db)
    made = generate_demo(db, _today(args), people=args.people)
    print(f"Demo loaded into {resolve_path(args.db)}: {made['people']} people, {made['companies']} companies, "
          f"{made['interactions']} interactions.")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from core.followups import due_on
    from core.relationships import daily_refresh

    day = date.fromisoformat(args.on) if args.on else date.today()
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rapport", description="Rapport: a relationship manager for job seekers.")
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


if __name__ == "__main__":
    sys.exit(main())
