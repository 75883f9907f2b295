"""Shared fixtures: a migrated database, a pinned today, and AppTest on a temporary database file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.db import memory_db, open_db

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TODAY = date(2026, 11, 27)


@pytest.fixture
def db():
    """An empty, migrated in-memory database."""
    return memory_db()


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def demo_db(db, today):
    from core.demo import generate_demo

    generate_demo(db, today)
    return db


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """A database file the app and the command line will use (RAPPORT_DB), with today pinned."""
    path = tmp_path / "rapport.db"
    monkeypatch.setenv("RAPPORT_DB", str(path))
    monkeypatch.setenv("RAPPORT_TODAY", TODAY.isoformat())
    monkeypatch.delenv("RAPPORT_HOSTED", raising=False)
    return path


@pytest.fixture
def demo_path(db_path, today) -> Path:
    """The database file, loaded with the demo data."""
    from core.demo import generate_demo

    generate_demo(open_db(db_path), today)
    return db_path


@pytest.fixture
def app(db_path):
    """A fresh AppTest of the whole app (frame + navigation) on the temporary database."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=30)


def pytest_terminal_summary(terminalreporter):
    """Count the browser tests on their own line, so a CI log shows they ran (and did not skip)."""
    counts = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        counts[outcome] = sum(1 for r in terminalreporter.stats.get(outcome, [])
                              if "tests/browser/" in getattr(r, "nodeid", "") and getattr(r, "when", "call") in (
                                  "call", "setup"))
    if any(counts.values()):
        terminalreporter.write_line(
            f"browser tests (Chromium): {counts['passed']} passed, {counts['failed'] + counts['error']} failed, "
            f"{counts['skipped']} skipped")
