"""Helpers for tests (importable as tests.helpers)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from core import interactions, opportunities, people
from core.followups import board_columns
from core.importers import apply_import, plan_import


def import_file(db: Database, kind: str, data: bytes, today: date, options: dict | None = None) -> dict:
    """Plan and apply an import in one go, the way the Data page and the command line do it: plan_import
    (which writes nothing), then apply_import; returns apply_import's report."""
    return apply_import(db, plan_import(db, kind, data, today, options), today)


def due_board(db: Database, today: date, later_days: int = 60, limit: int = 200) -> dict[str, list[dict]]:
    """The follow-up board's cards by column ({"overdue": [...], "today": [...], ...}), as the Board page reads
    them from followups.board_columns, without the column totals."""
    return {name: column["items"] for name, column in board_columns(db, today, limit, later_days).items()}


def open_page(at, page: str, **query):
    """Run the frame once (it registers the pages), then switch to pages/<page>.py and run it."""
    at.run()
    for key, value in query.items():
        at.query_params[key] = str(value)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


TEXT_KINDS = ("title", "subheader", "markdown", "caption", "info", "warning", "success", "error")


def shown_items(at) -> list[str]:
    """Every text element the page rendered (titles, markdown, captions, alerts), in order of kind."""
    return [e.value for kind in TEXT_KINDS for e in at.get(kind)]


def shown_text(at) -> str:
    """shown_items joined into one string, for `in` checks."""
    return "\n".join(shown_items(at))


def plain(text: str) -> str:
    """Markdown source without its escapes, as the reader sees it."""
    return text.replace("\\", "")


def warm_and_cold_at_globex(db: Database, today: date, **opportunity) -> tuple[int, int, int]:
    """An Analytics Engineer opening at Globex (with `opportunity`'s extra fields), Wanda Warm there, who called
    you three times, and Carl Cold there, who left your email unanswered: (opportunity id, warm id, cold id)."""
    oid = opportunities.add_opportunity(db, today=today, title="Analytics Engineer", company="Globex", **opportunity)
    warm = people.add_person(db, name="Wanda Warm", company="Globex")
    cold = people.add_person(db, name="Carl Cold", company="Globex")
    for k in range(3):
        interactions.log_interaction(db, warm, day=today - timedelta(days=10 * k + 2), channel="video",
                                     direction="them", nature="conversation", today=today)
    interactions.log_interaction(db, cold, day=today - timedelta(days=30), channel="email", responded=False,
                                 today=today)
    return oid, warm, cold
