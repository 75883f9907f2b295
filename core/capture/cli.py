"""`rapport import mail FILE` and `rapport import calendar FILE`: the command line's side of capture."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from core.errors import UserError

KINDS = ("mail", "calendar")
HELP = ("mail: an .mbox (Google Takeout, Apple Mail, Thunderbird), an .eml, or a folder or .zip of them; "
        "calendar: an .ics export")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the mail and calendar imports, on the `import` command's parser."""
    parser.add_argument("--me", action="append", metavar="ADDRESS",
                        help="mail and calendar: one of your own addresses (repeatable; default: the saved ones, "
                             "else your profile's and the mailbox's most frequent sender)")
    parser.add_argument("--subjects", action="store_true",
                        help="mail and calendar: keep each message's subject (event's title) as the touch's note")


def _progress_line(done: int, total: int) -> None:
    share = min(done, total) / total if total else 1.0
    print(f"\r  reading… {share:4.0%} ({min(done, total) / 2**20:,.0f} of {total / 2**20:,.0f} MB)",
          end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace, db, today: date) -> int:
    """Plan the import, print the preview, and (unless --dry-run) write it in one transaction."""
    from core.capture import plan as capture
    from core.capture.calendar import read_file

    if getattr(args, "map", None) or getattr(args, "messages", None) or getattr(args, "invitations", None):
        raise UserError("--map, --messages and --invitations don't apply to mail or calendar imports.")
    path = Path(args.file).expanduser()
    if not path.exists():
        raise UserError(f"No such file: {args.file}")
    tty = sys.stderr.isatty()
    if args.kind == "mail":
        plan = capture.plan_mail(db, path, today, my_addresses=args.me, keep_subjects=args.subjects,
                                 progress=_progress_line if tty else None)
    else:
        if path.is_dir():
            raise UserError(f"{args.file} is a folder: give the .ics file itself.")
        plan = capture.plan_calendar(db, read_file(path), today, my_addresses=args.me,
                                     keep_subjects=args.subjects, name=path.name)
    if tty and args.kind == "mail":
        print(file=sys.stderr)
    print(plan.describe())
    print(f"Your addresses: {', '.join(plan.my_addresses) or '(none: pass --me you@example.com)'}")
    for row in plan.matched(20):
        print(f"  {row['touches']:>6,}  {row['name']}")
    for row in plan.skipped_rows():
        print(f"  skipped {row['count']:,} × {row['reason']}" + (f" (e.g. {row['examples']})" if row["examples"]
                                                                   else ""))
    if plan.talk:
        print("People you talk to who are not on your list (add them, then import again):")
        for t in plan.talk[:10]:
            print(f"  {t['count']:>6,}  {t['name']} <{t['email']}>")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    print(capture.apply_capture(db, plan, today)["message"])
    return 0
